using TorchSharp;

namespace Dcgan.Engine;

/// <summary>Resolves a device name from configuration to a TorchSharp device.</summary>
public static class DeviceSelector
{
    /// <summary>Device names accepted by <see cref="Resolve"/>.</summary>
    public static readonly IReadOnlyList<string> Names = ["auto", "cpu", "cuda"];

    /// <summary>
    /// Returns the CPU for "cpu", the first GPU for "cuda" (or "cuda:N" for GPU N), and the first GPU when
    /// one is present or else the CPU for "auto".
    /// </summary>
    public static torch.Device Resolve(string name)
    {
        string normalized = name.Trim().ToLowerInvariant();
        if (normalized == "cpu")
        {
            return torch.CPU;
        }

        if (normalized == "auto")
        {
            return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        }

        if (normalized == "cuda" || normalized.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!torch.cuda.is_available())
            {
                throw new ArgumentException(
                    $"Device '{name}' was requested but no CUDA device is available. Use 'cpu' or 'auto', or run a " +
                    "build made with the CUDA TorchSharp package on a machine with an NVIDIA GPU.");
            }

            return torch.device(normalized);
        }

        throw new ArgumentException($"Device '{name}' is not supported: use auto, cpu, cuda or cuda:N.");
    }
}
