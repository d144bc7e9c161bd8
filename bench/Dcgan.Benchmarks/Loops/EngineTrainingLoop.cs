using Dcgan.Engine.Data;
using Dcgan.Engine.Models;
using Dcgan.Engine.Training;
using static TorchSharp.torch;

namespace Dcgan.Benchmarks.Loops;

/// <summary>
/// The engine's training step on real Fashion-MNIST batches: batch indices from the epoch permutation, the 8-bit
/// images converted to floats, the step with the engine's Adam, and the losses and D(x), D(G(z)) read back.
/// </summary>
public sealed class EngineTrainingLoop : ITimedLoop
{
    // Enough images for every step of a benchmark without the epoch turning over often.
    private const int TrainingImages = 10_000;

    private readonly TrainingData data;
    private readonly TrainingSession session;

    public EngineTrainingLoop(ModelConfig model, int batchSize)
    {
        ImagesPerStep = batchSize;
        var config = new TrainingConfig { Model = model, BatchSize = batchSize, Device = "cpu", Seed = 1 };
        ImageData images = IdxReader.ReadImages(FashionMnist.Locate(null).TrainImages, TrainingImages);
        data = TrainingData.Create(images, model.ImageSize, model.Channels, CPU);
        session = TrainingSession.Start(config, CPU);
    }

    public int ImagesPerStep { get; }

    public void Step()
    {
        using var scope = NewDisposeScope();
        Tensor indices = session.BatchIndices(session.Step, data.Count);
        Tensor batch = data.Batch(indices);
        session.TrainStep(batch, 0);
    }

    public void Dispose()
    {
        session.Dispose();
        data.Dispose();
    }
}
