using System.IO.Compression;
using static TorchSharp.torch;

namespace Dcgan.Engine.Checkpoints.PyTorch;

/// <summary>
/// Reads a state dict from a file written by <c>torch.save</c> (PyTorch 1.6 and later): a zip archive with one
/// top folder that contains <c>data.pkl</c>, the pickled dict, and <c>data/KEY</c>, the raw bytes of each storage.
/// torch 2.x also writes <c>byteorder</c>, which must read "little".
/// </summary>
internal static class TorchZipFile
{
    private const string PickleName = "data.pkl";
    private const long MaxPickleBytes = 64L << 20;

    /// <summary>Reads every tensor of the state dict in <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not such an archive, or contains more than tensors.</exception>
    public static StateDict Read(string path)
    {
        using FileStream file = ImportedFile.Open(path);
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException(
                $"'{path}' is not a readable torch.save archive ({e.Message}). The file may be truncated. Files " +
                "saved by PyTorch before 1.6, or with _use_new_zipfile_serialization=False, are not supported: load " +
                "and save them again with a current PyTorch.",
                e);
        }

        using (archive)
        {
            string prefix = FindPrefix(archive, path);
            CheckByteOrder(archive, prefix, path);
            byte[] pickle = ReadEntry(archive, prefix + PickleName, null, MaxPickleBytes, path);
            IReadOnlyList<PickledTensor> tensors = TorchPickleReader.Read(pickle, path);
            return Materialize(archive, prefix, tensors, path);
        }
    }

    private static StateDict Materialize(ZipArchive archive, string prefix, IReadOnlyList<PickledTensor> tensors, string path)
    {
        var storages = new Dictionary<string, (ScalarType Type, byte[] Bytes)>(StringComparer.Ordinal);
        var result = new StateDict { Source = path };
        try
        {
            foreach (PickledTensor pickled in tensors)
            {
                if (!TensorBytes.TryFromStorageClass(pickled.StorageType, out ScalarType type))
                {
                    throw new InvalidDataException(
                        $"Key '{pickled.Key}' in '{path}' is stored as torch.{pickled.StorageType}; only " +
                        $"{TensorBytes.SupportedTypes} tensors are supported. Convert with generator.float() before " +
                        "saving.");
                }

                if (!storages.TryGetValue(pickled.StorageKey, out (ScalarType Type, byte[] Bytes) storage))
                {
                    long length = checked(pickled.StorageElements * TensorBytes.ElementSize(type));
                    storage = (type, ReadEntry(archive, $"{prefix}data/{pickled.StorageKey}", length, length, path));
                    storages.Add(pickled.StorageKey, storage);
                }
                else if (storage.Type != type)
                {
                    throw new InvalidDataException(
                        $"Key '{pickled.Key}' in '{path}' reads storage '{pickled.StorageKey}' as {type}, but another " +
                        $"key reads it as {storage.Type}.");
                }

                result.Add(pickled.Key, ToTensor(pickled, type, storage.Bytes, path));
            }

            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    // A state dict's tensors are usually contiguous views at some offset of their storage, but views such as
    // transposes pickle their real strides, so any stride inside the storage is accepted.
    private static Tensor ToTensor(PickledTensor pickled, ScalarType type, byte[] storage, string path)
    {
        int elementSize = TensorBytes.ElementSize(type);
        long storageElements = storage.Length / elementSize;
        long elements = 1;
        long lastIndex = pickled.Offset;
        for (int i = 0; i < pickled.Shape.Length; i++)
        {
            elements = checked(elements * pickled.Shape[i]);
            lastIndex = checked(lastIndex + ((pickled.Shape[i] - 1) * pickled.Stride[i]));
        }

        if (elements > 0 && lastIndex >= storageElements)
        {
            throw new InvalidDataException(
                $"Key '{pickled.Key}' in '{path}' reaches element {lastIndex} of storage '{pickled.StorageKey}', " +
                $"which has only {storageElements} elements.");
        }

        if (elements == 0)
        {
            return empty(pickled.Shape, type);
        }

        using Tensor whole = TensorBytes.ToTensor(storage, type, [storageElements]);
        using Tensor view = whole.as_strided(pickled.Shape, pickled.Stride, pickled.Offset);
        using Tensor contiguous = view.contiguous();

        // A copy, so the tensor does not keep a storage shared with other keys alive.
        return contiguous.clone();
    }

    private static string FindPrefix(ZipArchive archive, string path)
    {
        List<string> pickles = [.. archive.Entries
            .Select(entry => entry.FullName)
            .Where(name => name.EndsWith("/" + PickleName, StringComparison.Ordinal)
                && name.IndexOf('/', StringComparison.Ordinal) == name.Length - PickleName.Length - 1)];
        return pickles.Count == 1
            ? pickles[0][..^PickleName.Length]
            : throw new InvalidDataException(
                $"'{path}' is a zip archive but not a torch.save file: it has {pickles.Count} top-level " +
                $"'FOLDER/{PickleName}' records instead of one.");
    }

    private static void CheckByteOrder(ZipArchive archive, string prefix, string path)
    {
        if (archive.GetEntry(prefix + "byteorder") is null)
        {
            // torch before 2.1 writes no byteorder record and always stores little-endian data.
            return;
        }

        byte[] order = ReadEntry(archive, prefix + "byteorder", null, 16, path);
        string text = System.Text.Encoding.ASCII.GetString(order).Trim();
        if (text != "little")
        {
            throw new InvalidDataException(
                $"'{path}' stores its tensors with byte order '{text}'; only little-endian files are supported.");
        }
    }

    // Reads a record whole. An expected length must match exactly, because torch writes each storage's exact size.
    private static byte[] ReadEntry(ZipArchive archive, string name, long? expectedLength, long maxLength, string path)
    {
        ZipArchiveEntry entry = archive.GetEntry(name)
            ?? throw new InvalidDataException($"'{path}' lacks the record '{name}' of its torch.save archive.");
        long length = entry.Length;
        if ((expectedLength is not null && length != expectedLength) || length > maxLength || length > Array.MaxLength)
        {
            string expected = expectedLength is null ? $"at most {maxLength}" : $"{expectedLength}";
            throw new InvalidDataException(
                $"Record '{name}' of '{path}' has {length} bytes; expected {expected}.");
        }

        var bytes = new byte[length];
        try
        {
            using Stream stream = entry.Open();
            stream.ReadExactly(bytes);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new InvalidDataException($"Record '{name}' of '{path}' cannot be read: {e.Message}", e);
        }

        return bytes;
    }
}
