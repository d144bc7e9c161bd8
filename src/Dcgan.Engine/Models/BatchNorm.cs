using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dcgan.Engine.Models;

/// <summary>
/// BatchNorm over the channels of N×C×H×W input, with PyTorch's defaults (momentum 0.1, epsilon 1e-5) and its
/// state-dict keys (weight, bias, running_mean, running_var, num_batches_tracked). TorchSharp 0.107.0's
/// BatchNorm2d counts batches with <c>add_(1)</c>, which makes a temporary Scalar that a garbage collection on
/// another thread can free while libtorch reads it; this module counts with a Scalar it owns.
/// </summary>
internal sealed class BatchNorm : nn.Module<Tensor, Tensor>
{
    private const double Momentum = 0.1;
    private const double Epsilon = 1e-5;

    private readonly Scalar unit = 1.ToScalar();

    public BatchNorm(long features)
        : base("BatchNorm2d")
    {
        register_parameter("weight", new Parameter(ones(features)));
        register_parameter("bias", new Parameter(zeros(features)));
        register_buffer("running_mean", zeros(features));
        register_buffer("running_var", ones(features));
        register_buffer("num_batches_tracked", tensor(0L));
    }

    /// <summary>Scale γ, one per channel.</summary>
    public Parameter Weight => get_parameter("weight")!;

    /// <summary>Shift β, one per channel.</summary>
    public Parameter Bias => get_parameter("bias")!;

    public override Tensor forward(Tensor input)
    {
        if (training)
        {
            using var noGrad = no_grad();
            get_buffer("num_batches_tracked")!.add_(unit, unit);
        }

        Tensor result = nn.functional.batch_norm(
            input,
            get_buffer("running_mean")!,
            get_buffer("running_var")!,
            Weight,
            Bias,
            training,
            Momentum,
            Epsilon);
        GC.KeepAlive(unit);
        return result;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            unit.Dispose();
        }

        base.Dispose(disposing);
    }
}
