using System.Buffers;
using System.Security.Cryptography;

namespace Dcgan.Worker.Storage;

/// <summary>Stream copies that hash or count what passes through.</summary>
internal static class StreamCopy
{
    private const int BufferSize = 81920;

    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="destination"/> (or only reads it when that is null), feeding
    /// every byte to <paramref name="hashes"/>, and returns the number of bytes copied.
    /// </summary>
    public static Task<long> CopyHashingAsync(
        Stream source,
        Stream? destination,
        IReadOnlyList<IncrementalHash> hashes,
        CancellationToken cancellationToken) =>
        CopyAsync(source, destination, hashes, long.MaxValue, description: null, cancellationToken);

    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="destination"/> and returns the number of bytes copied,
    /// counting while streaming rather than trusting any declared length.
    /// </summary>
    /// <exception cref="InvalidDataException">The source has more than <paramref name="maxBytes"/> bytes.</exception>
    public static Task<long> CopyWithLimitAsync(
        Stream source,
        Stream destination,
        long maxBytes,
        string description,
        CancellationToken cancellationToken) =>
        CopyAsync(source, destination, hashes: [], maxBytes, description, cancellationToken);

    private static async Task<long> CopyAsync(
        Stream source,
        Stream? destination,
        IReadOnlyList<IncrementalHash> hashes,
        long maxBytes,
        string? description,
        CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                total += read;
                if (total > maxBytes)
                {
                    throw new InvalidDataException($"{description} is larger than the limit of {maxBytes} bytes.");
                }

                foreach (IncrementalHash hash in hashes)
                {
                    hash.AppendData(buffer, 0, read);
                }

                if (destination is not null)
                {
                    await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }

            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
