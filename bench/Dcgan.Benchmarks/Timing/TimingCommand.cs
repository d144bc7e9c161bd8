using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dcgan.Benchmarks.Loops;
using Dcgan.Engine.Checkpoints;
using Dcgan.Engine.Data;
using Dcgan.Engine.Models;
using Dcgan.Engine.Training;
using static TorchSharp.torch;

namespace Dcgan.Benchmarks.Timing;

/// <summary>
/// The <c>time</c> commands that bench/compare.sh runs, one measurement per process so that each reports its own
/// peak memory. Each prints one JSON object on a line of its own.
/// </summary>
public static class TimingCommand
{
    private static readonly Option<int> Warmup = AtLeast(
        new Option<int>("--warmup") { Description = "Unmeasured repeats before timing.", DefaultValueFactory = _ => 3 },
        0);

    private static readonly Option<int> Repeats = AtLeast(
        new Option<int>("--steps") { Description = "Measured repeats.", DefaultValueFactory = _ => 20 },
        1);

    public static int Run(string[] args)
    {
        var root = new RootCommand("Single measurements for the side-by-side benchmark: matmul peak, loop timing, files.")
        {
            PeakCommand(), LoopCommand(), WriteGeneratorCommand(), TrainForCommand(),
        };
        return root.Parse(args).Invoke();
    }

    private static Command PeakCommand()
    {
        Option<int> size = AtLeast(
            new Option<int>("--size") { Description = "Side of the square matrices.", DefaultValueFactory = _ => 4096 },
            1);
        var command = new Command("peak", "GFLOP/s of an n×n fp32 matrix multiply, the best of --steps repeats.")
        {
            size, Warmup, Repeats,
        };
        command.SetAction(parse =>
        {
            (double gflopPerSecond, double[] seconds) = MatmulPeak.Measure(
                parse.GetValue(size), parse.GetValue(Warmup), parse.GetValue(Repeats));
            Print(new JsonObject
            {
                ["kind"] = "peak",
                ["size"] = parse.GetValue(size),
                ["gflop_per_second"] = gflopPerSecond,
                ["seconds"] = ToJson(seconds),
            });
        });
        return command;
    }

    private static Command LoopCommand()
    {
        var implementation = new Option<string>("--impl") { Required = true, Description = "bare or engine." };
        implementation.AcceptOnlyFromAmong(LoopFactory.Implementations);
        var mode = new Option<string>("--mode") { Required = true, Description = "train or sample." };
        mode.AcceptOnlyFromAmong("train", "sample");
        Option<ImageShape> shape = ShapeOption();
        Option<int> batch = AtLeast(
            new Option<int>("--batch") { Description = "Images per step.", DefaultValueFactory = _ => 64 },
            1);
        var command = new Command("loop", "Times --steps steps of one loop after --warmup steps.")
        {
            implementation, mode, shape, batch, Warmup, Repeats,
        };

        // Training needs the batch sizes that TrainingConfig accepts, because the engine's loop is a TrainingSession.
        command.Validators.Add(result =>
        {
            if (result.GetValue(mode) != "train")
            {
                return;
            }

            var config = new TrainingConfig { BatchSize = result.GetValue(batch) };
            IEnumerable<ConfigProblem> problems = config.FindProblems()
                .Where(problem => problem.Property == nameof(TrainingConfig.BatchSize));
            foreach (ConfigProblem problem in problems)
            {
                result.AddError($"--batch: {problem.Message}");
            }
        });
        command.SetAction(parse =>
        {
            ImageShape imageShape = parse.GetValue(shape)!;
            string modeName = parse.GetValue(mode)!;
            using ITimedLoop loop = LoopFactory.Create(parse.GetValue(implementation)!, modeName, imageShape, parse.GetValue(batch));
            LoopTiming timing = LoopTiming.Measure(loop, parse.GetValue(Warmup), parse.GetValue(Repeats));
            FlopCount flop = FlopCount.Of(new ModelConfig { ImageSize = imageShape.Size, Channels = imageShape.Channels });
            double flopPerImage = modeName == "train" ? flop.TrainingPerImage : flop.SamplingPerImage;
            Print(new JsonObject
            {
                ["kind"] = "loop",
                ["impl"] = parse.GetValue(implementation),
                ["mode"] = modeName,
                ["shape"] = imageShape.ToString(),
                ["batch"] = timing.ImagesPerStep,
                ["threads"] = get_num_threads(),
                ["images_per_second"] = timing.ImagesPerSecond,
                ["median_step_seconds"] = timing.MedianStepSeconds,
                ["gflop_per_image"] = flopPerImage / 1e9,
                ["gflop_per_second"] = timing.ImagesPerSecond * flopPerImage / 1e9,
                ["peak_rss_bytes"] = PeakMemory.ResidentBytes(),
                ["step_seconds"] = ToJson(timing.StepSeconds),
            });
        });
        return command;
    }

    private static Command WriteGeneratorCommand()
    {
        Option<ImageShape> shape = ShapeOption();
        var output = new Option<FileInfo>("--output") { Required = true, Description = "Checkpoint file to write (.ckpt)." };
        var command = new Command("write-generator", "Writes a checkpoint of freshly initialised networks, for timing generation.")
        {
            shape, output,
        };
        command.SetAction(parse =>
        {
            ImageShape imageShape = parse.GetValue(shape)!;
            var config = new TrainingConfig
            {
                Model = new ModelConfig { ImageSize = imageShape.Size, Channels = imageShape.Channels },
                Device = "cpu",
            };
            using TrainingSession session = TrainingSession.Start(config, CPU);
            CheckpointFile.Save(session, parse.GetValue(output)!.FullName, last: null);
        });
        return command;
    }

    private static Command TrainForCommand()
    {
        Option<int> seconds = AtLeast(
            new Option<int>("--seconds") { Required = true, Description = "Wall-clock budget of the training in seconds." },
            1);
        var output = new Option<DirectoryInfo>("--output") { Required = true, Description = "Folder of the run's files." };
        var command = new Command(
            "train-for",
            "Trains the engine's default configuration on all Fashion-MNIST training images until the budget is spent, " +
            "then prints the newest checkpoint and the steps reached.")
        {
            seconds, output,
        };
        command.SetAction(parse => TrainFor(TimeSpan.FromSeconds(parse.GetValue(seconds)), parse.GetValue(output)!.FullName));
        return command;
    }

    private static void TrainFor(TimeSpan budget, string outputDirectory)
    {
        // The defaults train one epoch, but here the budget, not the epoch count, ends the run.
        var config = new TrainingConfig { Epochs = 10_000 };
        ImageData images = IdxReader.ReadImages(FashionMnist.Locate(null).TrainImages);
        string? checkpoint = null;
        long step = 0;
        var trainer = new DcganTrainer
        {
            ArtifactWritten = artifact =>
            {
                if (artifact.Kind is TrainingArtifactKind.StepCheckpoint or TrainingArtifactKind.FinalCheckpoint)
                {
                    checkpoint = artifact.LocalPath;
                    step = artifact.Step;
                }
            },
        };
        using var stop = new CancellationTokenSource(budget);
        try
        {
            trainer.Train(config, images, outputDirectory, cancellationToken: stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The trainer stored a checkpoint of the last completed step before it threw.
        }

        Print(new JsonObject
        {
            ["kind"] = "train-for",
            ["impl"] = "engine",
            ["seconds"] = budget.TotalSeconds,
            ["steps"] = step,
            ["batch"] = config.BatchSize,
            ["threads"] = get_num_threads(),
            ["checkpoint"] = checkpoint,
            ["peak_rss_bytes"] = PeakMemory.ResidentBytes(),
        });
    }

    private static Option<ImageShape> ShapeOption() => new("--shape")
    {
        Description = "SIZExSIZExCHANNELS: size 16, 32, 64 or 128 and 1 or 3 channels.",
        DefaultValueFactory = _ => new ImageShape(32, 1),
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (ImageShape.TryParse(text, out ImageShape? shape, out string? error))
            {
                return shape;
            }

            result.AddError(error);
            return null;
        },
    };

    private static Option<int> AtLeast(Option<int> option, int minimum)
    {
        option.Validators.Add(result =>
        {
            int value = result.GetValueOrDefault<int>();
            if (value < minimum)
            {
                result.AddError($"{option.Name} {value} is out of range: use {minimum} or more.");
            }
        });
        return option;
    }

    private static JsonArray ToJson(double[] values) => [.. values.Select(value => JsonValue.Create(value))];

    private static void Print(JsonObject result) => Console.WriteLine(result.ToJsonString(new JsonSerializerOptions()));
}
