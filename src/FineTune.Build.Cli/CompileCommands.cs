using System.CommandLine;
using FineTune.Build.Compilation;
using FineTune.Build.Diagnostics;
using FineTune.Build.Output;
using FineTune.Build.Sources;

namespace FineTune.Build.Cli;

/// <summary>
/// compile and check outside MSBuild (SPEC 9): the same readers, rules and outputs as `dotnet build`, with the
/// same settings as options. Diagnostics print in MSBuild's canonical form. Exit codes: 0 no error, 1 errors in the
/// dataset (or FT0006, an output that cannot be written), 2 bad usage, 5 an internal failure (FT0004).
/// </summary>
public static class CompileCommands
{
    public static void AddTo(RootCommand root, TextWriter output, TextWriter error)
    {
        var paths = new Argument<string[]>("sources")
        {
            Description = "Source files or folders (default: the current folder; folders are searched like the SDK's default glob).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var options = new (string Name, string Description)[]
        {
            ("--base-model", "FineTuneBaseModel: the base model (format, tokenizer, limits, lifecycle)."),
            ("--format", "FineTuneFormat: completion, chat or preference (default: from the model)."),
            ("--task", "FineTuneTask: classification, generation or auto."),
            ("--method", "FineTuneMethod: supervised or dpo."),
            ("--mode", "FineTuneFormattingMode: Append (default) or Strict."),
            ("--separator", "FineTunePromptSeparator (default \\n\\n###\\n\\n; escapes \\n \\t \\\\)."),
            ("--stop", "FineTuneStopSequence (default ' END')."),
            ("--validation-fraction", "FineTuneValidationFraction, 0 to 0.5."),
            ("--split-seed", "FineTuneSplitSeed."),
            ("--catalog", "FineTuneModelCatalog: a model catalog override file."),
            ("--model-fallback", "FineTuneModelFallback: the catalog entry an unknown base model borrows its limits from."),
            ("--epochs", "FineTuneEpochs for the cost estimate."),
            ("--lifecycle-date", "FineTuneLifecycleDate (yyyy-MM-dd)."),
            ("--prompt-template", "PromptTemplate for CSV/TSV sources."),
            ("--completion-template", "CompletionTemplate for CSV/TSV sources."),
            ("--system-message", "SystemMessage for CSV/TSV sources."),
            ("--user-template", "UserTemplate for CSV/TSV sources."),
            ("--assistant-template", "AssistantTemplate for CSV/TSV sources."),
            ("--no-warn", "Codes to suppress (NoWarn), separated by ';' or ','."),
            ("--warn-as-error", "Codes to treat as errors (WarningsAsErrors)."),
            ("--max-nesting-depth", "FineTuneMaxNestingDepth: deepest nesting in one example (default 64, at most 1000)."),
            ("--max-aliases", "FineTuneMaxAliases: YAML aliases used by one example (default 1000)."),
            ("--max-keys-per-object", "FineTuneMaxKeysPerObject: keys of one mapping or object (default 10000)."),
            ("--max-messages-per-example", "FineTuneMaxMessagesPerExample: messages of one chat example (default 10000)."),
            ("--max-value-bytes", "FineTuneMaxValueBytes: characters of one scalar or cell (default 8388608)."),
            ("--max-line-bytes", "FineTuneMaxLineBytes: bytes of one JSONL line or CSV/TSV row (default 16777216)."),
            ("--max-example-bytes", "FineTuneMaxExampleBytes: size of one example, YAML aliases expanded (default 16777216)."),
            ("--max-examples-per-file", "FineTuneMaxExamplesPerFile: examples of one source file (default 5000000)."),
        }.ToDictionary(o => o.Name, o => new Option<string?>(o.Name) { Description = o.Description });
        var name = new Option<string?>("--name", "-n") { Description = "FineTuneDatasetName (default: the folder's name)." };
        var outputDirectory = new Option<string?>("--output", "-o") { Description = "Output folder (default: ./bin/finetune)." };
        var intermediateDirectory = new Option<string?>("--intermediate") { Description = "Folder for the source maps and the completion stamp, as obj/ (default: the output folder, no source maps)." };
        var warnAsErrors = new Option<bool>("--warnaserror") { Description = "TreatWarningsAsErrors." };
        var allowSecret = new Option<string[]>("--allow-secret")
        {
            Description = "FineTuneSecretAllow: the fingerprint (sha256:...) of one reviewed FT6004 occurrence to waive; repeatable.",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var project = new Option<string?>("--project", "-p")
        {
            Description = "The project file that project-level findings point at (default: the one *.proj or *.csproj in the sources' folder).",
        };
        var maxDiagnostics = new Option<int>("--max-diagnostics") { Description = "Errors and warnings to show (0: all).", DefaultValueFactory = _ => 100 };

        Command Make(string command, string description, bool write)
        {
            var c = new Command(command, description);
            c.Arguments.Add(paths);
            foreach (var option in options.Values)
            {
                c.Options.Add(option);
            }

            c.Options.Add(name);
            c.Options.Add(warnAsErrors);
            c.Options.Add(maxDiagnostics);
            c.Options.Add(allowSecret);
            c.Options.Add(project);
            if (write)
            {
                c.Options.Add(outputDirectory);
                c.Options.Add(intermediateDirectory);
            }

            c.SetAction(r => Guarded(r, write));
            return c;
        }

        root.Subcommands.Add(Make("compile", "Compile dataset sources into validated JSONL and reports, as dotnet build does.", write: true));
        root.Subcommands.Add(Make("check", "Check dataset sources against every rule without writing anything.", write: false));

        // Exit 1 is for errors reported (the dataset's findings, or FT0006 for an output that cannot be written);
        // an internal failure is one FT0004 line and exit 5, never a stack trace.
        int Guarded(ParseResult r, bool write)
        {
            try
            {
                return Run(r, write);
            }
            catch (OutputWriteException e)
            {
                output.WriteLine(new Diagnostic(DiagnosticCodes.OutputNotWritable.Code, DiagnosticCodes.OutputNotWritable.DefaultSeverity, e.OutputPath, 0, 0,
                    $"{e.Message} Check that the output folder (--output) is writable, that the disk has room, and that no file or folder stands in the way of an output.").ToString());
                return 1;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                error.WriteLine($"finetune: error {DiagnosticCodes.InternalError.Code}: finetune failed unexpectedly ({e.GetType().Name}: {e.Message.Split('\n')[0]}). Please report it.");
                return TrainingCommands.ExitCodes.InternalError;
            }
        }

        int Run(ParseResult r, bool write)
        {
            string? Get(string option) => r.GetValue(options[option]);
            var inputs = r.GetValue(paths) is { Length: > 0 } given ? given : ["."];
            var first = Path.GetFullPath(inputs[0]);
            var projectDirectory = Directory.Exists(first) ? first : Path.GetDirectoryName(first)!;
            var scratch = write ? null : Path.Combine(Path.GetTempPath(), "finetune-check-" + Guid.NewGuid().ToString("N"));
            var projectFile = r.GetValue(project) is { } projectOption ? Path.GetFullPath(projectOption) : FindProjectFile(projectDirectory);
            if (projectFile is not null && !File.Exists(projectFile))
            {
                error.WriteLine($"finetune: no such project file: {projectFile}");
                return 2;
            }

            var settings = new CompileSettings
            {
                // Progress of a long compile goes to a terminal only, so redirected output stays the diagnostics.
                Progress = Console.IsErrorRedirected ? null : progress => Console.Error.WriteLine($"finetune: {progress}"),
                ProjectDirectory = projectDirectory,
                ProjectFile = projectFile,
                OutputDirectory = scratch ?? Path.GetFullPath(r.GetValue(outputDirectory) ?? Path.Combine("bin", "finetune")),
                IntermediateDirectory = scratch is null && r.GetValue(intermediateDirectory) is { } intermediate ? Path.GetFullPath(intermediate) : null,
                DatasetName = r.GetValue(name) ?? new DirectoryInfo(projectDirectory).Name,
                BaseModel = Get("--base-model"),
                Format = Get("--format"),
                Task = Get("--task"),
                Method = Get("--method"),
                FormattingMode = Get("--mode"),
                PromptSeparator = Get("--separator"),
                StopSequence = Get("--stop"),
                ValidationFraction = Get("--validation-fraction"),
                SplitSeed = Get("--split-seed"),
                ModelCatalog = Get("--catalog"),
                ModelFallback = Get("--model-fallback"),
                Epochs = Get("--epochs"),
                LifecycleDate = Get("--lifecycle-date"),
                WriteReports = write,
            };
            // Each --max-* option sets the FineTuneMax* property of the same name.
            foreach (var option in options.Keys.Where(o => o.StartsWith("--max-", StringComparison.Ordinal)))
            {
                settings.Limits["FineTune" + string.Concat(option[2..].Split('-').Select(w => char.ToUpperInvariant(w[0]) + w[1..]))] = Get(option);
            }

            foreach (var fingerprint in r.GetValue(allowSecret) ?? [])
            {
                settings.SecretAllowances.Add((fingerprint, "allowed on the command line"));
            }

            var metadata = new Dictionary<string, string?>
            {
                ["PromptTemplate"] = Get("--prompt-template"),
                ["CompletionTemplate"] = Get("--completion-template"),
                ["SystemMessage"] = Get("--system-message"),
                ["UserTemplate"] = Get("--user-template"),
                ["AssistantTemplate"] = Get("--assistant-template"),
            };
            foreach (var input in inputs)
            {
                var full = Path.GetFullPath(input);
                if (Directory.Exists(full))
                {
                    foreach (var file in SourceDiscovery.Find(full))
                    {
                        settings.Sources.Add((file, metadata));
                    }
                }
                else if (File.Exists(full))
                {
                    settings.Sources.Add((full, metadata));
                }
                else
                {
                    error.WriteLine($"finetune: no such file or folder: {input}");
                    return 2;
                }
            }

            // The canonical form MSBuild prints, project suffix included, so the same problem matcher reads both.
            var locator = projectFile is null ? null : new ProjectFileLocator(projectFile);
            var fallback = settings.Sources.Count > 0 ? settings.Sources[0].Path : null;
            var suffix = $" [{projectFile ?? projectDirectory}]";
            var diagnostics = new DiagnosticCollector(
                new DiagnosticPolicy(Get("--no-warn"), Get("--warn-as-error"), null, r.GetValue(warnAsErrors)),
                d => (d.Severity == DiagnosticSeverity.Info ? null : output)?.WriteLine(d.ToString() + suffix),
                r.GetValue(maxDiagnostics))
            {
                Placement = d => locator?.Place(d) ?? Unplaced(d, fallback),
            };
            var compileOptions = settings.ToOptions(diagnostics);
            if (compileOptions is null)
            {
                return 2;
            }

            try
            {
                var result = new DatasetCompiler(compileOptions, diagnostics).Compile();
                if (diagnostics.NotReportedCount > 0)
                {
                    output.WriteLine($"{diagnostics.NotReportedCount} more error(s) and warning(s) not shown (--max-diagnostics).");
                }

                output.WriteLine(result.Succeeded
                    ? (write ? CompileSettings.Summary(settings.DatasetName, result, Directory.GetCurrentDirectory()) : $"{settings.DatasetName}: {result.ExampleCount} example(s), no errors.")
                    : $"{settings.DatasetName}: {diagnostics.ErrorCount} error(s), {diagnostics.WarningCount} warning(s).");
                return result.Succeeded ? 0 : 1;
            }
            finally
            {
                if (scratch is not null && Directory.Exists(scratch))
                {
                    Directory.Delete(scratch, recursive: true);
                }
            }
        }
    }

    /// <summary>The one *.proj or *.csproj in <paramref name="directory"/>, if there is exactly one.</summary>
    public static string? FindProjectFile(string directory)
    {
        var projects = Directory.EnumerateFiles(directory, "*.proj").Concat(Directory.EnumerateFiles(directory, "*.csproj")).ToList();
        return projects.Count == 1 ? projects[0] : null;
    }

    /// <summary>Without a project file, a finding without a line points at the first source's first line.</summary>
    private static Diagnostic Unplaced(Diagnostic diagnostic, string? firstSource)
        => diagnostic.File is not null ? diagnostic with { Line = Math.Max(1, diagnostic.Line), Column = Math.Max(1, diagnostic.Column) }
            : firstSource is not null ? diagnostic with { File = firstSource, Line = 1, Column = 1 }
            : diagnostic;
}
