namespace Dcgan.Cli.Tests.Infrastructure;

/// <summary>Redirects Console.Out and Console.Error to strings until disposed.</summary>
internal sealed class ConsoleCapture : IDisposable
{
    private readonly TextWriter originalOut = Console.Out;
    private readonly TextWriter originalError = Console.Error;
    private readonly StringWriter output = new();
    private readonly StringWriter error = new();

    public ConsoleCapture()
    {
        Console.SetOut(TextWriter.Synchronized(output));
        Console.SetError(TextWriter.Synchronized(error));
    }

    /// <summary>Everything written to stdout so far.</summary>
    public string Output => output.ToString();

    /// <summary>Everything written to stderr so far.</summary>
    public string Error => error.ToString();

    public void Dispose()
    {
        Console.SetOut(originalOut);
        Console.SetError(originalError);
    }
}
