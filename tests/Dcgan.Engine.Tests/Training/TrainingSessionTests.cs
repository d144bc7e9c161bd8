using Dcgan.Engine.Checkpoints;
using Dcgan.Engine.Models;
using Dcgan.Engine.Sampling;
using Dcgan.Engine.Training;
using static TorchSharp.torch;

namespace Dcgan.Engine.Tests.Training;

public sealed class TrainingSessionTests : IDisposable
{
    private static readonly TrainingConfig SmallConfig = new()
    {
        Model = new ModelConfig { ImageSize = 32, Channels = 1, GeneratorFeatures = 16, DiscriminatorFeatures = 16 },
        BatchSize = 32,
        Seed = 11,
        Device = "cpu",
        SampleCount = 8,
    };

    private readonly string directory = Directory.CreateTempSubdirectory("dcgan-session-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void TrainStep_RealSubset_DiscriminatorLossFalls()
    {
        using TrainingData data = TrainingData.Create(FashionMnistSubset.First(1024), 32, 1, CPU);
        using TrainingSession session = TrainingSession.Start(SmallConfig, CPU);

        List<LossRecord> losses = RunSteps(session, data, 40);

        double first = losses.Take(5).Average(l => l.DiscriminatorLoss);
        double last = losses.TakeLast(5).Average(l => l.DiscriminatorLoss);
        last.ShouldBeLessThan(first * 0.7, $"D loss went from {first:F3} to {last:F3}");
        losses.Last().RealScore.ShouldBeGreaterThan(losses.First().RealScore);
    }

    [Fact]
    public void Train_SameSeed_GivesIdenticalImages()
    {
        float[] first = TrainAndSample(seed: 5);
        float[] second = TrainAndSample(seed: 5);
        float[] other = TrainAndSample(seed: 6);

        second.SequenceEqual(first).ShouldBeTrue("the same seed gave different images");
        other.SequenceEqual(first).ShouldBeFalse("different seeds gave the same images");
    }

    [Fact]
    public void Resume_FromCheckpoint_MatchesUninterruptedRun()
    {
        using TrainingData data = TrainingData.Create(FashionMnistSubset.First(256), 32, 1, CPU);
        string checkpoint = Path.Combine(directory, "resume.ckpt");

        using TrainingSession uninterrupted = TrainingSession.Start(SmallConfig, CPU);
        RunSteps(uninterrupted, data, 12);

        using (TrainingSession firstHalf = TrainingSession.Start(SmallConfig, CPU))
        {
            RunSteps(firstHalf, data, 5);
            CheckpointFile.Save(firstHalf, checkpoint, null);
        }

        using TrainingSession resumed = CheckpointFile.LoadSession(checkpoint, CPU);
        resumed.Step.ShouldBe(5);
        RunSteps(resumed, data, 7);

        resumed.Step.ShouldBe(uninterrupted.Step);
        AssertSameState(uninterrupted.Generator.state_dict(), resumed.Generator.state_dict());
        AssertSameState(uninterrupted.Discriminator.state_dict(), resumed.Discriminator.state_dict());
    }

    [Fact]
    public void Checkpoint_BatchNormBuffers_RoundTrip()
    {
        using TrainingData data = TrainingData.Create(FashionMnistSubset.First(128), 32, 1, CPU);
        string checkpoint = Path.Combine(directory, "buffers.ckpt");
        using TrainingSession session = TrainingSession.Start(SmallConfig, CPU);
        RunSteps(session, data, 3);

        CheckpointFile.Save(session, checkpoint, null);
        using DcganGenerator loaded = CheckpointFile.LoadGenerator(checkpoint, CPU, out CheckpointInfo info);

        info.Step.ShouldBe(3);
        var original = session.Generator.state_dict();
        var restored = loaded.state_dict();
        original["main.1.running_mean"].abs().sum().item<float>().ShouldBeGreaterThan(0f);
        AssertSameState(original, restored);
    }

    [Fact]
    public void Sample_EvalMode_ImageDoesNotDependOnBatch()
    {
        using TrainingData data = TrainingData.Create(FashionMnistSubset.First(128), 32, 1, CPU);
        using TrainingSession session = TrainingSession.Start(SmallConfig, CPU);
        RunSteps(session, data, 3);
        using var scope = NewDisposeScope();
        Tensor noise = randn(6, 100, 1, 1);

        Tensor alone = ImageSampler.Sample(session.Generator, noise.narrow(0, 0, 1));
        Tensor inBatch = ImageSampler.Sample(session.Generator, noise);

        alone[0].allclose(inBatch[0], rtol: 1e-4, atol: 1e-5).ShouldBeTrue();
        session.Generator.training.ShouldBeTrue();
    }

    [Fact]
    public void Generate_SameSeed_GivesSameImagesForAnyBatchSize()
    {
        using var generator = new DcganGenerator(SmallConfig.Model);
        using var scope = NewDisposeScope();

        Tensor inOneBatch = cat(ImageSampler.Generate(generator, 10, 42, 10, CPU).ToList(), 0);
        Tensor inSmallBatches = cat(ImageSampler.Generate(generator, 10, 42, 3, CPU).ToList(), 0);
        Tensor otherSeed = cat(ImageSampler.Generate(generator, 10, 43, 10, CPU).ToList(), 0);

        inSmallBatches.allclose(inOneBatch, rtol: 1e-4, atol: 1e-5).ShouldBeTrue();
        otherSeed.allclose(inOneBatch, rtol: 1e-4, atol: 1e-5).ShouldBeFalse();
    }

    private static List<LossRecord> RunSteps(TrainingSession session, TrainingData data, int steps)
    {
        var losses = new List<LossRecord>();
        for (int i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            Tensor indices = session.BatchIndices(session.Step, data.Count);
            losses.Add(session.TrainStep(data.Batch(indices), 0));
        }

        return losses;
    }

    private static float[] TrainAndSample(long seed)
    {
        using TrainingData data = TrainingData.Create(FashionMnistSubset.First(128), 32, 1, CPU);
        using TrainingSession session = TrainingSession.Start(SmallConfig with { Seed = seed }, CPU);
        RunSteps(session, data, 3);
        using Tensor samples = session.SampleFixed();
        return samples.data<float>().ToArray();
    }

    private static void AssertSameState(Dictionary<string, Tensor> expected, Dictionary<string, Tensor> actual)
    {
        actual.Keys.ShouldBe(expected.Keys, ignoreOrder: true);
        foreach ((string name, Tensor value) in expected)
        {
            value.allclose(actual[name], rtol: 1e-5, atol: 1e-6).ShouldBeTrue($"{name} differs");
        }
    }
}
