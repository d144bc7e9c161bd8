using MassTransit;
using Microsoft.Extensions.Options;

namespace Dcgan.Cli;

/// <summary>Exit codes of the commands, and the one place that turns expected failures into messages on stderr.</summary>
internal static class CommandErrors
{
    public const int Success = 0;

    public const int Failure = 1;

    /// <summary>Exit code after Ctrl+C, as shells report a process ended by SIGINT (128 + 2).</summary>
    public const int Cancelled = 130;

    /// <summary>
    /// Runs <paramref name="command"/> and returns its exit code. Expected failures print "Error: ..." on stderr and
    /// return <see cref="Failure"/>: a failed job, invalid input, a missing file, a timeout or a broker error.
    /// </summary>
    public static async Task<int> RunAsync(Func<Task<int>> command)
    {
        try
        {
            return await command();
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C outside the wait for the job, which reports its own cancellation: while the worker or the broker
            // connection starts, or while the artifacts download.
            Console.Error.WriteLine("Cancelled.");
            return Cancelled;
        }
        catch (JobFailedException exception)
        {
            JobReport.PrintFailure(exception.Failure);
        }
        catch (OptionsValidationException exception)
        {
            Console.Error.WriteLine($"Error: invalid worker settings: {string.Join(" ", exception.Failures)}");
        }
        catch (Exception exception) when (exception is ArgumentException or IOException or InvalidDataException
            or UnauthorizedAccessException or TimeoutException or MassTransitException)
        {
            Console.Error.WriteLine($"Error: {exception.Message}");
        }

        return Failure;
    }
}
