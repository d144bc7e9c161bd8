namespace Dcgan.Worker.Tests.Consumers;

/// <summary>Tests that run torch work in a worker, one after another, so two runs never compete for the cores.</summary>
[CollectionDefinition(Name)]
public sealed class TrainingCollection : ICollectionFixture<TrainedModelFixture>
{
    public const string Name = "Training";
}
