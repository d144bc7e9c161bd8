using System.CommandLine;

namespace Dcgan.Cli.Tests.Infrastructure;

/// <summary>Runs the <c>dcgan</c> command line in this process, as Program.cs does.</summary>
internal static class DcganCli
{
    public static Task<int> InvokeAsync(params string[] arguments) => InvokeAsync(CancellationToken.None, arguments);

    /// <summary>Runs the command; cancelling <paramref name="cancellationToken"/> acts like Ctrl+C.</summary>
    public static Task<int> InvokeAsync(CancellationToken cancellationToken, params string[] arguments) =>
        DcganCommandLine.Create().Parse(arguments).InvokeAsync(new InvocationConfiguration(), cancellationToken);

    /// <summary>Options of a training run small enough for the 2-core test machine.</summary>
    public static readonly string[] TinyTraining =
        ["--limit", "128", "--batch-size", "16", "--image-size", "16", "--g-features", "8", "--d-features", "8"];
}
