using System.CommandLine;
using Dcgan.Engine;
using Dcgan.Engine.Checkpoints;
using Dcgan.Engine.Imaging;
using Dcgan.Engine.Models;
using Dcgan.Engine.Sampling;
using static TorchSharp.torch;

namespace Dcgan.Cli;

/// <summary>The <c>dcgan generate</c> command: samples images from a checkpoint's generator.</summary>
internal static class GenerateCommand
{
    private static readonly Option<FileInfo> Checkpoint = new("--checkpoint", "-c")
    {
        Description = "Checkpoint written by 'dcgan train' (for example runs/train/checkpoints/final.ckpt).",
        Required = true,
    };

    private static readonly Option<int> Count = new Option<int>("--count", "-n")
    {
        Description = "Number of images to generate.",
        DefaultValueFactory = _ => 64,
    }.InRange(1, 100_000);

    private static readonly Option<long> Seed = new("--seed")
    {
        Description = "Seed of the noise; the same checkpoint, seed and count give the same images.",
        DefaultValueFactory = _ => 1,
    };

    private static readonly Option<DirectoryInfo> Output = new("--output", "-o")
    {
        Description = "Folder for the single PNG images (image-00000.png, ...) and grid.png.",
        DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("runs", "generated")),
    };

    private static readonly Option<int> BatchSize = new Option<int>("--batch-size")
    {
        Description = "Images generated per forward pass; larger batches are faster and use more memory.",
        DefaultValueFactory = _ => 256,
    }.InRange(1, 4096);

    private static readonly Option<string> Device = new Option<string>("--device")
    {
        Description = "Where to run the generator: auto (a GPU when present, else the CPU), cpu or cuda.",
        DefaultValueFactory = _ => "auto",
    }.OneOf("auto", "cpu", "cuda");

    public static Command Create()
    {
        var command = new Command("generate", "Generate images from a trained checkpoint.")
        {
            Checkpoint, Count, Seed, Output, BatchSize, Device,
        };
        command.SetAction((parse, cancellationToken) => Task.Run(() => Run(parse, cancellationToken), cancellationToken));
        return command;
    }

    private static int Run(ParseResult parse, CancellationToken cancellationToken)
    {
        string checkpoint = parse.GetValue(Checkpoint)!.FullName;
        int count = parse.GetValue(Count);
        long seed = parse.GetValue(Seed);
        string output = parse.GetValue(Output)!.FullName;
        try
        {
            Device device = DeviceSelector.Resolve(parse.GetValue(Device)!);
            using DcganGenerator generator = CheckpointFile.LoadGenerator(checkpoint, device, out CheckpointInfo info);
            Directory.CreateDirectory(output);

            var images = new List<Tensor>();
            int written = 0;
            foreach (Tensor batch in ImageSampler.Generate(generator, count, seed, parse.GetValue(BatchSize), device))
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (int i = 0; i < batch.shape[0]; i++)
                {
                    using Tensor image = batch[i];
                    File.WriteAllBytes(Path.Combine(output, $"image-{written:D5}.png"), PngWriter.Encode(image));
                    written++;
                }

                images.Add(batch);
            }

            using (Tensor all = cat(images, 0))
            {
                File.WriteAllBytes(Path.Combine(output, "grid.png"), PngWriter.EncodeGrid(all));
            }

            images.ForEach(batch => batch.Dispose());
            Console.WriteLine(
                $"Wrote {written} images and grid.png to {output} from step {info.Step} of {checkpoint} (seed {seed}).");
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.WriteLine("Generation was cancelled.");
            return 130;
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Error: {e.Message}");
            return 1;
        }
    }
}
