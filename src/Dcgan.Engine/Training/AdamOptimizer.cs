using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dcgan.Engine.Training;

/// <summary>
/// Adam (Kingma and Ba, 2015) without weight decay, with the update order of PyTorch's single-tensor Adam.
/// Every Scalar it passes to libtorch is held in a field or a <c>using</c> variable until the native call returns,
/// and it calls only overloads that take every Scalar explicitly (TorchSharp's <c>add_(Scalar)</c> makes its own
/// alpha).
/// TorchSharp 0.107.0's Adam creates them by implicit conversion, and a garbage collection on another thread could
/// free one mid-call, which failed training steps at random.
/// </summary>
public sealed class AdamOptimizer : IDisposable
{
    private readonly Parameter[] parameters;
    private readonly Tensor[] firstMoments;
    private readonly Tensor[] secondMoments;
    private readonly double learningRate;
    private readonly double beta1;
    private readonly double beta2;
    private readonly Scalar beta1Scalar;
    private readonly Scalar beta2Scalar;
    private readonly Scalar oneMinusBeta1;
    private readonly Scalar oneMinusBeta2;
    private readonly Scalar epsilon;
    private readonly Scalar unitAlpha;

    /// <summary>Creates an optimizer for <paramref name="parameters"/> with zeroed moment estimates.</summary>
    public AdamOptimizer(IEnumerable<Parameter> parameters, double learningRate, double beta1, double beta2, double eps = 1e-8)
    {
        this.parameters = parameters.ToArray();
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        beta1Scalar = beta1.ToScalar();
        beta2Scalar = beta2.ToScalar();
        oneMinusBeta1 = (1 - beta1).ToScalar();
        oneMinusBeta2 = (1 - beta2).ToScalar();
        epsilon = eps.ToScalar();
        unitAlpha = 1.ToScalar();
        firstMoments = this.parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        secondMoments = this.parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
    }

    /// <summary>Updates applied so far; bias correction depends on it.</summary>
    public long StepCount { get; private set; }

    /// <summary>Sets every parameter's gradient to zero.</summary>
    public void ZeroGrad()
    {
        using var scope = NewDisposeScope();
        foreach (Parameter parameter in parameters)
        {
            parameter.grad?.zero_();
        }
    }

    /// <summary>Applies one Adam update to every parameter that has a gradient.</summary>
    public void Step()
    {
        StepCount++;
        double biasCorrection1 = 1 - Math.Pow(beta1, StepCount);
        double biasCorrection2 = 1 - Math.Pow(beta2, StepCount);
        using Scalar negativeStepSize = (-learningRate / biasCorrection1).ToScalar();
        using Scalar biasCorrection2Sqrt = Math.Sqrt(biasCorrection2).ToScalar();
        using var noGrad = no_grad();
        for (int i = 0; i < parameters.Length; i++)
        {
            using var scope = NewDisposeScope();
            Tensor? gradient = parameters[i].grad;
            if (gradient is null)
            {
                continue;
            }

            firstMoments[i].mul_(beta1Scalar).add_(gradient, oneMinusBeta1);
            secondMoments[i].mul_(beta2Scalar).addcmul_(gradient, gradient, oneMinusBeta2);
            Tensor denominator = secondMoments[i].sqrt().div_(biasCorrection2Sqrt).add_(epsilon, unitAlpha);
            parameters[i].addcdiv_(firstMoments[i], denominator, negativeStepSize);
        }

        GC.KeepAlive(this);
    }

    /// <summary>Writes the step count and both moment estimates of every parameter.</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(StepCount);
        writer.Write(parameters.Length);
        for (int i = 0; i < parameters.Length; i++)
        {
            firstMoments[i].Save(writer);
            secondMoments[i].Save(writer);
        }
    }

    /// <summary>Restores a state written by <see cref="Save"/> for the same parameter shapes.</summary>
    public void Load(BinaryReader reader)
    {
        long stepCount = reader.ReadInt64();
        int count = reader.ReadInt32();
        if (count != parameters.Length)
        {
            throw new InvalidDataException(
                $"The optimizer state has {count} parameters; the network has {parameters.Length}.");
        }

        for (int i = 0; i < parameters.Length; i++)
        {
            firstMoments[i].Load(reader);
            secondMoments[i].Load(reader);
        }

        StepCount = stepCount;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (Tensor moment in firstMoments.Concat(secondMoments))
        {
            moment.Dispose();
        }

        beta1Scalar.Dispose();
        beta2Scalar.Dispose();
        oneMinusBeta1.Dispose();
        oneMinusBeta2.Dispose();
        epsilon.Dispose();
        unitAlpha.Dispose();
    }
}
