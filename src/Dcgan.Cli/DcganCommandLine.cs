using System.CommandLine;

namespace Dcgan.Cli;

/// <summary>Builds the <c>dcgan</c> command tree.</summary>
internal static class DcganCommandLine
{
    public static RootCommand Create()
    {
        return new RootCommand("Train DCGAN image generators, generate images with them and score images.")
        {
            TrainCommand.Create(),
            GenerateCommand.Create(),
            TrainClassifierCommand.Create(),
            EvaluateCommand.Create(),
        };
    }
}
