using Dcgan.Cli;

return await DcganCommandLine.Create().Parse(args).InvokeAsync();
