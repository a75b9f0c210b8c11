namespace FineTune.Build.FakeOpenAI;

/// <summary>Placeholder: the fake OpenAI server lands with the training issue.</summary>
public sealed class FakeOpenAIServer
{
}
