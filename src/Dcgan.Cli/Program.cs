using System.CommandLine;
using Dcgan.Cli;

// After Ctrl+C the command stops the embedded worker, which first stores a checkpoint of the running training job.
// System.CommandLine ends the process this long after Ctrl+C, 2 s by default, so the worker gets its whole budget.
var invocation = new InvocationConfiguration
{
    ProcessTerminationTimeout = EmbeddedWorker.ShutdownTimeout + TimeSpan.FromSeconds(20),
};
return await DcganCommandLine.Create().Parse(args).InvokeAsync(invocation);
