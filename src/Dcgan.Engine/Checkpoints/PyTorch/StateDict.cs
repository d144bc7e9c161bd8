using static TorchSharp.torch;

namespace Dcgan.Engine.Checkpoints.PyTorch;

/// <summary>
/// Named CPU tensors read from a PyTorch state-dict file, in file order. Disposing it disposes every tensor.
/// </summary>
internal sealed class StateDict : IDisposable
{
    private readonly List<string> keys = [];
    private readonly Dictionary<string, Tensor> tensors = new(StringComparer.Ordinal);

    /// <summary>File the tensors came from, for messages.</summary>
    public required string Source { get; init; }

    /// <summary>Keys in the order the file lists them.</summary>
    public IReadOnlyList<string> Keys => keys;

    /// <summary>Number of tensors.</summary>
    public int Count => keys.Count;

    /// <summary>Adds a tensor and takes ownership of it.</summary>
    /// <exception cref="InvalidDataException">The key is already present.</exception>
    public void Add(string key, Tensor tensor)
    {
        if (!tensors.TryAdd(key, tensor))
        {
            tensor.Dispose();
            throw new InvalidDataException($"'{Source}' lists the key '{key}' twice.");
        }

        keys.Add(key);
    }

    /// <summary>Returns the tensor stored under <paramref name="key"/>, or null.</summary>
    public Tensor? Find(string key) => tensors.GetValueOrDefault(key);

    public void Dispose()
    {
        foreach (Tensor tensor in tensors.Values)
        {
            tensor.Dispose();
        }

        tensors.Clear();
        keys.Clear();
    }
}
