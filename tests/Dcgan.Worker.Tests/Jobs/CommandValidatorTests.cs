using Dcgan.Contracts;
using Dcgan.Worker.Jobs;
using Dcgan.Worker.Tests.Consumers;
using Microsoft.Extensions.Options;

namespace Dcgan.Worker.Tests.Jobs;

/// <summary>
/// Every field of both commands, one invalid value at a time: the rejection must name the field, the value and what
/// is allowed, in one error that stays short however long the value is.
/// </summary>
public sealed class CommandValidatorTests
{
    private const int MaxErrorLength = 600;
    private const int ValidSize = 1500;

    private static readonly string Huge = new('x', 100 * 1024);

    private readonly CommandValidator validator = new(
        Options.Create(new WorkerOptions()),
        Options.Create(new TrainingDefaultsOptions()));

    public static TheoryData<string, TrainModel, string> InvalidTrainings => new()
    {
        { "job id null", Train() with { JobId = null! }, "JobId: Job id (null) is invalid: expected 1 to 64 characters" },
        { "job id empty", Train() with { JobId = "" }, "JobId: Job id '' is invalid: expected 1 to 64 characters" },
        { "job id dots", Train() with { JobId = ".." }, "JobId: Job id '..' is invalid" },
        { "job id 65 characters", Train() with { JobId = new string('a', 65) }, $"JobId: Job id '{new string('a', 65)}' is invalid" },
        { "job id control character", Train() with { JobId = "a\u0000b" }, @"JobId: Job id 'a\u0000b' is invalid" },
        { "job id newline", Train() with { JobId = "a\nb" }, @"JobId: Job id 'a\u000Ab' is invalid" },
        { "job id 100 KB", Train() with { JobId = Huge }, "(first 100 of 102400 characters) is invalid" },
        { "dataset null", Train() with { Dataset = null! }, "Dataset is missing: set a built-in data set or a blob prefix or zip blob." },
        { "kind 99", Train() with { Dataset = Dataset((DatasetKind)99, "x/") }, "Dataset.Kind 99 is not supported: use BuiltIn, BlobPrefix or ZipBlob." },
        { "kind -1", Train() with { Dataset = Dataset((DatasetKind)(-1), "x/") }, "Dataset.Kind -1 is not supported" },
        { "kind int min", Train() with { Dataset = Dataset((DatasetKind)int.MinValue, "x/") }, $"Dataset.Kind {int.MinValue} is not supported" },
        { "built-in unknown", WithDataset(DatasetKind.BuiltIn, "cifar-10"), "Dataset.Name 'cifar-10' is not a built-in data set: use fashion-mnist or mnist." },
        { "built-in null", WithDataset(DatasetKind.BuiltIn, null), "Dataset.Name (null) is not a built-in data set" },
        { "built-in wrong case", WithDataset(DatasetKind.BuiltIn, "Fashion-MNIST"), "Dataset.Name 'Fashion-MNIST' is not a built-in data set" },
        { "built-in control character", WithDataset(DatasetKind.BuiltIn, "mnist\r\n"), @"Dataset.Name 'mnist\u000D\u000A' is not a built-in data set" },
        { "built-in 100 KB", WithDataset(DatasetKind.BuiltIn, Huge), "(first 100 of 102400 characters) is not a built-in data set" },
        { "prefix null", WithDataset(DatasetKind.BlobPrefix, null), "Dataset.Name (null) is invalid because it is empty: expected a blob name" },
        { "prefix empty", WithDataset(DatasetKind.BlobPrefix, ""), "Dataset.Name '' is invalid because it is empty" },
        { "prefix dot dot", WithDataset(DatasetKind.BlobPrefix, ".."), "Dataset.Name '..' is invalid because it contains a '..' segment" },
        { "prefix inner dot dot", WithDataset(DatasetKind.BlobPrefix, "a/../b/"), "Dataset.Name 'a/../b/' is invalid because it contains a '..' segment" },
        { "prefix dot", WithDataset(DatasetKind.BlobPrefix, "./a/"), "Dataset.Name './a/' is invalid because it contains a '.' segment" },
        { "prefix absolute", WithDataset(DatasetKind.BlobPrefix, "/etc/"), "Dataset.Name '/etc/' is invalid because it is an absolute path" },
        { "prefix url", WithDataset(DatasetKind.BlobPrefix, "https://example.com/x/"), "Dataset.Name 'https://example.com/x/' is invalid because it starts with a scheme or drive letter" },
        { "prefix file url", WithDataset(DatasetKind.BlobPrefix, "file:///etc/"), "Dataset.Name 'file:///etc/' is invalid because it starts with a scheme or drive letter" },
        { "prefix backslash", WithDataset(DatasetKind.BlobPrefix, @"a\..\b"), @"Dataset.Name 'a\..\b' is invalid because it contains a backslash" },
        { "prefix percent-encoded", WithDataset(DatasetKind.BlobPrefix, "a/%2e%2e/b/"), "Dataset.Name 'a/%2e%2e/b/' is invalid because it contains a percent-encoded sequence" },
        { "prefix empty segment", WithDataset(DatasetKind.BlobPrefix, "a//b/"), "Dataset.Name 'a//b/' is invalid because it contains an empty segment ('//')" },
        { "prefix control character", WithDataset(DatasetKind.BlobPrefix, "a/\u0007/"), @"Dataset.Name 'a/\u0007/' is invalid because it contains a control character" },
        { "prefix 513 characters", WithDataset(DatasetKind.BlobPrefix, new string('p', 513)), "(first 100 of 513 characters) is invalid because it has 513 characters" },
        { "prefix 100 KB", WithDataset(DatasetKind.BlobPrefix, Huge), "(first 100 of 102400 characters) is invalid because it has 102400 characters" },
        { "zip folder", WithDataset(DatasetKind.ZipBlob, "sketches/"), "Dataset.Name 'sketches/' is invalid for a ZipBlob data set because it ends with '/'" },
        { "zip drive letter", WithDataset(DatasetKind.ZipBlob, "C:/data.zip"), "Dataset.Name 'C:/data.zip' is invalid because it starts with a scheme or drive letter" },
        { "zip null", WithDataset(DatasetKind.ZipBlob, null), "Dataset.Name (null) is invalid because it is empty" },
        { "max images 0", WithMaxImages(0), "Dataset.MaxImages 0 is out of range: use 1 to 60000" },
        { "max images -1", WithMaxImages(-1), "Dataset.MaxImages -1 is out of range: use 1 to 60000" },
        { "max images int min", WithMaxImages(int.MinValue), $"Dataset.MaxImages {int.MinValue} is out of range: use 1 to 60000" },
        { "max images above worker maximum", WithMaxImages(60_001), "Dataset.MaxImages 60001 is out of range: use 1 to 60000" },
        { "max images int max", WithMaxImages(int.MaxValue), $"Dataset.MaxImages {int.MaxValue} is out of range: use 1 to 60000" },
        { "image size 0", WithSettings(s => s with { ImageSize = 0 }), "Settings.ImageSize 0 is not supported: use a power of two from 16 to 128" },
        { "image size 48", WithSettings(s => s with { ImageSize = 48 }), "Settings.ImageSize 48 is not supported: use a power of two from 16 to 128" },
        { "image size 8", WithSettings(s => s with { ImageSize = 8 }), "Settings.ImageSize 8 is not supported" },
        { "image size 256", WithSettings(s => s with { ImageSize = 256 }), "Settings.ImageSize 256 is not supported" },
        { "image size -16", WithSettings(s => s with { ImageSize = -16 }), "Settings.ImageSize -16 is not supported" },
        { "image size int min", WithSettings(s => s with { ImageSize = int.MinValue }), $"Settings.ImageSize {int.MinValue} is not supported" },
        { "image size int max", WithSettings(s => s with { ImageSize = int.MaxValue }), $"Settings.ImageSize {int.MaxValue} is not supported" },
        { "channels 0", WithSettings(s => s with { Channels = 0 }), "Settings.Channels 0 is not supported: use 1 (grayscale) or 3 (RGB)." },
        { "channels 2", WithSettings(s => s with { Channels = 2 }), "Settings.Channels 2 is not supported: use 1 (grayscale) or 3 (RGB)." },
        { "channels 4", WithSettings(s => s with { Channels = 4 }), "Settings.Channels 4 is not supported" },
        { "channels int max", WithSettings(s => s with { Channels = int.MaxValue }), $"Settings.Channels {int.MaxValue} is not supported" },
        { "latent size 0", WithSettings(s => s with { LatentSize = 0 }), "Settings.LatentSize 0 is out of range: use 1 to 4096." },
        { "latent size 4097", WithSettings(s => s with { LatentSize = 4097 }), "Settings.LatentSize 4097 is out of range: use 1 to 4096." },
        { "latent size int min", WithSettings(s => s with { LatentSize = int.MinValue }), $"Settings.LatentSize {int.MinValue} is out of range" },
        { "generator features 0", WithSettings(s => s with { GeneratorFeatures = 0 }), "Settings.GeneratorFeatures 0 is out of range: use 1 to 1024." },
        { "generator features 1025", WithSettings(s => s with { GeneratorFeatures = 1025 }), "Settings.GeneratorFeatures 1025 is out of range: use 1 to 1024." },
        { "discriminator features 0", WithSettings(s => s with { DiscriminatorFeatures = 0 }), "Settings.DiscriminatorFeatures 0 is out of range: use 1 to 1024." },
        { "discriminator features int max", WithSettings(s => s with { DiscriminatorFeatures = int.MaxValue }), $"Settings.DiscriminatorFeatures {int.MaxValue} is out of range" },
        { "batch size 0", WithSettings(s => s with { BatchSize = 0 }), "Settings.BatchSize 0 is out of range: use 2 to 4096." },
        { "batch size 1", WithSettings(s => s with { BatchSize = 1 }), "Settings.BatchSize 1 is out of range: use 2 to 4096." },
        { "batch size 4097", WithSettings(s => s with { BatchSize = 4097 }), "Settings.BatchSize 4097 is out of range: use 2 to 4096." },
        { "batch size int min", WithSettings(s => s with { BatchSize = int.MinValue }), $"Settings.BatchSize {int.MinValue} is out of range" },
        { "epochs 0", WithSettings(s => s with { Epochs = 0 }), "Settings.Epochs 0 is out of range: use 1 to 10000." },
        { "epochs 10001", WithSettings(s => s with { Epochs = 10_001 }), "Settings.Epochs 10001 is out of range: use 1 to 10000." },
        { "epochs int max", WithSettings(s => s with { Epochs = int.MaxValue }), $"Settings.Epochs {int.MaxValue} is out of range" },
        { "max steps 0", WithSettings(s => s with { MaxSteps = 0 }), "Settings.MaxSteps 0 is out of range: use 1 to 100000000, or leave it unset" },
        { "max steps -1", WithSettings(s => s with { MaxSteps = -1 }), "Settings.MaxSteps -1 is out of range" },
        { "max steps long min", WithSettings(s => s with { MaxSteps = long.MinValue }), $"Settings.MaxSteps {long.MinValue} is out of range" },
        { "max steps long max", WithSettings(s => s with { MaxSteps = long.MaxValue }), $"Settings.MaxSteps {long.MaxValue} is out of range" },
        { "max steps 100000001", WithSettings(s => s with { MaxSteps = 100_000_001 }), "Settings.MaxSteps 100000001 is out of range" },
        { "learning rate 0", WithSettings(s => s with { LearningRate = 0 }), "Settings.LearningRate 0 is out of range: use a value above 0 and at most 1." },
        { "learning rate -1", WithSettings(s => s with { LearningRate = -1 }), "Settings.LearningRate -1 is out of range" },
        { "learning rate 1.5", WithSettings(s => s with { LearningRate = 1.5 }), "Settings.LearningRate 1.5 is out of range" },
        { "learning rate NaN", WithSettings(s => s with { LearningRate = double.NaN }), "Settings.LearningRate NaN is out of range" },
        { "learning rate infinity", WithSettings(s => s with { LearningRate = double.PositiveInfinity }), "Settings.LearningRate Infinity is out of range" },
        { "learning rate double max", WithSettings(s => s with { LearningRate = double.MaxValue }), "Settings.LearningRate 1.7976931348623157E+308 is out of range" },
        { "beta1 negative", WithSettings(s => s with { Beta1 = -0.1 }), "Settings.Beta1 -0.1 is out of range: use 0 to below 1." },
        { "beta1 1", WithSettings(s => s with { Beta1 = 1 }), "Settings.Beta1 1 is out of range: use 0 to below 1." },
        { "beta1 NaN", WithSettings(s => s with { Beta1 = double.NaN }), "Settings.Beta1 NaN is out of range" },
        { "beta2 1", WithSettings(s => s with { Beta2 = 1 }), "Settings.Beta2 1 is out of range: use 0 to below 1." },
        { "beta2 negative infinity", WithSettings(s => s with { Beta2 = double.NegativeInfinity }), "Settings.Beta2 -Infinity is out of range" },
        { "checkpoint every 0", WithSettings(s => s with { CheckpointEvery = 0 }), "Settings.CheckpointEvery 0 is out of range: use 1 or more steps." },
        { "checkpoint every int min", WithSettings(s => s with { CheckpointEvery = int.MinValue }), $"Settings.CheckpointEvery {int.MinValue} is out of range" },
        { "sample every 0", WithSettings(s => s with { SampleEvery = 0 }), "Settings.SampleEvery 0 is out of range: use 1 or more steps." },
        { "sample every -1", WithSettings(s => s with { SampleEvery = -1 }), "Settings.SampleEvery -1 is out of range" },
        { "evaluation images 99", Scored(99), "Settings.EvaluationImages 99 is out of range: use 0 to train without scores, or 100 to 10000." },
        { "evaluation images 10001", Scored(10_001), "Settings.EvaluationImages 10001 is out of range: use 0 to train without scores, or 100 to 10000." },
        { "evaluation images -1", Scored(-1), "Settings.EvaluationImages -1 is out of range" },
        { "evaluation images int min", Scored(int.MinValue), $"Settings.EvaluationImages {int.MinValue} is out of range" },
        { "evaluation at image size 16", WithSettings(s => s with { EvaluationImages = 200 }), "Settings.EvaluationImages 200 is not supported for image size 16 with 1 channel: scores need image size 32 with 1 channel" },
        { "evaluation of RGB images", WithSettings(s => s with { ImageSize = 32, Channels = 3, EvaluationImages = 200 }), "Settings.EvaluationImages 200 is not supported for image size 32 with 3 channels" },
    };

    public static TheoryData<string, GenerateImages, string> InvalidGenerations => new()
    {
        { "job id null", Generate() with { JobId = null! }, "JobId: Job id (null) is invalid" },
        { "job id slash", Generate() with { JobId = "a/b" }, "JobId: Job id 'a/b' is invalid" },
        { "job id 100 KB", Generate() with { JobId = Huge }, "(first 100 of 102400 characters) is invalid" },
        { "count 0", Generate() with { Count = 0 }, "Count 0 is out of range: use 1 to 10000." },
        { "count -1", Generate() with { Count = -1 }, "Count -1 is out of range: use 1 to 10000." },
        { "count int min", Generate() with { Count = int.MinValue }, $"Count {int.MinValue} is out of range" },
        { "count 10001", Generate() with { Count = 10_001 }, "Count 10001 is out of range: use 1 to 10000." },
        { "count int max", Generate() with { Count = int.MaxValue }, $"Count {int.MaxValue} is out of range" },
        { "model null", Generate() with { Model = null! }, "Model is missing: set Model.TrainingJobId or Model.CheckpointPath." },
        { "model empty", Generate() with { Model = new ModelReference() }, "Model sets neither TrainingJobId nor CheckpointPath: set exactly one." },
        {
            "model both",
            Generate() with { Model = new ModelReference { TrainingJobId = "a", CheckpointPath = "b.ckpt" } },
            "Model sets both TrainingJobId 'a' and CheckpointPath 'b.ckpt': set exactly one."
        },
        { "training job id empty", WithTrainingJob(""), "Model.TrainingJobId: Job id '' is invalid" },
        { "training job id dots", WithTrainingJob("../y"), "Model.TrainingJobId: Job id '../y' is invalid" },
        { "training job id 100 KB", WithTrainingJob(Huge), "(first 100 of 102400 characters) is invalid" },
        { "checkpoint empty", WithCheckpoint(""), "Model.CheckpointPath '' is invalid because it is empty" },
        { "checkpoint dot dot", WithCheckpoint("../a.ckpt"), "Model.CheckpointPath '../a.ckpt' is invalid because it contains a '..' segment" },
        { "checkpoint absolute", WithCheckpoint("/a.ckpt"), "Model.CheckpointPath '/a.ckpt' is invalid because it is an absolute path" },
        { "checkpoint url", WithCheckpoint("http://169.254.169.254/a.ckpt"), "Model.CheckpointPath 'http://169.254.169.254/a.ckpt' is invalid because it starts with a scheme" },
        { "checkpoint backslash", WithCheckpoint(@"jobs\a.ckpt"), @"Model.CheckpointPath 'jobs\a.ckpt' is invalid because it contains a backslash" },
        { "checkpoint percent-encoded", WithCheckpoint("jobs/%2F/a.ckpt"), "Model.CheckpointPath 'jobs/%2F/a.ckpt' is invalid because it contains a percent-encoded sequence" },
        { "checkpoint control character", WithCheckpoint("a\u001b.ckpt"), @"Model.CheckpointPath 'a\u001B.ckpt' is invalid because it contains a control character" },
        { "checkpoint 600 characters", WithCheckpoint(new string('c', 595) + ".ckpt"), "(first 100 of 600 characters) is invalid because it has 600 characters" },
        { "checkpoint other extension", WithCheckpoint("models/g.onnx"), "Model.CheckpointPath 'models/g.onnx' is not a checkpoint: expected a name ending in '.ckpt', '.pth', '.pt' or '.safetensors'." },
    };

    [Theory]
    [MemberData(nameof(InvalidTrainings))]
    public void Train_InvalidField_NamedWithValueAndRange(string @case, TrainModel command, string expected)
    {
        bool valid = validator.TryValidate(command, ValidSize, out TrainingRequest? request, out IReadOnlyList<string> errors);

        valid.ShouldBeFalse(@case);
        request.ShouldBeNull(@case);
        ShouldBeOneShortError(@case, errors, expected);
    }

    [Theory]
    [MemberData(nameof(InvalidGenerations))]
    public void Generate_InvalidField_NamedWithValueAndRange(string @case, GenerateImages command, string expected)
    {
        bool valid = validator.TryValidate(command, ValidSize, out GenerationRequest? request, out IReadOnlyList<string> errors);

        valid.ShouldBeFalse(@case);
        request.ShouldBeNull(@case);
        ShouldBeOneShortError(@case, errors, expected);
    }

    [Fact]
    public void Train_OversizedMessage_IsRejected()
    {
        validator.TryValidate(Train(), CommandValidator.MaxCommandBytes + 1, out _, out IReadOnlyList<string> errors)
            .ShouldBeFalse();

        errors.ShouldHaveSingleItem().ShouldStartWith("The command message has 65537 bytes, more than the 65536 bytes allowed.");
    }

    [Fact]
    public void Generate_OversizedMessage_IsRejected()
    {
        validator.TryValidate(Generate(), 10_000_000, out _, out IReadOnlyList<string> errors).ShouldBeFalse();

        errors.ShouldHaveSingleItem().ShouldStartWith("The command message has 10000000 bytes, more than the 65536 bytes allowed.");
    }

    [Theory]
    [InlineData(CommandValidator.MaxCommandBytes)]
    [InlineData(0)]
    [InlineData(null)]
    public void MessageSize_AtOrBelowLimitOrUnknown_IsAccepted(int? messageBytes)
    {
        validator.TryValidate(Train(), messageBytes, out _, out IReadOnlyList<string> trainErrors).ShouldBeTrue();
        validator.TryValidate(Generate(), messageBytes, out _, out IReadOnlyList<string> generateErrors).ShouldBeTrue();

        trainErrors.ShouldBeEmpty();
        generateErrors.ShouldBeEmpty();
    }

    [Fact]
    public void Train_ListsEveryInvalidField()
    {
        TrainModel command = new()
        {
            JobId = "../x",
            Dataset = new DatasetReference { Kind = DatasetKind.BlobPrefix, Name = "https://example.com/", MaxImages = 0 },
            Settings = new TrainingSettings
            {
                ImageSize = 48,
                Channels = 2,
                LatentSize = 0,
                GeneratorFeatures = 0,
                DiscriminatorFeatures = 0,
                BatchSize = 0,
                Epochs = 0,
                MaxSteps = 0,
                LearningRate = double.NaN,
                Beta1 = 1,
                Beta2 = -1,
                CheckpointEvery = 0,
                SampleEvery = 0,
                EvaluationImages = 1,
            },
        };

        validator.TryValidate(command, CommandValidator.MaxCommandBytes + 1, out _, out IReadOnlyList<string> errors)
            .ShouldBeFalse();

        string[] fields =
        [
            "The command message", "JobId", "Dataset.Name", "Dataset.MaxImages", "Settings.ImageSize", "Settings.Channels",
            "Settings.LatentSize", "Settings.GeneratorFeatures", "Settings.DiscriminatorFeatures", "Settings.BatchSize",
            "Settings.Epochs", "Settings.MaxSteps", "Settings.LearningRate", "Settings.Beta1", "Settings.Beta2",
            "Settings.CheckpointEvery", "Settings.SampleEvery", "Settings.EvaluationImages",
        ];
        errors.Count.ShouldBe(fields.Length, string.Join(" | ", errors));
        foreach (string field in fields)
        {
            errors.ShouldContain(error => error.StartsWith(field + " ", StringComparison.Ordinal) || error.StartsWith(field + ":", StringComparison.Ordinal), field);
        }
    }

    [Fact]
    public void Generate_ListsEveryInvalidField()
    {
        GenerateImages command = new() { JobId = "", Model = WithCheckpoint("../m.ckpt").Model, Count = 0 };

        validator.TryValidate(command, ValidSize, out _, out IReadOnlyList<string> errors).ShouldBeFalse();

        errors.Count.ShouldBe(3, string.Join(" | ", errors));
        errors[0].ShouldStartWith("JobId:");
        errors[1].ShouldStartWith("Count 0");
        errors[2].ShouldStartWith("Model.CheckpointPath '../m.ckpt'");
    }

    [Fact]
    public void Train_ValidReferencesAndNullSettings_AreAccepted()
    {
        TrainModel[] commands =
        [
            Train(),
            WithDataset(DatasetKind.BlobPrefix, "sketches/2026/"),
            WithDataset(DatasetKind.ZipBlob, "sketches.zip"),
            WithDataset(DatasetKind.BuiltIn, "mnist"),
            Train() with { Settings = null! },
            WithSettings(s => s with { LearningRate = double.Epsilon, Beta1 = 0, Beta2 = 0.999999, MaxSteps = 100_000_000 }),
            WithSettings(s => s with { EvaluationImages = 0 }),
            Scored(100),
            Scored(10_000),
        ];

        foreach (TrainModel command in commands)
        {
            bool valid = validator.TryValidate(command, ValidSize, out TrainingRequest? request, out IReadOnlyList<string> errors);
            valid.ShouldBeTrue($"{command}: {string.Join(" | ", errors)}");
            request.ShouldNotBeNull();
        }
    }

    [Fact]
    public void Train_NullSettings_TakesWorkerDefaults()
    {
        validator.TryValidate(Train() with { Settings = null! }, ValidSize, out TrainingRequest? request, out _).ShouldBeTrue();

        var defaults = new TrainingDefaultsOptions();
        request.Config.Model.ImageSize.ShouldBe(defaults.ImageSize);
        request.Config.BatchSize.ShouldBe(defaults.BatchSize);
        request.Config.EvaluationImages.ShouldBe(0);
    }

    [Fact]
    public void Generate_ValidModelReferences_AreAccepted()
    {
        validator.TryValidate(WithTrainingJob("trained-1"), ValidSize, out GenerationRequest? byJob, out _).ShouldBeTrue();
        validator.TryValidate(WithCheckpoint("models/g.ckpt"), ValidSize, out GenerationRequest? byPath, out _).ShouldBeTrue();

        byJob.CheckpointPath.ShouldBe("jobs/trained-1/checkpoints/final.ckpt");
        byPath.CheckpointPath.ShouldBe("models/g.ckpt");
    }

    private static void ShouldBeOneShortError(string @case, IReadOnlyList<string> errors, string expected)
    {
        errors.Count.ShouldBe(1, $"{@case}: {string.Join(" | ", errors)}");
        errors[0].ShouldContain(expected, Case.Sensitive, @case);
        errors[0].Length.ShouldBeLessThan(MaxErrorLength, @case);
    }

    private static TrainModel Train() => TinyCommands.Train("valid-job");

    private static TrainModel Scored(int evaluationImages) =>
        WithSettings(s => s with { ImageSize = 32, EvaluationImages = evaluationImages });

    private static GenerateImages Generate() => TinyCommands.Generate("valid-generation", "trained-1");

    private static DatasetReference Dataset(DatasetKind kind, string? name) => new() { Kind = kind, Name = name! };

    private static TrainModel WithDataset(DatasetKind kind, string? name) => Train() with { Dataset = Dataset(kind, name) };

    private static TrainModel WithMaxImages(int maxImages) =>
        Train() with { Dataset = DatasetReference.FashionMnist(maxImages) };

    private static TrainModel WithSettings(Func<TrainingSettings, TrainingSettings> change) =>
        Train() with { Settings = change(TinyCommands.Settings(maxSteps: 6)) };

    private static GenerateImages WithTrainingJob(string jobId) =>
        Generate() with { Model = new ModelReference { TrainingJobId = jobId } };

    private static GenerateImages WithCheckpoint(string path) =>
        Generate() with { Model = new ModelReference { CheckpointPath = path } };
}
