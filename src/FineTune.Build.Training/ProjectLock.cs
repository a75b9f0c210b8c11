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
            try
            {
                var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
                return new ProjectLock(stream);
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
