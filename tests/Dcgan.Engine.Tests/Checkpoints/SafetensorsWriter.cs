using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace Dcgan.Engine.Tests.Checkpoints;

/// <summary>Writes tensors as a safetensors file, for files with defects that PyTorch would not write.</summary>
internal static class SafetensorsWriter
{
    /// <summary>Writes float32 and int64 CPU tensors under their keys, in the given order.</summary>
    public static void Write(string path, IEnumerable<(string Key, Tensor Value)> tensors, string? dtypeOverride = null)
    {
        var header = new Dictionary<string, object>();
        using var data = new MemoryStream();
        foreach ((string key, Tensor value) in tensors)
        {
            long begin = data.Length;
            string dtype;
            if (value.dtype == ScalarType.Float32)
            {
                dtype = "F32";
                foreach (float number in value.contiguous().data<float>())
                {
                    data.Write(BitConverter.GetBytes(number));
                }
            }
            else
            {
                dtype = "I64";
                foreach (long number in value.contiguous().data<long>())
                {
                    data.Write(BitConverter.GetBytes(number));
                }
            }

            header[key] = new { dtype = dtypeOverride ?? dtype, shape = value.shape, data_offsets = new[] { begin, data.Length } };
        }

        byte[] json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        using FileStream file = File.Create(path);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)json.Length);
        file.Write(length);
        file.Write(json);
        data.Position = 0;
        data.CopyTo(file);
    }
}
