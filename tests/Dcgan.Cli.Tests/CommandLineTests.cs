using System.CommandLine;

namespace Dcgan.Cli.Tests;

public sealed class CommandLineTests
{
    [Theory]
    [InlineData("--image-size 48", "--image-size '48' is not supported: use 16, 32, 64, 128.")]
    [InlineData("--channels 2", "--channels '2' is not supported: use 1, 3.")]
    [InlineData("--batch-size 1", "--batch-size 1 is out of range: use 2 to 4096.")]
    [InlineData("--epochs 0", "--epochs 0 is out of range: use 1 to 10000.")]
    [InlineData("--steps 0", "--steps 0 is out of range: use 1 to 100000000.")]
    [InlineData("--limit 0", "--limit 0 is out of range: use 1 or more images.")]
    [InlineData("--device tpu", "--device 'tpu' is not supported: use auto, cpu, cuda.")]
    [InlineData("--dataset cifar", "--dataset 'cifar' is not supported: use fashion-mnist, mnist.")]
    [InlineData("--evaluate-images 99", "--evaluate-images 99 is out of range: use 0 to train without scores, or 100 to 10000.")]
    [InlineData("--evaluate-images 10001", "--evaluate-images 10001 is out of range: use 0 to train without scores, or 100 to 10000.")]
    [InlineData("--evaluate-images -5", "--evaluate-images -5 is out of range: use 0 to train without scores, or 100 to 10000.")]
    [InlineData(
        "--job-id a.b",
        "--job-id: Job id 'a.b' is invalid: expected 1 to 64 characters of A-Z, a-z, 0-9, '-' and '_', starting with a letter or digit.")]
    [InlineData("--job-id -abc", "--job-id: Job id '-abc' is invalid: expected 1 to 64 characters of A-Z, a-z, 0-9, '-' and '_', starting with a letter or digit.")]
    [InlineData(
        "--timeout 5x",
        "--timeout '5x' is invalid: use a number followed by s, m, h or d (such as 90s, 10m or 2h), or hh:mm:ss, from 1s to 30d.")]
    [InlineData(
        "--train-queue a/b",
        "--train-queue 'a/b' is invalid: use 1 to 200 characters of A-Z, a-z, 0-9, '.', '-' and '_', starting with a letter or digit.")]
    public void Train_InvalidOption_ReportsValueAndAllowedRange(string arguments, string expected)
    {
        ParseResult result = DcganCommandLine.Create().Parse("train " + arguments);

        result.Errors.Select(e => e.Message).ShouldContain(expected);
    }

    [Fact]
    public void Train_InvalidOption_ReportsItOnce()
    {
        DcganCommandLine.Create();
        ParseResult result = DcganCommandLine.Create().Parse("train --limit 0");

        result.Errors.Count.ShouldBe(1);
    }

    [Fact]
    public void Train_ResumeOption_IsNoLongerAccepted()
    {
        ParseResult result = DcganCommandLine.Create().Parse("train --resume run/checkpoints/final.ckpt");

        result.Errors.ShouldNotBeEmpty();
        result.Errors[0].Message.ShouldContain("--resume");
    }

    [Fact]
    public void Generate_WithoutModel_NamesBothOptions()
    {
        ParseResult result = DcganCommandLine.Create().Parse("generate --count 4");

        result.Errors.Select(e => e.Message).ShouldContain("No model given: use --checkpoint PATH or --model-job JOB-ID.");
    }

    [Fact]
    public void Generate_CheckpointAndModelJob_AsksForOne()
    {
        ParseResult result = DcganCommandLine.Create().Parse("generate --checkpoint a.ckpt --model-job fashion");

        result.Errors.Select(e => e.Message).ShouldContain("--checkpoint and --model-job are both given: use exactly one.");
    }

    [Theory]
    [InlineData("--model-job a/b", "--model-job: Job id 'a/b' is invalid")]
    [InlineData("--model-job x --job-id \"a b\"", "--job-id: Job id 'a b' is invalid")]
    [InlineData("--model-job x --count 0", "--count 0 is out of range: use 1 to 100000.")]
    [InlineData("--model-job x --generate-queue \"\"", "--generate-queue '' is invalid")]
    public void Generate_InvalidOption_ReportsValue(string arguments, string expected)
    {
        ParseResult result = DcganCommandLine.Create().Parse("generate " + arguments);

        result.Errors.ShouldContain(e => e.Message.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("train")]
    [InlineData("generate")]
    public void Help_DescribesBrokerMode(string command)
    {
        var output = new StringWriter();
        ParseResult result = DcganCommandLine.Create().Parse([command, "--help"]);

        int exitCode = result.Invoke(new InvocationConfiguration { Output = output });

        exitCode.ShouldBe(0);
        output.ToString().ShouldContain("--broker");
        output.ToString().ShouldContain("DCGAN_BROKER");
        output.ToString().ShouldContain("--job-id");
    }
}
