using System.ComponentModel.DataAnnotations;
using Azure.Storage.Blobs;
using Dcgan.Worker.Storage;
using Dcgan.Worker.Tests.Infrastructure;

namespace Dcgan.Worker.Tests.Storage;

public sealed class BlobStorageOptionsTests
{
    private const string ConnectionString =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AzuriteServer.AccountKey +
        ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";

    [Fact]
    public void ToString_Options_HidesConnectionString()
    {
        BlobStorageOptions options = new() { ConnectionString = ConnectionString };

        string text = options.ToString();

        text.ShouldNotContain(AzuriteServer.AccountKey);
        text.ShouldNotContain("AccountKey");
        text.ShouldContain("dcgan-artifacts");
    }

    [Fact]
    public void Validate_MaxDelayBelowBaseDelay_Invalid()
    {
        BlobStorageOptions options = new()
        {
            ConnectionString = ConnectionString,
            BaseDelay = TimeSpan.FromSeconds(10),
            MaxDelay = TimeSpan.FromSeconds(1),
        };

        Validate(options).ShouldContain(result => result.MemberNames.Contains(nameof(BlobStorageOptions.MaxDelay)));
    }

    [Fact]
    public void Validate_SameContainerTwice_Invalid()
    {
        BlobStorageOptions options = new() { ConnectionString = ConnectionString, DatasetContainer = "dcgan-artifacts" };

        Validate(options).ShouldContain(result => result.MemberNames.Contains(nameof(BlobStorageOptions.DatasetContainer)));
    }

    [Fact]
    public void Validate_ZeroAttempts_Invalid()
    {
        BlobStorageOptions options = new() { ConnectionString = ConnectionString, MaxAttempts = 0 };

        Validate(options).ShouldContain(result => result.MemberNames.Contains(nameof(BlobStorageOptions.MaxAttempts)));
    }

    [Fact]
    public void DefaultServiceVersion_KnownToSdk()
    {
        bool known = BlobStorageOptions.TryParseServiceVersion(
            BlobStorageOptions.DefaultServiceVersion,
            out BlobClientOptions.ServiceVersion version);

        known.ShouldBeTrue();
        version.ShouldBe(BlobClientOptions.ServiceVersion.V2026_06_06);
    }

    [Fact]
    public void Validate_DefaultOptionsWithConnectionString_Valid()
    {
        BlobStorageOptions options = new() { ConnectionString = ConnectionString };

        Validate(options).ShouldBeEmpty();
    }

    [Fact]
    public void Validate_MissingConnectionString_Invalid()
    {
        BlobStorageOptions options = new();

        Validate(options).ShouldContain(result => result.MemberNames.Contains(nameof(BlobStorageOptions.ConnectionString)));
    }

    [Theory]
    [InlineData("2026-13-01")]
    [InlineData("2019-01-01")]
    [InlineData("latest")]
    public void Validate_UnknownServiceVersion_Invalid(string version)
    {
        BlobStorageOptions options = new() { ConnectionString = ConnectionString, ServiceVersion = version };

        Validate(options).ShouldContain(result => result.MemberNames.Contains(nameof(BlobStorageOptions.ServiceVersion)));
    }

    [Theory]
    [InlineData("Artifacts")]
    [InlineData("ab")]
    [InlineData("a--b")]
    [InlineData("-ab")]
    public void Validate_InvalidContainerName_Invalid(string container)
    {
        BlobStorageOptions options = new() { ConnectionString = ConnectionString, ArtifactContainer = container };

        Validate(options)
            .ShouldContain(result => result.MemberNames.Contains(nameof(BlobStorageOptions.ArtifactContainer)));
    }

    private static List<ValidationResult> Validate(BlobStorageOptions options)
    {
        List<ValidationResult> results = [];
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
