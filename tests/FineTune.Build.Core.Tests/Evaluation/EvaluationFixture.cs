using System.Text;
using System.Text.Json.Nodes;
using FineTune.Build.Core.Tests.Training;
using FineTune.Build.FakeOpenAI;
using FineTune.Build.Training.Evaluation;

namespace FineTune.Build.Core.Tests.Evaluation;

/// <summary>A temp project with a compiled validation file and a fake server with scripted answers.</summary>
internal sealed class EvaluationFixture : IAsyncDisposable
{
    public const string DatasetName = "ads";
    public const string Separator = "\n\n###\n\n";

    public string Canary { get; } = "sk-canary-" + Guid.NewGuid().ToString("N");
    public string ProjectDirectory { get; }
    public string ValidationFile { get; }
    public string PublishDirectory { get; }
    public FakeOpenAIServer Server { get; }
    public string LockPath => Path.Combine(ProjectDirectory, "finetune.lock.json");
    public string EvalFile => Path.Combine(PublishDirectory, DatasetName + ".eval.json");

    private EvaluationFixture(FakeOpenAIServer server)
    {
        Server = server;
        ProjectDirectory = Path.Combine(Path.GetTempPath(), "ft-eval-" + Guid.NewGuid().ToString("N"));
        var bin = Path.Combine(ProjectDirectory, "bin", "Debug");
        Directory.CreateDirectory(bin);
        PublishDirectory = Path.Combine(bin, "publish");
        ValidationFile = Path.Combine(bin, DatasetName + ".validation.jsonl");
    }

    public static async Task<EvaluationFixture> CreateAsync() => new(await FakeOpenAIServer.StartAsync());

    /// <summary>Completion-format lines: prompt "example {i}" + separator, completion as given.</summary>
    public void WriteCompletions(params string[] completions)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < completions.Length; i++)
        {
            sb.Append(new JsonObject { ["prompt"] = Prompt(i), ["completion"] = completions[i] }.ToJsonString()).Append('\n');
        }

        File.WriteAllText(ValidationFile, sb.ToString(), new UTF8Encoding(false));
    }

    /// <summary>Chat lines: system, user "question {i}", assistant as given (with weight, which must not be sent).</summary>
    public void WriteChats(params string[] answers)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < answers.Length; i++)
        {
            sb.Append(new JsonObject
            {
                ["messages"] = new JsonArray(
                    new JsonObject { ["role"] = "system", ["content"] = "Be brief." },
                    new JsonObject { ["role"] = "user", ["content"] = Question(i) },
                    new JsonObject { ["role"] = "assistant", ["content"] = answers[i], ["weight"] = 1 }),
            }.ToJsonString()).Append('\n');
        }

        File.WriteAllText(ValidationFile, sb.ToString(), new UTF8Encoding(false));
    }

    public static string Prompt(int i) => $"example {i}{Separator}";

    public static string Question(int i) => $"question {i}";

    public EvaluationRequest Request(string? model = "ft:babbage-002:acme::m1", string? task = null, double? minAccuracy = null, double? minExactMatch = null,
        string? compareTo = null, double maxRegression = 0, int? limit = null, string? stop = null, int parallelism = 3) => new()
        {
            ProjectDirectory = ProjectDirectory,
            DatasetName = DatasetName,
            ValidationFile = ValidationFile,
            Task = task,
            Model = model,
            StopSequence = stop,
            TrainingEndpoint = Server.BaseUrl,
            MinAccuracy = minAccuracy,
            MinExactMatch = minExactMatch,
            CompareTo = compareTo,
            MaxRegression = maxRegression,
            Limit = limit,
            Parallelism = parallelism,
            OutputDirectory = PublishDirectory,
            EnvironmentVariable = name => name == "OPENAI_API_KEY" ? Canary : null,
            MaxRetries = 3,
            RetryBaseDelay = TimeSpan.FromMilliseconds(5),
            RetryMaxDelay = TimeSpan.FromMilliseconds(50),
        };

    public async Task<(EvaluationResult Result, TestLog Log)> RunAsync(EvaluationRequest request)
    {
        var log = new TestLog();
        var result = await EvaluationService.RunAsync(request, log, log.Diagnostics);
        return (result, log);
    }

    /// <summary>Requests to the legacy completions endpoint (not chat).</summary>
    public int CompletionRequests => Server.RequestsTo("POST", "/v1/completions").Count;

    public int ChatRequests => Server.RequestsTo("POST", "/v1/chat/completions").Count;

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(ProjectDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
