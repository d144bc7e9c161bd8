using BatchNorm = Dcgan.Engine.Models.BatchNorm;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dcgan.Engine.Evaluation;

/// <summary>
/// Small CNN classifier for 32×32 grayscale images in [-1, 1], used as the feature space of the quality score.
/// Three 3×3 convolutions with BatchNorm, ReLU and 2×2 max pooling (16, 32 and 64 channels) reduce the image to
/// 64×4×4. Average pooling to 64×2×2 feeds a fully connected layer of <see cref="FeatureSize"/> units with ReLU,
/// the features, and a 10-way output layer.
/// </summary>
public sealed class FeatureClassifier : nn.Module<Tensor, Tensor>
{
    /// <summary>Length of the feature vector returned by <see cref="Features"/>.</summary>
    public const int FeatureSize = 128;

    /// <summary>Number of classes of the output layer.</summary>
    public const int ClassCount = 10;

    /// <summary>Side of the square input images in pixels.</summary>
    public const int ImageSize = 32;

    private const int PooledLength = 64 * 2 * 2;

    private readonly Sequential body;
    private readonly Linear feature;
    private readonly Linear output;

    /// <summary>Builds the network with He-normal weights and zero biases drawn from <paramref name="seed"/>.</summary>
    public FeatureClassifier(long seed)
        : base("FeatureClassifier")
    {
        body = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding: 1, bias: false),
            new BatchNorm(16),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding: 1, bias: false),
            new BatchNorm(32),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding: 1, bias: false),
            new BatchNorm(64),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.AvgPool2d(2));
        feature = nn.Linear(PooledLength, FeatureSize);
        output = nn.Linear(FeatureSize, ClassCount);
        RegisterComponents();
        Initialize(seed);
    }

    /// <summary>Returns the class logits, N×10, of images N×1×32×32.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return output.forward(Features(input)).MoveToOuterDisposeScope();
    }

    /// <summary>Returns the activations of the feature layer, N×<see cref="FeatureSize"/>, of images N×1×32×32.</summary>
    public Tensor Features(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor pooled = body.forward(input);
        Tensor flat = pooled.view(pooled.shape[0], PooledLength);
        return feature.forward(flat).relu().MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            body.Dispose();
            feature.Dispose();
            output.Dispose();
        }

        base.Dispose(disposing);
    }

    // TorchSharp's default initialisers draw from the global generator, so the weights are drawn here from a
    // generator of their own and copied in, which makes the seed decide them.
    private void Initialize(long seed)
    {
        using var generator = new torch.Generator((ulong)seed, CPU);
        using var noGrad = no_grad();
        foreach ((string _, nn.Module child) in named_modules())
        {
            switch (child)
            {
                case Conv2d conv:
                    FillHeNormal(conv.weight!, conv.weight!.shape[1] * conv.weight!.shape[2] * conv.weight!.shape[3], generator);
                    break;
                case Linear linear:
                    FillHeNormal(linear.weight!, linear.weight!.shape[1], generator);
                    linear.bias!.zero_();
                    break;
            }
        }
    }

    private static void FillHeNormal(Tensor target, long fanIn, torch.Generator generator)
    {
        using Scalar std = Math.Sqrt(2.0 / fanIn).ToScalar();
        using Tensor values = randn(target.shape, generator: generator).mul_(std);
        target.copy_(values);
    }
}
