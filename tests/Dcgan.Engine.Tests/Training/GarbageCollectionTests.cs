using Dcgan.Engine.Models;
using Dcgan.Engine.Training;
using static TorchSharp.torch;

namespace Dcgan.Engine.Tests.Training;

/// <summary>
/// TorchSharp frees a Scalar made by an implicit conversion (a double passed where a Scalar is expected) in its
/// finalizer. A collection on another thread during the native call that reads it made steps fail at random with
/// "Unknown scalar type" or "Expected false to be true", so the training step must not create such Scalars.
/// </summary>
public sealed class GarbageCollectionTests
{
    [Fact]
    public void TrainAndSample_CollectionsOnAnotherThread_NeverFail()
    {
        var config = new TrainingConfig
        {
            Model = new ModelConfig { ImageSize = 16, Channels = 1, GeneratorFeatures = 4, DiscriminatorFeatures = 4 },
            BatchSize = 8,
            Device = "cpu",
            SampleCount = 4,
        };
        using TrainingData data = TrainingData.Create(FashionMnistSubset.First(64), 16, 1, CPU);
        using TrainingSession session = TrainingSession.Start(config, CPU);
        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        });
        collector.Start();

        try
        {
            for (int i = 0; i < 300; i++)
            {
                using var scope = NewDisposeScope();
                Tensor indices = session.BatchIndices(session.Step, data.Count);
                LossRecord loss = session.TrainStep(data.Batch(indices), 0);
                float.IsFinite(loss.DiscriminatorLoss).ShouldBeTrue($"step {i}");
                if (i % 25 == 0)
                {
                    using Tensor samples = session.SampleFixed();
                    Dcgan.Engine.Imaging.PngWriter.EncodeGrid(samples).Length.ShouldBeGreaterThan(0);
                }
            }
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
    }
}
