namespace Dcgan.Worker.Tests.Infrastructure;

/// <summary>Tests that share one <see cref="AzuriteFixture"/>; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    /// <summary>Name to put in <c>[Collection]</c>.</summary>
    public const string Name = "Azurite";
}
