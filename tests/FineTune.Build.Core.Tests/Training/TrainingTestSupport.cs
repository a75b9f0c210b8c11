using System.Text;
using FineTune.Build.Diagnostics;
using FineTune.Build.FakeOpenAI;
using FineTune.Build.Training;

namespace FineTune.Build.Core.Tests.Training;

internal sealed record LogEntry(string Kind, string? Code, string Text, string? File, int Line, int Column);

/// <summary>
/// Collects everything the service logs: messages, and the diagnostics its collector (with <paramref name="policy"/>)
/// forwards; can react to a message (to simulate a kill).
/// </summary>
internal sealed class TestLog(DiagnosticPolicy? policy = null) : ITrainingLog
{
    private readonly object _gate = new();
    private DiagnosticCollector? _diagnostics;

    public List<LogEntry> Entries { get; } = new();
    public Action<string>? OnMessage { get; set; }

    /// <summary>The collector the service reports FT7xxx through; its sink records them as "error"/"warning" entries.</summary>
    public DiagnosticCollector Diagnostics => _diagnostics ??= new DiagnosticCollector(policy, d =>
    {
        lock (_gate)
        {
            Entries.Add(new LogEntry(d.Severity == DiagnosticSeverity.Error ? "error" : d.Severity == DiagnosticSeverity.Warning ? "warning" : "info", d.Code, d.Message, d.File, d.Line, d.Column));
        }
    });

    public void Message(TrainingImportance importance, string text)
    {
        lock (_gate)
        {
            Entries.Add(new LogEntry("message:" + importance, null, text, null, 0, 0));
        }

        OnMessage?.Invoke(text);
    }

    /// <summary>Runs the service with this log and its collector.</summary>
    public Task<TrainingResult> RunAsync(TrainingRequest request, CancellationToken cancellationToken = default) =>
        TrainingService.RunAsync(request, this, Diagnostics, cancellationToken);

    public IReadOnlyList<LogEntry> Errors { get { lock (_gate) { return Entries.Where(e => e.Kind == "error").ToList(); } } }

    public string AllText
    {
        get
        {
            lock (_gate)
            {
                return string.Join("\n", Entries.Select(e => $"{e.Kind} {e.Code} {e.File}({e.Line},{e.Column}): {e.Text}"));
            }
        }
    }
}

/// <summary>A temp project with compiled files, a fake server, and a request wired to both with fast timings.</summary>
internal sealed class TrainingFixture : IAsyncDisposable
{
    public const string DatasetName = "ads";

    public string Canary { get; } = "sk-canary-" + Guid.NewGuid().ToString("N");
    public string ProjectDirectory { get; }
    public string TrainFile { get; }
    public string ValidationFile { get; }
    public string PublishDirectory { get; }
    public FakeOpenAIServer Server { get; }
    public string LockPath => Path.Combine(ProjectDirectory, "finetune.lock.json");
    public string ModelFile => Path.Combine(PublishDirectory, DatasetName + ".model.txt");

    private TrainingFixture(FakeOpenAIServer server, int trainExamples)
    {
        Server = server;
        ProjectDirectory = Path.Combine(Path.GetTempPath(), "ft-training-" + Guid.NewGuid().ToString("N"));
        var bin = Path.Combine(ProjectDirectory, "bin", "Debug");
        Directory.CreateDirectory(bin);
        PublishDirectory = Path.Combine(bin, "publish");
        TrainFile = Path.Combine(bin, DatasetName + ".train.jsonl");
        ValidationFile = Path.Combine(bin, DatasetName + ".validation.jsonl");
        File.WriteAllText(TrainFile, Examples(trainExamples, "train"), new UTF8Encoding(false));
        File.WriteAllText(ValidationFile, Examples(3, "validation"), new UTF8Encoding(false));
    }

    public static string Examples(int count, string tag)
    {
        var sb = new StringBuilder();
        for (var i = 1; i <= count; i++)
        {
            sb.Append($"{{\"prompt\":\"Company: {tag} {i}\\n\\n###\\n\\n\",\"completion\":\" yes END\"}}\n");
        }

        return sb.ToString();
    }

    public static async Task<TrainingFixture> CreateAsync(int trainExamples = 12)
    {
        var server = await FakeOpenAIServer.StartAsync();
        server.DefaultJobScript = new JobScript { Steps = 6, StepsPerTick = 2 };
        return new TrainingFixture(server, trainExamples);
    }

    public TrainingRequest Request(
        int? epochs = 3,
        bool wait = true,
        bool validation = true,
        string? apiKey = "<canary>",
        TimeSpan? waitTimeout = null,
        ExampleLocator? locator = null,
        Action<string>? checkpoint = null,
        long? uploadsThreshold = null,
        int? partSize = null,
        string trainer = "Api",
        string? command = null,
        string method = "supervised",
        double? beta = null,
        int maxRetries = 3,
        string? endpoint = "<server>",
        Func<string, string?>? environment = null,
        TimeSpan? retryMaxDelay = null) => new()
        {
            ProjectDirectory = ProjectDirectory,
            DatasetName = DatasetName,
            TrainFile = TrainFile,
            ValidationFile = validation ? ValidationFile : null,
            BaseModel = "gpt-4o-mini-2024-07-18",
            Suffix = "ads",
            Seed = 7,
            Method = method,
            Epochs = epochs,
            BatchSize = 4,
            LearningRateMultiplier = 0.5,
            Beta = beta,
            Wait = wait,
            WaitTimeout = waitTimeout ?? TimeSpan.FromSeconds(30),
            PollInterval = TimeSpan.FromMilliseconds(10),
            Endpoint = endpoint == "<server>" ? Server.BaseUrl : endpoint,
            ApiKey = apiKey == "<canary>" ? Canary : apiKey,
            EnvironmentVariable = environment ?? (_ => null),
            SourceRevision = "0123456789abcdef0123456789abcdef01234567",
            PublishDirectory = PublishDirectory,
            ExampleLocator = locator,
            Checkpoint = checkpoint,
            UploadsApiThreshold = uploadsThreshold ?? 512L * 1024 * 1024,
            UploadPartSize = partSize ?? 64 * 1024 * 1024,
            MaxRetries = maxRetries,
            RetryBaseDelay = TimeSpan.FromMilliseconds(20),
            RetryMaxDelay = retryMaxDelay ?? TimeSpan.FromSeconds(5),
            ProjectLockTimeout = TimeSpan.FromSeconds(60),
            Trainer = trainer,
            TrainCommand = command,
        };

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        try { Directory.Delete(ProjectDirectory, recursive: true); } catch (IOException) { }
    }
}
