namespace FineTune.Build.Tokens;

/// <summary>
/// Overheads of the OpenAI cookbook's token formulas.
/// Messages: <c>num_tokens_from_messages</c> in https://github.com/openai/openai-cookbook/blob/main/examples/Chat_finetuning_data_prep.ipynb
/// (3 tokens per message, 1 per name, 3 to prime the reply, every string value of a message encoded), which the
/// cookbook simplified from https://github.com/openai/openai-cookbook/blob/main/examples/How_to_count_tokens_with_tiktoken.ipynb.
/// Tools: <c>num_tokens_for_tools</c> in How_to_count_tokens_with_tiktoken.ipynb (func_init 7 for gpt-4o/gpt-4o-mini,
/// i.e. o200k_base, 10 for gpt-3.5-turbo/gpt-4, i.e. cl100k_base; prop_init 3, prop_key 3, enum_init -3, enum_item 3,
/// func_end 12). The cookbook verified both against the API's prompt_tokens (129/124 and 105/101 tokens).
/// </summary>
public sealed record ChatTokenOverheads(
    int PerMessage,
    int PerName,
    int ReplyPriming,
    int FunctionInit,
    int PropertiesInit,
    int PropertyKey,
    int EnumInit,
    int EnumItem,
    int FunctionsEnd)
{
    public static ChatTokenOverheads For(string encodingName) => new(
        PerMessage: 3,
        PerName: 1,
        ReplyPriming: 3,
        // The cookbook measured 7 for the o200k models and 10 for the cl100k ones; r50k models never took tools.
        FunctionInit: encodingName == TokenEncodings.O200kBase ? 7 : 10,
        PropertiesInit: 3,
        PropertyKey: 3,
        EnumInit: -3,
        EnumItem: 3,
        FunctionsEnd: 12);
}
