namespace FineTune.Build.Examples;

/// <summary>The JSONL format a project emits (FineTuneFormat): one project, one format.</summary>
public enum DatasetFormat
{
    /// <summary><c>{"prompt": ..., "completion": ...}</c>: babbage-002, davinci-002 and the retired GPT-3 models.</summary>
    Completion,

    /// <summary><c>{"messages": [...], "tools": [...], "parallel_tool_calls": ...}</c>: chat models.</summary>
    Chat,

    /// <summary><c>{"input": {...}, "preferred_output": [...], "non_preferred_output": [...]}</c>: DPO.</summary>
    Preference,
}
