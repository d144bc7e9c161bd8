using System.IO.Compression;
using System.Text;
using Dcgan.Engine.Checkpoints.PyTorch;
using Dcgan.Engine.Models;
using Dcgan.Engine.Tests.Data;
using static TorchSharp.torch;

namespace Dcgan.Engine.Tests.Checkpoints;

public sealed class PyTorchRejectionTests : IDisposable
{
    private const string Fixture = "generator-16x16x1";

    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void Load_RenamedKey_NamesMissingAndUnexpectedKey()
    {
        string path = EditPickle(pickle => ArchiveEditor.ReplaceText(pickle, "main.4.bias", "main.4.bia5"));

        var error = Should.Throw<InvalidDataException>(() => PyTorchGeneratorFile.Load(path, CPU));

        error.Message.ShouldContain("the key 'main.4.bias' is missing (expected shape [4])");
        error.Message.ShouldContain("the key 'main.4.bia5' is unexpected");
    }

    [Fact]
    public void Load_WrongShape_NamesKeyAndBothShapes()
    {
        using var scope = NewDisposeScope();
        string path = directory.Combine("wrong-shape.safetensors");
        using (StateDict weights = SafetensorsFile.Read(PyTorchFixture.PathOf(Fixture + ".safetensors")))
        {
            SafetensorsWriter.Write(
                path,
                weights.Keys.Select(key => (key, key == "main.3.weight" ? randn(8, 5, 4, 4) : weights.Find(key)!)));
        }

        var error = Should.Throw<InvalidDataException>(() => PyTorchGeneratorFile.Load(path, CPU));

        error.Message.ShouldContain("the key 'main.3.weight' has shape [8, 5, 4, 4], expected [8, 4, 4, 4]");
        error.Message.ShouldContain("16×16×1 images, latent size 8 and 4 generator features");
    }

    [Fact]
    public void Load_DiscriminatorStateDict_RejectsLayout()
    {
        using var scope = NewDisposeScope();
        string path = directory.Combine("discriminator.safetensors");
        using (var discriminator = new DcganDiscriminator(new ModelConfig { ImageSize = 16, DiscriminatorFeatures = 4 }))
        {
            SafetensorsWriter.Write(path, discriminator.state_dict().Select(pair => (pair.Key, pair.Value)));
        }

        var error = Should.Throw<InvalidDataException>(() => PyTorchGeneratorFile.Load(path, CPU));

        error.Message.ShouldContain("does not have the layout of a DCGAN generator");
        error.Message.ShouldContain("'main.5.weight'");
    }

    [Theory]
    [InlineData("posix", "system")]
    [InlineData("builtins", "eval")]
    [InlineData("__main__", "Generator")]
    public void Load_ForbiddenGlobal_IsRejectedBeforeAnyCall(string module, string name)
    {
        string marker = directory.Combine("marker");
        byte[] pickle = [
            0x80, 2, (byte)'c', .. Encoding.ASCII.GetBytes($"{module}\n{name}\n"),
            (byte)'X', .. BitConverter.GetBytes(7 + marker.Length), .. Encoding.ASCII.GetBytes($"touch {marker}"),
            0x85, (byte)'R', (byte)'.',
        ];
        string path = WriteArchive("forbidden.pth", pickle);

        var error = Should.Throw<InvalidDataException>(() => PyTorchGeneratorFile.Load(path, CPU));

        error.Message.ShouldContain($"names the Python global '{module}.{name}' at byte 2");
        error.Message.ShouldContain("never imports or calls anything else");
        File.Exists(marker).ShouldBeFalse();
    }

    [Fact]
    public void Load_PickledModuleClass_AdvisesSavingStateDict()
    {
        string path = EditPickle(pickle => ArchiveEditor.ReplaceText(pickle, "collections\nOrderedDict", "__main__\nGenerator"));

        var error = Should.Throw<InvalidDataException>(() => PyTorchGeneratorFile.Load(path, CPU));

        error.Message.ShouldContain("'__main__.Generator'");
        error.Message.ShouldContain("save generator.state_dict() instead");
    }

    [Fact]
    public void Load_PickledParameters_AdvisesSavingStateDict()
    {
        string path = EditPickle(pickle => ArchiveEditor.ReplaceText(pickle, "_rebuild_tensor_v2", "_rebuild_parameter"));

        var error = Should.Throw<InvalidDataException>(() => PyTorchGeneratorFile.Load(path, CPU));

        error.Message.ShouldContain("'torch._utils._rebuild_parameter'");
        error.Message.ShouldContain("contains nn.Parameter objects");
    }

    [Fact]
    public void Load_NestedCheckpointDict_NamesNonTensorKey()
    {
        byte[] pickle = [0x80, 2, (byte)'}', 0x8c, 4, .. "netG"u8, (byte)'}', (byte)'s', (byte)'.'];
        string path = WriteArchive("checkpoint.pth", pickle);

        var error = Should.Throw<InvalidDataException>(() => PyTorchGeneratorFile.Load(path, CPU));

        error.Message.ShouldContain("stores a dict under the key 'netG', not a tensor");
    }

    [Fact]
    public void Load_HalfPrecisionStorage_NamesKeyAndType()
    {
        string path = EditPickle(pickle => ArchiveEditor.ReplaceText(pickle, "FloatStorage", "HalfStorage"));

        var error = Should.Throw<InvalidDataException>(() => PyTorchGeneratorFile.Load(path, CPU));

        error.Message.ShouldContain("Key 'main.0.weight'");
        error.Message.ShouldContain("torch.HalfStorage");
    }

    [Fact]
    public void Load_SafetensorsHalfPrecision_NamesKeyAndDtype()
    {
        using var scope = NewDisposeScope();
        string path = directory.Combine("half.safetensors");
        SafetensorsWriter.Write(path, [("main.0.weight", zeros(8, 8, 4, 4))], dtypeOverride: "F16");

        var error = Should.Throw<InvalidDataException>(() => PyTorchGeneratorFile.Load(path, CPU));

        error.Message.ShouldContain("Key 'main.0.weight'");
        error.Message.ShouldContain("dtype F16");
    }

    [Theory]
    [InlineData(".pth", 0.5, "The file may be truncated")]
    [InlineData(".pth", 0.95, "The file may be truncated")]
    [InlineData(".safetensors", 0.5, "(is it truncated?)")]
    [InlineData(".safetensors", 0.02, "(is it truncated?)")]
    public void Load_TruncatedFile_ReportsTruncation(string extension, double keptFraction, string expected)
    {
        byte[] whole = File.ReadAllBytes(PyTorchFixture.PathOf(Fixture + extension));
        string path = directory.Combine("truncated" + extension);
        File.WriteAllBytes(path, whole[..(int)(whole.Length * keptFraction)]);

        var error = Should.Throw<InvalidDataException>(() => PyTorchGeneratorFile.Load(path, CPU));

        error.Message.ShouldContain(expected);
        error.Message.ShouldContain(path);
    }

    [Fact]
    public void Load_SafetensorsShorterThanLengthField_IsRejected()
    {
        string path = directory.Combine("tiny.safetensors");
        File.WriteAllBytes(path, [1, 2, 3, 4]);

        var error = Should.Throw<InvalidDataException>(() => PyTorchGeneratorFile.Load(path, CPU));

        error.Message.ShouldContain("fewer than the 8-byte header length");
    }

    [Fact]
    public void Load_TruncatedPickle_ReportsTruncation()
    {
        string path = EditPickle(pickle => pickle[..(pickle.Length / 2)]);

        var error = Should.Throw<InvalidDataException>(() => PyTorchGeneratorFile.Load(path, CPU));

        error.Message.ShouldContain("the file is truncated or damaged");
    }

    [Fact]
    public void Load_ShortStorageRecord_NamesRecordAndLength()
    {
        string path = Edit((name, bytes) => name.EndsWith("/data/0", StringComparison.Ordinal) ? bytes[..100] : bytes);

        var error = Should.Throw<InvalidDataException>(() => PyTorchGeneratorFile.Load(path, CPU));

        error.Message.ShouldContain("data/0");
        error.Message.ShouldContain("has 100 bytes; expected 4096");
    }

    [Theory]
    [InlineData("little\n", false)]
    [InlineData("big", true)]
    public void Load_ByteOrderRecord_AcceptsOnlyLittleEndian(string order, bool rejected)
    {
        string prefix = ArchiveEditor.PickleName(PyTorchFixture.PathOf(Fixture + ".pth"))[..^"data.pkl".Length];
        string path = Edit((_, bytes) => bytes, (prefix + "byteorder", Encoding.ASCII.GetBytes(order)));

        if (rejected)
        {
            Should.Throw<InvalidDataException>(() => PyTorchGeneratorFile.Load(path, CPU))
                .Message.ShouldContain("byte order 'big'");
        }
        else
        {
            using DcganGenerator generator = PyTorchGeneratorFile.Load(path, CPU);
            generator.Config.ImageSize.ShouldBe(16);
        }
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        string path = directory.Combine("absent.pth");

        var error = Should.Throw<FileNotFoundException>(() => PyTorchGeneratorFile.Load(path, CPU));

        error.Message.ShouldContain(path);
    }

    private string EditPickle(Func<byte[], byte[]> edit) =>
        Edit((name, bytes) => name.EndsWith("/data.pkl", StringComparison.Ordinal) ? edit(bytes) : bytes);

    private string Edit(Func<string, byte[], byte[]?> edit, params (string Name, byte[] Bytes)[] added)
    {
        string path = directory.Combine($"edited-{Guid.NewGuid():N}.pth");
        ArchiveEditor.Rewrite(PyTorchFixture.PathOf(Fixture + ".pth"), path, edit, added);
        return path;
    }

    private string WriteArchive(string name, byte[] pickle)
    {
        string path = directory.Combine(name);
        using var archive = new ZipArchive(File.Create(path), ZipArchiveMode.Create);
        using (Stream stream = archive.CreateEntry("archive/data.pkl").Open())
        {
            stream.Write(pickle);
        }

        using (Stream stream = archive.CreateEntry("archive/version").Open())
        {
            stream.Write("3\n"u8);
        }

        return path;
    }
}
