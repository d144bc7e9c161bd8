using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Dcgan.Engine.Checkpoints.PyTorch;

/// <summary>
/// Reads the <c>data.pkl</c> record that <c>torch.save(module.state_dict(), path)</c> writes, without running
/// anything the pickle names. It interprets only the opcodes of pickle protocols 2 to 5 that a state dict uses and
/// only these globals: <c>collections.OrderedDict</c> (built empty), <c>torch._utils._rebuild_tensor_v2</c> (turned
/// into a <see cref="PickledTensor"/>) and the <c>torch.*Storage</c> classes, which only name an element type
/// inside a persistent id. Any other global, opcode or shape of data is rejected with
/// <see cref="InvalidDataException"/>.
/// </summary>
/// <remarks>
/// The layout follows what torch 1.13 and 2.x write: an OrderedDict (or dict) of key to
/// <c>_rebuild_tensor_v2((persistent id), offset, size, stride, requires_grad, hooks[, metadata])</c>, where the
/// persistent id is <c>('storage', torch.FloatStorage, '0', 'cpu', elements)</c>, and a BUILD that sets the
/// OrderedDict's <c>_metadata</c> attribute, which this reader ignores.
/// </remarks>
internal sealed class TorchPickleReader
{
    private const string RebuildTensor = "torch._utils._rebuild_tensor_v2";
    private const string OrderedDictClass = "collections.OrderedDict";
    private const int MaxGlobalLength = 256;

    private static readonly HashSet<string> StorageClasses = new(StringComparer.Ordinal)
    {
        "FloatStorage", "DoubleStorage", "HalfStorage", "BFloat16Storage", "LongStorage", "IntStorage",
        "ShortStorage", "CharStorage", "ByteStorage", "BoolStorage",
    };

    private readonly byte[] data;
    private readonly string source;
    private readonly List<object?> stack = [];
    private readonly Stack<int> marks = new();
    private readonly Dictionary<long, object?> memo = [];
    private int position;

    private TorchPickleReader(byte[] data, string source)
    {
        this.data = data;
        this.source = source;
    }

    /// <summary>Returns the tensors of the state dict pickled in <paramref name="pickle"/>, in file order.</summary>
    /// <param name="pickle">Contents of the archive's data.pkl record.</param>
    /// <param name="source">The file, for messages.</param>
    /// <exception cref="InvalidDataException">The pickle is not a state dict of tensors, or it is malformed.</exception>
    public static IReadOnlyList<PickledTensor> Read(byte[] pickle, string source)
    {
        object? root = new TorchPickleReader(pickle, source).Run();
        if (root is not PickleDict dictionary)
        {
            throw new InvalidDataException(
                $"'{source}' does not contain a state dict: its top-level object is {Describe(root)}, not a dict. " +
                "Save the generator with torch.save(generator.state_dict(), path).");
        }

        var tensors = new List<PickledTensor>(dictionary.Entries.Count);
        foreach ((object? key, object? value) in dictionary.Entries)
        {
            if (key is not string name)
            {
                throw new InvalidDataException($"'{source}' has a state-dict key that is {Describe(key)}, not a string.");
            }

            if (value is not TensorReference tensor)
            {
                throw new InvalidDataException(
                    $"'{source}' stores {Describe(value)} under the key '{name}', not a tensor. A file that contains " +
                    "several objects (such as a training checkpoint) is not supported: save generator.state_dict() alone.");
            }

            tensors.Add(new PickledTensor(
                name,
                tensor.Storage.TypeName,
                tensor.Storage.Key,
                tensor.Storage.Elements,
                tensor.Offset,
                tensor.Shape,
                tensor.Stride));
        }

        return tensors;
    }

    private object? Run()
    {
        while (true)
        {
            int start = position;
            byte opcode = ReadByte();
            switch (opcode)
            {
                case 0x80: // PROTO
                    byte protocol = ReadByte();
                    if (protocol is < 2 or > 5)
                    {
                        throw Invalid($"uses pickle protocol {protocol}; this reader supports protocols 2 to 5");
                    }

                    break;
                case 0x95: // FRAME: a length prefix that only helps buffered readers.
                    Read(8);
                    break;
                case (byte)'.': // STOP
                    if (stack.Count != 1 || marks.Count != 0)
                    {
                        throw Invalid($"ends at byte {start} with {stack.Count} values on the stack instead of 1");
                    }

                    return stack[0];
                case (byte)'(': // MARK
                    marks.Push(stack.Count);
                    break;
                case (byte)'}': // EMPTY_DICT
                    stack.Add(new PickleDict());
                    break;
                case (byte)')': // EMPTY_TUPLE
                    stack.Add(Array.Empty<object?>());
                    break;
                case (byte)'t': // TUPLE
                    stack.Add(PopToMark(start).ToArray());
                    break;
                case 0x85: // TUPLE1
                case 0x86: // TUPLE2
                case 0x87: // TUPLE3
                    stack.Add(PopCount(opcode - 0x84, start));
                    break;
                case (byte)'N': // NONE
                    stack.Add(null);
                    break;
                case 0x88: // NEWTRUE
                    stack.Add(true);
                    break;
                case 0x89: // NEWFALSE
                    stack.Add(false);
                    break;
                case (byte)'K': // BININT1
                    stack.Add((long)ReadByte());
                    break;
                case (byte)'M': // BININT2
                    stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(Read(2)));
                    break;
                case (byte)'J': // BININT
                    stack.Add((long)BinaryPrimitives.ReadInt32LittleEndian(Read(4)));
                    break;
                case 0x8a: // LONG1
                    stack.Add(ReadLong1(start));
                    break;
                case (byte)'X': // BINUNICODE
                    stack.Add(ReadText(BinaryPrimitives.ReadUInt32LittleEndian(Read(4)), start));
                    break;
                case 0x8c: // SHORT_BINUNICODE
                    stack.Add(ReadText(ReadByte(), start));
                    break;
                case (byte)'c': // GLOBAL
                    string module = ReadLine(start);
                    string name = ReadLine(start);
                    stack.Add(ResolveGlobal(module, name, start));
                    break;
                case 0x93: // STACK_GLOBAL
                    object?[] names = PopCount(2, start);
                    if (names[0] is not string stackModule || names[1] is not string stackName)
                    {
                        throw Invalid($"has a STACK_GLOBAL at byte {start} whose module or name is not a string");
                    }

                    stack.Add(ResolveGlobal(stackModule, stackName, start));
                    break;
                case (byte)'Q': // BINPERSID
                    stack.Add(ToStorage(Pop(start), start));
                    break;
                case (byte)'R': // REDUCE
                    object?[] arguments = Pop(start) as object?[]
                        ?? throw Invalid($"has a REDUCE at byte {start} whose arguments are not a tuple");
                    stack.Add(Call(Pop(start), arguments, start));
                    break;
                case (byte)'b': // BUILD
                    ApplyState(Pop(start), start);
                    break;
                case (byte)'s': // SETITEM
                    object?[] pair = PopCount(2, start);
                    TargetDict(start).Add(pair[0], pair[1]);
                    break;
                case (byte)'u': // SETITEMS
                    List<object?> items = PopToMark(start);
                    if (items.Count % 2 != 0)
                    {
                        throw Invalid($"has a SETITEMS at byte {start} with an odd number of values");
                    }

                    PickleDict target = TargetDict(start);
                    for (int i = 0; i < items.Count; i += 2)
                    {
                        target.Add(items[i], items[i + 1]);
                    }

                    break;
                case (byte)'q': // BINPUT
                    Memoize(ReadByte(), start);
                    break;
                case (byte)'r': // LONG_BINPUT
                    Memoize(BinaryPrimitives.ReadUInt32LittleEndian(Read(4)), start);
                    break;
                case 0x94: // MEMOIZE
                    Memoize(memo.Count, start);
                    break;
                case (byte)'h': // BINGET
                    stack.Add(Recall(ReadByte(), start));
                    break;
                case (byte)'j': // LONG_BINGET
                    stack.Add(Recall(BinaryPrimitives.ReadUInt32LittleEndian(Read(4)), start));
                    break;
                default:
                    throw Invalid(
                        $"has the pickle opcode 0x{opcode:x2} at byte {start}, which a PyTorch state dict does not " +
                        "use; this reader does not interpret it");
            }
        }
    }

    private object ResolveGlobal(string module, string name, int start)
    {
        string qualified = $"{module}.{name}";
        if (qualified is OrderedDictClass or RebuildTensor
            || (module == "torch" && StorageClasses.Contains(name)))
        {
            return new PickleGlobal(module, name);
        }

        string hint = qualified == "torch._utils._rebuild_parameter"
            ? " The file contains nn.Parameter objects: save generator.state_dict(), which contains plain tensors"
            : " A file saved with torch.save(generator) pickles the Python class itself: save " +
                "generator.state_dict() instead";
        throw Invalid(
            $"names the Python global '{qualified}' at byte {start}. For safety this reader accepts only " +
            $"{OrderedDictClass}, {RebuildTensor} and torch storage types, and never imports or calls anything " +
            $"else.{hint}");
    }

    private object Call(object? callable, object?[] arguments, int start)
    {
        if (callable is not PickleGlobal function)
        {
            throw Invalid($"has a REDUCE at byte {start} that calls {Describe(callable)}");
        }

        if (function.Qualified == OrderedDictClass)
        {
            if (arguments.Length != 0)
            {
                throw Invalid($"builds an OrderedDict at byte {start} from {arguments.Length} arguments instead of none");
            }

            return new PickleDict();
        }

        if (function.Qualified == RebuildTensor)
        {
            return ToTensor(arguments, start);
        }

        throw Invalid($"calls the storage type {function.Qualified} at byte {start}, which only a persistent id may name");
    }

    // Arguments of _rebuild_tensor_v2: storage, storage_offset, size, stride, requires_grad, backward_hooks and, in
    // torch versions after 1.13, an optional metadata dict.
    private TensorReference ToTensor(object?[] arguments, int start)
    {
        if (arguments.Length is not (6 or 7)
            || arguments[0] is not StorageReference storage
            || arguments[1] is not long offset
            || arguments[2] is not object?[] size
            || arguments[3] is not object?[] stride
            || arguments[4] is not bool
            || arguments[5] is not PickleDict hooks)
        {
            throw Invalid(
                $"calls {RebuildTensor} at byte {start} with arguments that are not " +
                "(storage, offset, size, stride, requires_grad, hooks)");
        }

        if (hooks.Entries.Count != 0)
        {
            throw Invalid($"has a tensor at byte {start} with backward hooks, which a state dict does not store");
        }

        if (arguments.Length == 7 && arguments[6] is not (null or PickleDict))
        {
            throw Invalid($"has a tensor at byte {start} whose metadata is {Describe(arguments[6])}, not a dict");
        }

        long[] shape = ToIndices(size, "size", start);
        long[] strides = ToIndices(stride, "stride", start);
        if (shape.Length != strides.Length)
        {
            throw Invalid($"has a tensor at byte {start} with {shape.Length} sizes but {strides.Length} strides");
        }

        if (offset < 0)
        {
            throw Invalid($"has a tensor at byte {start} with the negative storage offset {offset}");
        }

        return new TensorReference(storage, offset, shape, strides);
    }

    private long[] ToIndices(object?[] values, string what, int start)
    {
        var result = new long[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = values[i] is long value && value >= 0
                ? value
                : throw Invalid($"has a tensor at byte {start} whose {what} contains {Describe(values[i])}");
        }

        return result;
    }

    // Persistent id of a storage: ('storage', storage type, key, location, number of elements).
    private StorageReference ToStorage(object? persistentId, int start)
    {
        if (persistentId is not object?[] { Length: 5 } parts
            || parts[0] is not "storage"
            || parts[1] is not PickleGlobal { Module: "torch" } type
            || !StorageClasses.Contains(type.Name)
            || parts[2] is not string key
            || parts[3] is not string
            || parts[4] is not long elements
            || elements < 0)
        {
            throw Invalid(
                $"has a persistent id at byte {start} that is not ('storage', torch storage type, key, location, " +
                "elements)");
        }

        return new StorageReference(type.Name, key, elements);
    }

    // BUILD on a state dict sets its _metadata attribute (module versions), which loading does not need.
    private void ApplyState(object? state, int start)
    {
        if (stack.Count == 0 || stack[^1] is not PickleDict || state is not PickleDict attributes)
        {
            throw Invalid($"has a BUILD at byte {start} that does not set attributes of a dict");
        }

        foreach ((object? name, _) in attributes.Entries)
        {
            if (name is not "_metadata")
            {
                throw Invalid($"sets the attribute {Describe(name)} on a dict at byte {start}; only _metadata is expected");
            }
        }
    }

    private PickleDict TargetDict(int start) =>
        stack.Count > 0 && stack[^1] is PickleDict dictionary
            ? dictionary
            : throw Invalid($"sets dict items at byte {start} on something that is not a dict");

    private void Memoize(long index, int start)
    {
        if (stack.Count == 0)
        {
            throw Invalid($"memoizes at byte {start} with an empty stack");
        }

        memo[index] = stack[^1];
    }

    private object? Recall(long index, int start) =>
        memo.TryGetValue(index, out object? value)
            ? value
            : throw Invalid($"reads memo entry {index} at byte {start}, which was never stored");

    private object? Pop(int start)
    {
        if (stack.Count == 0 || (marks.Count > 0 && marks.Peek() == stack.Count))
        {
            throw Invalid($"pops a value at byte {start} from an empty stack");
        }

        object? value = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return value;
    }

    private object?[] PopCount(int count, int start)
    {
        int floor = marks.Count > 0 ? marks.Peek() : 0;
        if (stack.Count - floor < count)
        {
            throw Invalid($"needs {count} values at byte {start} but the stack has fewer");
        }

        object?[] values = stack.GetRange(stack.Count - count, count).ToArray();
        stack.RemoveRange(stack.Count - count, count);
        return values;
    }

    private List<object?> PopToMark(int start)
    {
        if (marks.Count == 0)
        {
            throw Invalid($"closes a MARK at byte {start} that was never opened");
        }

        int mark = marks.Pop();
        List<object?> values = stack.GetRange(mark, stack.Count - mark);
        stack.RemoveRange(mark, stack.Count - mark);
        return values;
    }

    private long ReadLong1(int start)
    {
        byte length = ReadByte();
        var value = new BigInteger(Read(length), isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue
            ? (long)value
            : throw Invalid($"has an integer at byte {start} that does not fit in 64 bits");
    }

    private string ReadText(long length, int start)
    {
        if (length > data.Length - position)
        {
            throw Invalid($"has a string at byte {start} that runs past the end of the pickle");
        }

        ReadOnlySpan<byte> bytes = Read((int)length);
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Invalid($"has a string at byte {start} that is not valid UTF-8");
        }
    }

    private string ReadLine(int start)
    {
        int end = Array.IndexOf(data, (byte)'\n', position, Math.Min(MaxGlobalLength, data.Length - position));
        if (end < 0)
        {
            throw Invalid($"has a GLOBAL at byte {start} whose name is unterminated or longer than {MaxGlobalLength} bytes");
        }

        string line = Encoding.ASCII.GetString(data, position, end - position);
        position = end + 1;
        return line;
    }

    private byte ReadByte() => Read(1)[0];

    private ReadOnlySpan<byte> Read(int count)
    {
        if (count > data.Length - position)
        {
            throw Invalid($"ends at byte {data.Length}, inside a value: the file is truncated or damaged");
        }

        var span = new ReadOnlySpan<byte>(data, position, count);
        position += count;
        return span;
    }

    private InvalidDataException Invalid(string problem) =>
        new($"The state dict in '{source}' {problem}.");

    private static string Describe(object? value) => value switch
    {
        null => "None",
        string text => $"the string '{text}'",
        long number => $"the integer {number.ToString(CultureInfo.InvariantCulture)}",
        bool flag => flag ? "True" : "False",
        object?[] tuple => $"a tuple of {tuple.Length}",
        PickleDict => "a dict",
        PickleGlobal global => global.Qualified,
        StorageReference => "a storage",
        TensorReference => "a tensor",
        _ => value.GetType().Name,
    };

    private sealed record PickleGlobal(string Module, string Name)
    {
        public string Qualified => $"{Module}.{Name}";
    }

    private sealed record StorageReference(string TypeName, string Key, long Elements);

    private sealed record TensorReference(StorageReference Storage, long Offset, long[] Shape, long[] Stride);

    private sealed class PickleDict
    {
        public List<KeyValuePair<object?, object?>> Entries { get; } = [];

        public void Add(object? key, object? value) => Entries.Add(new(key, value));
    }
}
