using System.CommandLine;
using Dcgan.Cli;

var root = new RootCommand("Train DCGAN image generators and generate images with them.")
{
    TrainCommand.Create(),
    GenerateCommand.Create(),
};

return await root.Parse(args).InvokeAsync();
