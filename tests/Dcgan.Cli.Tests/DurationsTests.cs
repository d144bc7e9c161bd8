namespace Dcgan.Cli.Tests;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("10m", 600)]
    [InlineData("1.5h", 5400)]
    [InlineData("2d", 172800)]
    [InlineData("2H", 7200)]
    [InlineData("01:30:00", 5400)]
    public void TryParse_KnownForm_ReturnsDuration(string text, double seconds)
    {
        Durations.TryParse(text, out TimeSpan value).ShouldBeTrue();

        value.ShouldBe(TimeSpan.FromSeconds(seconds));
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("5x")]
    [InlineData("m")]
    [InlineData("-5m")]
    [InlineData("1e400s")]
    public void TryParse_OtherText_ReturnsFalse(string text)
    {
        Durations.TryParse(text, out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData(600, "10m")]
    [InlineData(5405, "1h 30m 5s")]
    [InlineData(0, "0s")]
    public void Format_Duration_UsesUnits(double seconds, string expected)
    {
        Durations.Format(TimeSpan.FromSeconds(seconds)).ShouldBe(expected);
    }
}
