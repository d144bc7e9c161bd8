namespace Dcgan.Worker.Tests.Infrastructure;

/// <summary>
/// A test that takes minutes (soak runs, long outages). It runs only when the environment variable
/// <c>DCGAN_SLOW_TESTS</c> is 1, as <c>.ci/run</c> sets it, and is reported as skipped otherwise.
/// </summary>
public sealed class SlowFactAttribute : FactAttribute
{
    public const string Variable = "DCGAN_SLOW_TESTS";

    public SlowFactAttribute()
    {
        if (!Enabled)
        {
            Skip = $"Slow test: set {Variable}=1 to run it.";
        }
    }

    public static bool Enabled => Environment.GetEnvironmentVariable(Variable) == "1";
}
