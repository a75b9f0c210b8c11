using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace FineTune.Build.Training;

/// <summary>
/// FineTuneTrainer=Command: runs FineTuneTrainCommand through the shell (sh -c, or cmd /c on Windows) in the
/// project folder, with {train}, {validation} and {model} replaced by the quoted compiled file paths and the base
/// model. Output lines go to the log; a non-zero exit code is FT7018. The model id is taken from the last output
/// line of the form "FineTunedModel=ID" (or "FineTunedModel: ID"). The run is recorded in the lock file like an API
/// job, so the same data and command are not trained twice.
/// </summary>
internal static class CommandTrainer
{
    private static readonly Regex ModelLine = new(@"^\s*FineTunedModel\s*[:=]\s*(?<id>\S.*?)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    public static async Task<TrainingResult> RunAsync(TrainingRequest request, RedactingTrainingLog log, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.TrainCommand))
        {
            throw new TrainingException(TrainingDiagnostics.MissingTrainCommand, "FineTuneTrainer=Command needs FineTuneTrainCommand, for example: python train.py --data {train} --base {model}.");
        }

        var fp = DatasetFingerprint.Compute(request, "Command");
        var lockPath = request.ResolvedLockFilePath;
        var name = request.DatasetName;

        // Held for the whole run: a second publish waits and then finds the result.
        using var projectLock = await ProjectLock.AcquireAsync(lockPath, request.ProjectLockTimeout, m => log.Message(TrainingImportance.High, m), ct).ConfigureAwait(false);
        var lockFile = LockFile.Load(lockPath);
        var recorded = lockFile.Find(name, fp.LockKey);
        if (recorded?.Status == "succeeded")
        {
            lockFile.Set(name, fp.LockKey, recorded);
            lockFile.Save(lockPath);
            log.Message(TrainingImportance.High, $"{name}: already trained by the training command{(recorded.FineTunedModel is null ? "" : " as " + recorded.FineTunedModel)} (recorded in {Path.GetFileName(lockPath)}); not running it again.");
            if (recorded.FineTunedModel is not null)
            {
                TrainingService.WriteModelFile(request, recorded.FineTunedModel, log);
            }

            return new TrainingResult { Succeeded = true, FineTunedModel = recorded.FineTunedModel, Status = "succeeded", LockKey = fp.LockKey, DatasetHash = fp.DatasetHash, Reused = true };
        }

        var windows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
        var command = Expand(request.TrainCommand!, request, windows);
        log.Message(TrainingImportance.High, $"{name}: running the training command: {command}");
        var start = new ProcessStartInfo(windows ? "cmd.exe" : "/bin/sh")
        {
            WorkingDirectory = request.ProjectDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (windows)
        {
            start.ArgumentList.Add("/d");
            start.ArgumentList.Add("/s");
            start.ArgumentList.Add("/c");
            start.ArgumentList.Add(command);
        }
        else
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(command);
        }

        string? model = null;
        var tail = new Queue<string>();
        var gate = new object();
        void OnLine(string? line, bool error)
        {
            if (line is null)
            {
                return;
            }

            lock (gate)
            {
                var m = ModelLine.Match(line);
                if (m.Success && !error)
                {
                    model = m.Groups["id"].Value;
                }

                tail.Enqueue(log.Redact(line));
                if (tail.Count > 20)
                {
                    tail.Dequeue();
                }

                log.Message(TrainingImportance.Normal, line);
            }
        }

        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => OnLine(e.Data, false);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, true);
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new TrainingException(TrainingDiagnostics.TrainCommandFailed, $"{name}: the training command could not start: {e.Message}", inner: e);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw;
        }
        process.WaitForExit(); // drains the output events

        if (process.ExitCode != 0)
        {
            string output;
            lock (gate)
            {
                output = string.Join("\n", tail);
            }

            throw new TrainingException(TrainingDiagnostics.TrainCommandFailed,
                string.Create(CultureInfo.InvariantCulture, $"{name}: the training command exited with code {process.ExitCode}.") + (output.Length > 0 ? " Last output:\n" + output : ""));
        }

        var entry = new LockEntry
        {
            Trainer = "command",
            Command = request.TrainCommand,
            BaseModel = request.BaseModel,
            Method = request.Method,
            Suffix = string.IsNullOrEmpty(request.Suffix) ? null : request.Suffix,
            Seed = request.Seed,
            DatasetSha256 = fp.DatasetHash,
            Status = "succeeded",
            FineTunedModel = model,
            SourceRevision = request.SourceRevision ?? SourceRevision.TryDetect(request.ProjectDirectory),
        };
        foreach (var f in fp.Files)
        {
            entry.Files[f.Kind] = new LockedFile { Name = Path.GetFileName(f.Path), Sha256 = f.Sha256, Bytes = f.Bytes };
        }

        lockFile.Set(name, fp.LockKey, entry);
        lockFile.Save(lockPath);
        if (model is not null)
        {
            log.Message(TrainingImportance.High, $"{name}: fine-tuned model {model} (from the training command).");
            TrainingService.WriteModelFile(request, model, log);
        }
        else
        {
            log.Message(TrainingImportance.High, $"{name}: the training command succeeded; it printed no 'FineTunedModel=<id>' line, so no model id is recorded.");
        }
        return new TrainingResult { Succeeded = true, FineTunedModel = model, Status = "succeeded", LockKey = fp.LockKey, DatasetHash = fp.DatasetHash };
    }

    internal static string Expand(string command, TrainingRequest request, bool windows) => command
        .Replace("{train}", Quote(Path.GetFullPath(request.TrainFile), windows), StringComparison.Ordinal)
        .Replace("{validation}", string.IsNullOrEmpty(request.ValidationFile) ? (windows ? "\"\"" : "''") : Quote(Path.GetFullPath(request.ValidationFile!), windows), StringComparison.Ordinal)
        .Replace("{model}", Quote(request.BaseModel ?? "", windows), StringComparison.Ordinal);

    private static string Quote(string value, bool windows) =>
        windows ? "\"" + value.Replace("\"", "\"\"") + "\"" : "'" + value.Replace("'", "'\\''") + "'";
}
