using Dcgan.Engine.Models;
using Dcgan.Engine.Sampling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dcgan.Engine.Training;

/// <summary>
/// Networks, optimizers and random state of one run: everything a checkpoint must hold to continue exactly.
/// Not thread-safe; run every call of one session on one thread, because TorchSharp dispose scopes are
/// thread-static.
/// </summary>
public sealed class TrainingSession : IDisposable
{
    private const int NoiseSeedOffset = 1;
    private const int FixedNoiseSeedOffset = 2;
    private const long EpochSeedStride = 1_000_003;

    private readonly torch.Generator noiseGenerator;
    private readonly Scalar unitAlpha = 1.ToScalar();
    private Tensor? permutation;
    private int permutationEpoch = -1;
    private int permutationCount;
    private readonly Tensor realTargets;
    private readonly Tensor fakeTargets;

    internal TrainingSession(TrainingConfig config, Device device, bool initializeWeights)
    {
        config.EnsureValid();
        Config = config;
        Device = device;

        Generator = new DcganGenerator(config.Model);
        Discriminator = new DcganDiscriminator(config.Model);
        if (initializeWeights)
        {
            using var initGenerator = new torch.Generator((ulong)config.Seed, CPU);
            WeightInitializer.Apply(Generator, config.InitStd, initGenerator);
            WeightInitializer.Apply(Discriminator, config.InitStd, initGenerator);
        }

        Generator.to(device);
        Discriminator.to(device);
        Generator.train();
        Discriminator.train();

        GeneratorOptimizer = new AdamOptimizer(Generator.parameters(), config.LearningRate, config.Beta1, config.Beta2);
        DiscriminatorOptimizer = new AdamOptimizer(
            Discriminator.parameters(),
            config.LearningRate,
            config.Beta1,
            config.Beta2);

        noiseGenerator = new torch.Generator((ulong)(config.Seed + NoiseSeedOffset), CPU);
        realTargets = ones(config.BatchSize, device: device);
        fakeTargets = zeros(config.BatchSize, device: device);
        using (var fixedGenerator = new torch.Generator((ulong)(config.Seed + FixedNoiseSeedOffset), CPU))
        {
            FixedNoise = randn([config.SampleCount, config.Model.LatentSize, 1, 1], generator: fixedGenerator).to(device);
        }
    }

    /// <summary>Configuration of the run.</summary>
    public TrainingConfig Config { get; }

    /// <summary>Device the networks live on.</summary>
    public Device Device { get; }

    /// <summary>The generator being trained.</summary>
    public DcganGenerator Generator { get; }

    /// <summary>The discriminator being trained.</summary>
    public DcganDiscriminator Discriminator { get; }

    internal AdamOptimizer GeneratorOptimizer { get; }

    internal AdamOptimizer DiscriminatorOptimizer { get; }

    /// <summary>Noise batch reused for every sample grid, so grids of one run compare step by step.</summary>
    public Tensor FixedNoise { get; }

    /// <summary>Steps completed.</summary>
    public long Step { get; internal set; }

    /// <summary>Starts a new run with freshly initialised weights.</summary>
    public static TrainingSession Start(TrainingConfig config, Device device)
    {
        return new TrainingSession(config, device, initializeWeights: true);
    }

    /// <summary>Returns the epoch (from 0) that a step (from 0) falls in.</summary>
    public static int EpochOf(long step, long stepsPerEpoch) => (int)(step / stepsPerEpoch);

    /// <summary>
    /// Returns the indices of the images for step <paramref name="step"/>: each epoch visits the data in a
    /// permutation drawn from the seed and the epoch number, and drops the last incomplete batch.
    /// </summary>
    public Tensor BatchIndices(long step, int dataCount)
    {
        long stepsPerEpoch = dataCount / Config.BatchSize;
        int epoch = EpochOf(step, stepsPerEpoch);
        long position = step % stepsPerEpoch * Config.BatchSize;
        if (permutation is null || permutationEpoch != epoch || permutationCount != dataCount)
        {
            // One permutation per epoch, not per step: drawing 60,000 indices every step cost measurable time.
            permutation?.Dispose();
            using var epochGenerator = new torch.Generator((ulong)(Config.Seed * EpochSeedStride + epoch), CPU);
            permutation = randperm(dataCount, generator: epochGenerator).DetachFromDisposeScope();
            permutationEpoch = epoch;
            permutationCount = dataCount;
        }

        return permutation.narrow(0, position, Config.BatchSize).clone();
    }

    /// <summary>
    /// Runs one DCGAN step on a real batch: a discriminator update on real and detached generated images with
    /// BCE-with-logits, then a generator update with the non-saturating loss -log D(G(z)).
    /// </summary>
    public LossRecord TrainStep(Tensor realBatch, int epoch)
    {
        using var scope = NewDisposeScope();
        long batch = realBatch.shape[0];
        Tensor noise = randn([batch, Config.Model.LatentSize, 1, 1], generator: noiseGenerator).to(Device);
        Tensor real = realTargets.narrow(0, 0, batch);
        Tensor fake = fakeTargets.narrow(0, 0, batch);

        DiscriminatorOptimizer.ZeroGrad();
        Tensor realLogits = Discriminator.forward(realBatch);
        Tensor realLoss = nn.functional.binary_cross_entropy_with_logits(realLogits, real);
        Tensor generated = Generator.forward(noise);
        Tensor fakeLogits = Discriminator.forward(generated.detach());
        Tensor fakeLoss = nn.functional.binary_cross_entropy_with_logits(fakeLogits, fake);
        Tensor discriminatorLoss = realLoss.add(fakeLoss, unitAlpha);
        discriminatorLoss.backward();
        DiscriminatorOptimizer.Step();

        GeneratorOptimizer.ZeroGrad();
        Tensor generatorLogits = Discriminator.forward(generated);
        Tensor generatorLoss = nn.functional.binary_cross_entropy_with_logits(generatorLogits, real);
        generatorLoss.backward();
        GeneratorOptimizer.Step();

        Step++;
        return new LossRecord(
            Step,
            epoch,
            discriminatorLoss.item<float>(),
            generatorLoss.item<float>(),
            realLogits.detach().sigmoid().mean().item<float>(),
            fakeLogits.detach().sigmoid().mean().item<float>());
    }

    /// <summary>Generates images from the fixed noise with the generator in eval mode, as floats in [-1, 1] on the CPU.</summary>
    public Tensor SampleFixed()
    {
        return ImageSampler.Sample(Generator, FixedNoise);
    }

    internal Tensor NoiseGeneratorState() => noiseGenerator.get_state();

    internal void RestoreNoiseGenerator(Tensor state) => noiseGenerator.set_state(state);

    /// <inheritdoc />
    public void Dispose()
    {
        Generator.Dispose();
        Discriminator.Dispose();
        GeneratorOptimizer.Dispose();
        DiscriminatorOptimizer.Dispose();
        noiseGenerator.Dispose();
        realTargets.Dispose();
        fakeTargets.Dispose();
        FixedNoise.Dispose();
        unitAlpha.Dispose();
        permutation?.Dispose();
    }
}
