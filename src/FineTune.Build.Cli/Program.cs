// The `finetune` command. Each group of commands adds itself to the root command.
using System.CommandLine;
using FineTune.Build.Cli;

var root = new RootCommand("finetune: compile and check fine-tuning datasets, and follow their training jobs.");
CompileCommands.AddTo(root, Console.Out, Console.Error);
DiffCommand.AddTo(root, Console.Out, Console.Error);
TrainingCommands.AddTo(root, Console.Out, Console.Error, Environment.GetEnvironmentVariable);
return await root.Parse(args).InvokeAsync();
