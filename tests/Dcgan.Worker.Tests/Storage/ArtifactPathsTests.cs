using Dcgan.Worker.Storage;

namespace Dcgan.Worker.Tests.Storage;

public sealed class ArtifactPathsTests
{
    private static readonly string SixtyFourCharacters = new('a', 64);
    private static readonly string SixtyFiveCharacters = new('a', 65);

    [Theory]
    [InlineData("a")]
    [InlineData("7")]
    [InlineData("Job-2026_01")]
    [InlineData("a-_-_")]
    public void ValidateJobId_ValidId_Accepted(string jobId)
    {
        Should.NotThrow(() => ArtifactPaths.ValidateJobId(jobId));
    }

    [Fact]
    public void ValidateJobId_SixtyFourCharacters_Accepted()
    {
        Should.NotThrow(() => ArtifactPaths.ValidateJobId(SixtyFourCharacters));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-a")]
    [InlineData("_a")]
    [InlineData("a b")]
    [InlineData("a/b")]
    [InlineData("a.b")]
    [InlineData("..")]
    [InlineData("abc\n")]
    [InlineData("é")]
    [InlineData("a%2F")]
    public void ValidateJobId_InvalidId_Rejected(string jobId)
    {
        Should.Throw<ArgumentException>(() => ArtifactPaths.ValidateJobId(jobId));
    }

    [Fact]
    public void ValidateJobId_SixtyFiveCharacters_Rejected()
    {
        Should.Throw<ArgumentException>(() => ArtifactPaths.ValidateJobId(SixtyFiveCharacters));
    }

    [Fact]
    public void ValidateJobId_Null_Rejected()
    {
        Should.Throw<ArgumentException>(() => ArtifactPaths.ValidateJobId(null));
    }

    [Fact]
    public void ValidateJobId_InvalidId_MessageNamesRule()
    {
        ArgumentException exception = Should.Throw<ArgumentException>(() => ArtifactPaths.ValidateJobId("a b"));

        exception.Message.ShouldContain("'a b'");
        exception.Message.ShouldContain("1 to 64 characters");
    }

    [Fact]
    public void TryValidateJobId_InvalidId_ReturnsError()
    {
        bool valid = ArtifactPaths.TryValidateJobId("../x", out string? error);

        valid.ShouldBeFalse();
        error.ShouldNotBeNull();
        error.ShouldContain("'../x'");
    }

    [Fact]
    public void TryValidateJobId_ValidId_NoError()
    {
        bool valid = ArtifactPaths.TryValidateJobId("job-1", out string? error);

        valid.ShouldBeTrue();
        error.ShouldBeNull();
    }

    [Fact]
    public void JobPrefix_ValidId_IsJobsFolder()
    {
        ArtifactPaths.JobPrefix("abc").ShouldBe("jobs/abc/");
    }

    [Fact]
    public void Manifest_ValidId_IsManifestJson()
    {
        ArtifactPaths.Manifest("abc").ShouldBe("jobs/abc/manifest.json");
    }

    [Fact]
    public void Manifest_InvalidId_Rejected()
    {
        Should.Throw<ArgumentException>(() => ArtifactPaths.Manifest("../abc"));
    }

    [Theory]
    [InlineData("checkpoints/final.ckpt")]
    [InlineData("checkpoints/step-00000500.ckpt")]
    [InlineData("samples/step-00000500.png")]
    [InlineData("losses.csv")]
    [InlineData("losses.png")]
    [InlineData("images/image-00000.png")]
    [InlineData("images/image-123456.png")]
    [InlineData("grid.png")]
    public void Job_TrainerOutput_CombinedWithPrefix(string relative)
    {
        ArtifactPaths.Job("abc", relative).ShouldBe("jobs/abc/" + relative);
    }

    [Theory]
    [InlineData("")]
    [InlineData("manifest.json")]
    [InlineData("../x")]
    [InlineData("checkpoints/../x")]
    [InlineData("checkpoints/.hidden")]
    [InlineData("checkpoints/a/b")]
    [InlineData("checkpoints/")]
    [InlineData("images/image-1.png")]
    [InlineData("images/other.png")]
    [InlineData("losses.csv\n")]
    [InlineData("/grid.png")]
    [InlineData("notes.txt")]
    public void Job_OtherName_Rejected(string relative)
    {
        Should.Throw<ArgumentException>(() => ArtifactPaths.Job("abc", relative));
    }

    [Fact]
    public void Job_InvalidJobId_Rejected()
    {
        Should.Throw<ArgumentException>(() => ArtifactPaths.Job("a/b", "grid.png"));
    }

    [Fact]
    public void Image_Index_PadsToFiveDigits()
    {
        ArtifactPaths.Image(7).ShouldBe("images/image-00007.png");
    }

    [Fact]
    public void Image_IndexAsJobOutput_Accepted()
    {
        ArtifactPaths.Job("abc", ArtifactPaths.Image(42)).ShouldBe("jobs/abc/images/image-00042.png");
    }

    [Theory]
    [InlineData("sketches/2026/")]
    [InlineData("sketches.zip")]
    [InlineData("jobs/abc/checkpoints/final.ckpt")]
    [InlineData("a b/c d.png")]
    [InlineData("x..y/z")]
    [InlineData("a/b:c")]
    [InlineData("100%/x.png")]
    public void ValidateRelativeBlobName_ValidName_Accepted(string name)
    {
        Should.NotThrow(() => ArtifactPaths.ValidateRelativeBlobName(name, "Dataset.Name"));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("..", "'..' segment")]
    [InlineData("../x", "'..' segment")]
    [InlineData("a/../b", "'..' segment")]
    [InlineData("a/..", "'..' segment")]
    [InlineData(".", "'.' segment")]
    [InlineData("a/./b", "'.' segment")]
    [InlineData("%2e%2e/x", "percent-encoded")]
    [InlineData("a%2Fb", "percent-encoded")]
    [InlineData("http://evil", "scheme")]
    [InlineData("https://evil/x.zip", "scheme")]
    [InlineData("file:///etc/passwd", "scheme")]
    [InlineData("javascript:x", "scheme")]
    [InlineData("/etc/passwd", "absolute")]
    [InlineData("a//b", "'//'")]
    [InlineData("C:\\x", "backslash")]
    [InlineData("C:/x", "drive letter")]
    [InlineData("a\\b", "backslash")]
    [InlineData("a\0b", "control character")]
    [InlineData("a\nb", "control character")]
    [InlineData("a\u007fb", "control character")]
    public void ValidateRelativeBlobName_InvalidName_RejectedWithReason(string name, string reason)
    {
        ArgumentException exception = Should.Throw<ArgumentException>(
            () => ArtifactPaths.ValidateRelativeBlobName(name, "Dataset.Name"));

        exception.Message.ShouldContain(reason);
    }

    [Fact]
    public void ValidateRelativeBlobName_Null_Rejected()
    {
        Should.Throw<ArgumentException>(() => ArtifactPaths.ValidateRelativeBlobName(null, "Dataset.Name"));
    }

    [Fact]
    public void ValidateRelativeBlobName_MaxLength_Accepted()
    {
        Should.NotThrow(() => ArtifactPaths.ValidateRelativeBlobName(new string('a', 512), "Dataset.Name"));
    }

    [Fact]
    public void ValidateRelativeBlobName_OverMaxLength_Rejected()
    {
        Should.Throw<ArgumentException>(() => ArtifactPaths.ValidateRelativeBlobName(new string('a', 513), "Dataset.Name"));
    }

    [Fact]
    public void ValidateRelativeBlobName_InvalidName_MessageNamesField()
    {
        ArgumentException exception = Should.Throw<ArgumentException>(
            () => ArtifactPaths.ValidateRelativeBlobName("../x", "Model.CheckpointPath"));

        exception.Message.ShouldStartWith("Model.CheckpointPath '../x' is invalid");
        exception.Message.ShouldContain("expected a blob name relative to the container");
    }

    [Fact]
    public void ValidateRelativeBlobName_LongValue_Truncated()
    {
        string name = "../" + new string('b', 600);

        ArgumentException exception = Should.Throw<ArgumentException>(
            () => ArtifactPaths.ValidateRelativeBlobName(name, "Dataset.Name"));

        exception.Message.ShouldNotContain(new string('b', 101));
        exception.Message.ShouldContain("first 100 of 603 characters");
    }

    [Fact]
    public void ValidateRelativeBlobName_ControlCharacter_Escaped()
    {
        ArgumentException exception = Should.Throw<ArgumentException>(
            () => ArtifactPaths.ValidateRelativeBlobName("a\nb", "Dataset.Name"));

        exception.Message.ShouldContain("'a\\u000Ab'");
    }

    [Fact]
    public void TryValidateRelativeBlobName_InvalidName_ReturnsError()
    {
        bool valid = ArtifactPaths.TryValidateRelativeBlobName("http://x/y", "Dataset.Name", out string? error);

        valid.ShouldBeFalse();
        error.ShouldNotBeNull();
        error.ShouldContain("'http://x/y'");
    }
}
