// The `finetune` command. Each group of commands adds itself to the root command.
using System.CommandLine;
using FineTune.Build.Cli;
using FineTune.Build.Diagnostics;

var root = new RootCommand("finetune: compile and check fine-tuning datasets, and follow their training jobs.");
CompileCommands.AddTo(root, Console.Out, Console.Error);
DiffCommand.AddTo(root, Console.Out, Console.Error);
TrainingCommands.AddTo(root, Console.Out, Console.Error, Environment.GetEnvironmentVariable);
EvaluationCommands.AddTo(root, Console.Out, Console.Error, Environment.GetEnvironmentVariable);
try
{
    // Our own handler, not System.CommandLine's: it would print a stack trace and exit 1, the code of findings.
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is not OutOfMemoryException)
{
    var key = Environment.GetEnvironmentVariable("OPENAI_API_KEY");
    var text = $"finetune: error {DiagnosticCodes.InternalError.Code}: finetune failed unexpectedly ({e.GetType().Name}: {e.Message.Split('\n')[0]}). Please report it. [{DiagnosticCodes.InternalError.HelpLink}]";
    Console.Error.WriteLine(string.IsNullOrEmpty(key) ? text : text.Replace(key, "***", StringComparison.Ordinal));
    return TrainingCommands.ExitCodes.InternalError;
}
