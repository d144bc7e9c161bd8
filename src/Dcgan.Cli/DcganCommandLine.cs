using System.CommandLine;

namespace Dcgan.Cli;

/// <summary>Builds the <c>dcgan</c> command tree.</summary>
internal static class DcganCommandLine
{
    public static RootCommand Create()
    {
        return new RootCommand("Train DCGAN image generators and generate images with them.")
        {
            TrainCommand.Create(),
            GenerateCommand.Create(),
        };
    }
}
