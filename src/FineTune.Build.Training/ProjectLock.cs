using FineTune.Build.Diagnostics;

namespace FineTune.Build.Training;

/// <summary>
/// An exclusive lock on &lt;lock file&gt;.lock, so two publishes of one project never both upload and create a job.
/// The OS releases it when the process dies. The file is left in place: deleting it would let a waiter lock an
/// unlinked file while a newcomer locks a new one.
/// </summary>
internal sealed class ProjectLock : IDisposable
{
    private readonly FileStream _stream;

    private ProjectLock(FileStream stream) => _stream = stream;

    public static async Task<ProjectLock> AcquireAsync(string lockFilePath, TimeSpan timeout, Action<string> onWait, CancellationToken cancellationToken)
    {
        var path = lockFilePath + ".lock";
        var deadline = DateTime.UtcNow + timeout;
        var announced = false;
        while (true)
        {
            if (Directory.Exists(path))
            {
                // Opening a folder fails at once, and on some systems as an IOException that would look like a
                // lock held by another publish: say what it is instead of waiting for the timeout.
                throw new TrainingException(TrainingDiagnostics.LockUnavailable,
                    $"'{path}' is a folder; FineTune.Build needs a file there to keep two publishes of this project apart. Delete the folder and publish again.",
                    new Location(path, 0, 0));
            }

            try
            {
                var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
                return new ProjectLock(stream);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new TrainingException(TrainingDiagnostics.LockUnavailable,
                    $"Cannot create or open '{path}' ({e.Message}); make its folder writable (it keeps two publishes of this project apart) and publish again.",
                    new Location(path, 0, 0), e);
            }
            catch (IOException e) when (e is DirectoryNotFoundException or PathTooLongException)
            {
                throw new TrainingException(TrainingDiagnostics.LockUnavailable,
                    $"Cannot create '{path}' ({e.Message}); check FineTuneLockFile and that its folder exists, then publish again.",
                    new Location(path, 0, 0), e);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                if (!announced)
                {
                    onWait($"Waiting for another publish of this project (it holds {Path.GetFileName(path)}).");
                    announced = true;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new TrainingException(TrainingDiagnostics.LockTimeout, $"Another publish of this project held '{path}' for more than {timeout}; try again when it has finished.", inner: e);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
