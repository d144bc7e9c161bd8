namespace Dcgan.Engine.Checkpoints.PyTorch;

/// <summary>
/// One tensor of a pickled state dict: where its storage lies in the archive and how the tensor views it.
/// </summary>
/// <param name="Key">State-dict key, such as "main.0.weight".</param>
/// <param name="StorageType">PyTorch storage class, such as "FloatStorage"; it fixes the element type.</param>
/// <param name="StorageKey">Name of the storage record under "data/" in the archive.</param>
/// <param name="StorageElements">Elements in the whole storage, which several tensors may share.</param>
/// <param name="Offset">Index of the tensor's first element in the storage.</param>
/// <param name="Shape">Size of each dimension.</param>
/// <param name="Stride">Storage elements between neighbours along each dimension.</param>
internal sealed record PickledTensor(
    string Key,
    string StorageType,
    string StorageKey,
    long StorageElements,
    long Offset,
    long[] Shape,
    long[] Stride);
