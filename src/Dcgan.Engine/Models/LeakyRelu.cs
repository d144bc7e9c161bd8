using TorchSharp;
using static TorchSharp.torch;

namespace Dcgan.Engine.Models;

/// <summary>
/// LeakyReLU whose slope is one Scalar owned by the module. TorchSharp's own LeakyReLU converts the
/// slope to a new Scalar on every call, and a garbage collection during the native call can free that Scalar
/// while libtorch reads it.
/// </summary>
internal sealed class LeakyRelu : nn.Module<Tensor, Tensor>
{
    private readonly Scalar slope;

    public LeakyRelu(double negativeSlope)
        : base("LeakyReLU")
    {
        slope = negativeSlope.ToScalar();
    }

    public override Tensor forward(Tensor input)
    {
        Tensor result = input.leaky_relu(slope);
        GC.KeepAlive(slope);
        return result;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            slope.Dispose();
        }

        base.Dispose(disposing);
    }
}
