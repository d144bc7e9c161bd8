using Dcgan.Worker.Storage;

namespace Dcgan.Cli.Tests;

public sealed class JobIdsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 17, 15, 0, TimeSpan.FromHours(1));

    [Theory]
    [InlineData("fashion", null, "fashion-20261204-161500")]
    [InlineData("fashion", "images", "fashion-images-20261204-161500")]
    [InlineData("my run.v2", null, "my-run-v2-20261204-161500")]
    [InlineData(".hidden", null, "hidden-20261204-161500")]
    [InlineData("..", null, "dcgan-20261204-161500")]
    [InlineData("", null, "dcgan-20261204-161500")]
    [InlineData("größe", null, "gr--e-20261204-161500")]
    public void CreateDefault_FolderName_GivesValidId(string folderName, string? kind, string expected)
    {
        string id = JobIds.CreateDefault(folderName, kind, Now);

        id.ShouldBe(expected);
        ArtifactPaths.TryValidateJobId(id, out _).ShouldBeTrue();
    }

    [Fact]
    public void CreateDefault_LongFolderName_FitsMaximumLength()
    {
        string id = JobIds.CreateDefault(new string('a', 100), "images", Now);

        id.Length.ShouldBe(64);
        id.ShouldEndWith("-20261204-161500");
        ArtifactPaths.TryValidateJobId(id, out _).ShouldBeTrue();
    }
}
