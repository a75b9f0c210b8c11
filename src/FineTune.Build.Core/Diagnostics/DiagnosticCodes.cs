namespace FineTune.Build.Diagnostics;

/// <summary>
/// Every diagnostic the compiler reports. Codes are stable: users suppress and promote them by number
/// (NoWarn, WarningsAsErrors), so a code is never reused for another meaning. docs/rules.md has one row per code.
/// </summary>
public static class DiagnosticCodes
{
    private const DiagnosticSeverity Error = DiagnosticSeverity.Error;
    private const DiagnosticSeverity Warning = DiagnosticSeverity.Warning;
    private const DiagnosticSeverity Info = DiagnosticSeverity.Info;

    // FT0xxx: project settings.
    public static readonly DiagnosticDescriptor InvalidSetting = new("FT0001", Error, "Settings", "A property has a value the SDK does not accept");
    public static readonly DiagnosticDescriptor NoSources = new("FT0002", Warning, "Settings", "The project has no FineTuneSource items");
    public static readonly DiagnosticDescriptor DiagnosticsCapped = new("FT0003", Info, "Settings", "More diagnostics than FineTuneMaxDiagnostics; the rest are in the report");
    public static readonly DiagnosticDescriptor InternalError = new("FT0004", Error, "Settings", "An unexpected error inside FineTune.Build (a bug: please report it)");
    public static readonly DiagnosticDescriptor UnsupportedMSBuild = new("FT0005", Error, "Settings", "The running MSBuild cannot run the SDK's .NET task (reported by Sdk.targets)");
    public static readonly DiagnosticDescriptor OutputNotWritable = new("FT0006", Error, "Settings", "An output (JSONL, source map, report) cannot be written: a read-only or full folder, or a file where a folder is expected");

    // FT1xxx: reading sources.
    public static readonly DiagnosticDescriptor UnreadableSource = new("FT1001", Error, "Syntax", "A source file cannot be read");
    public static readonly DiagnosticDescriptor UnknownSourceFormat = new("FT1002", Error, "Syntax", "A source file has an extension or Format the SDK cannot read");
    public static readonly DiagnosticDescriptor InvalidYaml = new("FT1003", Error, "Syntax", "YAML syntax error");
    public static readonly DiagnosticDescriptor InvalidJson = new("FT1004", Error, "Syntax", "A JSONL line is not one complete JSON object");
    public static readonly DiagnosticDescriptor InvalidCsv = new("FT1005", Error, "Syntax", "CSV/TSV syntax error or missing header");
    public static readonly DiagnosticDescriptor InvalidUtf8 = new("FT1006", Error, "Syntax", "A source file is not valid UTF-8");
    public static readonly DiagnosticDescriptor InvalidDocumentShape = new("FT1007", Error, "Syntax", "A YAML document is neither a list of examples nor a mapping with an examples: list");
    public static readonly DiagnosticDescriptor DuplicateKey = new("FT1008", Error, "Syntax", "A key appears twice in one mapping");
    public static readonly DiagnosticDescriptor CommaInFlowMapping = new("FT1009", Warning, "Syntax", "An unquoted comma inside {...} split a YAML value");
    public static readonly DiagnosticDescriptor NestingTooDeep = new("FT1010", Error, "Syntax", "Lists and mappings nested deeper than FineTuneMaxNestingDepth");
    public static readonly DiagnosticDescriptor TooManyAliases = new("FT1011", Error, "Syntax", "An example uses more YAML aliases than FineTuneMaxAliases");
    public static readonly DiagnosticDescriptor TooManyKeys = new("FT1012", Error, "Syntax", "A mapping or object with more keys than FineTuneMaxKeysPerObject");
    public static readonly DiagnosticDescriptor TooManyMessages = new("FT1013", Error, "Syntax", "A chat example with more messages than FineTuneMaxMessagesPerExample");
    public static readonly DiagnosticDescriptor ValueTooLarge = new("FT1014", Error, "Syntax", "A scalar or cell longer than FineTuneMaxValueBytes");
    public static readonly DiagnosticDescriptor LineTooLong = new("FT1015", Error, "Syntax", "A JSONL line or CSV/TSV row longer than FineTuneMaxLineBytes");
    public static readonly DiagnosticDescriptor ExampleTooLarge = new("FT1016", Error, "Syntax", "An example (YAML aliases expanded) larger than FineTuneMaxExampleBytes");
    public static readonly DiagnosticDescriptor TooManyExamplesInFile = new("FT1017", Error, "Syntax", "A source file with more examples than FineTuneMaxExamplesPerFile");

    // FT2xxx: the example schema.
    public static readonly DiagnosticDescriptor UnknownKey = new("FT2001", Error, "Schema", "A key the target format does not have");
    public static readonly DiagnosticDescriptor MissingField = new("FT2002", Error, "Schema", "A required field is missing");
    public static readonly DiagnosticDescriptor WrongType = new("FT2003", Error, "Schema", "A field has the wrong type");
    public static readonly DiagnosticDescriptor WrongFormat = new("FT2004", Error, "Schema", "An example of another format than the project's");
    public static readonly DiagnosticDescriptor EmptyValue = new("FT2005", Error, "Schema", "An empty prompt, completion or message content");
    public static readonly DiagnosticDescriptor UnknownPlaceholder = new("FT2006", Error, "Schema", "A template placeholder names no column of the CSV/TSV file");
    public static readonly DiagnosticDescriptor EmptyCell = new("FT2007", Error, "Schema", "A cell that a template uses is empty");
    public static readonly DiagnosticDescriptor InvalidSplit = new("FT2008", Error, "Schema", "A split: value other than train or validation");
    public static readonly DiagnosticDescriptor NotAnExample = new("FT2009", Error, "Schema", "A record with none of the fields of any fine-tuning format");
    public static readonly DiagnosticDescriptor MissingTemplate = new("FT2010", Error, "Schema", "A CSV/TSV file has neither prompt/completion columns nor templates");

    // FT3xxx: the seed's formatting rules (completion format).
    public static readonly DiagnosticDescriptor MissingSeparator = new("FT3001", Error, "Formatting", "A prompt does not end with the separator");
    public static readonly DiagnosticDescriptor MissingLeadingSpace = new("FT3002", Error, "Formatting", "A completion does not start with a whitespace");
    public static readonly DiagnosticDescriptor MissingStopSequence = new("FT3003", Error, "Formatting", "A completion does not end with the stop sequence");
    public static readonly DiagnosticDescriptor SeparatorInPrompt = new("FT3004", Error, "Formatting", "The separator occurs inside a prompt");
    public static readonly DiagnosticDescriptor StopSequenceInCompletion = new("FT3005", Error, "Formatting", "The stop sequence occurs inside a completion");
    public static readonly DiagnosticDescriptor FormattingApplied = new("FT3006", Info, "Formatting", "Append mode added a missing separator, leading space or stop sequence");

    // FT4xxx: the model and the task.
    public static readonly DiagnosticDescriptor UnknownModel = new("FT4001", Warning, "Model", "The base model is not in the model catalog");
    public static readonly DiagnosticDescriptor FormatNotSupported = new("FT4002", Error, "Model", "The base model does not train on this format or method");
    public static readonly DiagnosticDescriptor ModelRetired = new("FT4003", Error, "Model", "The base model is retired");
    public static readonly DiagnosticDescriptor ModelDeprecated = new("FT4004", Warning, "Model", "The base model has an announced shutdown date");
    public static readonly DiagnosticDescriptor NewJobsEnd = new("FT4005", Warning, "Model", "New fine-tuning jobs for the model have ended on the provider");
    public static readonly DiagnosticDescriptor InvalidModelCatalog = new("FT4006", Error, "Model", "The project's model catalog file (FineTuneModelCatalog) is invalid");
    public static readonly DiagnosticDescriptor TooManyTokens = new("FT4010", Error, "Model", "An example exceeds the model's per-example token limit");
    public static readonly DiagnosticDescriptor LabelNotSingleToken = new("FT4020", Warning, "Classification", "A classification label is more than one token after its leading space");
    public static readonly DiagnosticDescriptor FewExamplesPerClass = new("FT4021", Warning, "Classification", "A class has fewer than 100 examples");
    public static readonly DiagnosticDescriptor ConflictingLabels = new("FT4022", Error, "Classification", "The same prompt has two different labels");
    public static readonly DiagnosticDescriptor FewGenerationExamples = new("FT4030", Warning, "Task", "Conditional generation with fewer than 500 examples");
    public static readonly DiagnosticDescriptor TooFewTrainingExamples = new("FT4031", Error, "Task", "Fewer training examples than the API's minimum (10)");

    // FT5xxx: the structure of chat and preference examples.
    public static readonly DiagnosticDescriptor UnknownRole = new("FT5001", Error, "Structure", "A message role other than system, developer, user, assistant, tool or function");
    public static readonly DiagnosticDescriptor NoAssistantMessage = new("FT5002", Error, "Structure", "An example without an assistant message to learn from");
    public static readonly DiagnosticDescriptor InvalidWeight = new("FT5003", Error, "Structure", "weight other than 0 or 1, or on a message that is not the assistant's");
    public static readonly DiagnosticDescriptor SystemNotFirst = new("FT5004", Error, "Structure", "A system message that is not the first message");
    public static readonly DiagnosticDescriptor InvalidToolCall = new("FT5005", Error, "Structure", "A malformed tool call or function call");
    public static readonly DiagnosticDescriptor InvalidTool = new("FT5006", Error, "Structure", "A malformed tool or function definition");
    public static readonly DiagnosticDescriptor InvalidPreferenceOutput = new("FT5007", Error, "Structure", "A preference output that is not exactly one assistant message");
    public static readonly DiagnosticDescriptor NoUserMessage = new("FT5008", Warning, "Structure", "A conversation without a user message");
    public static readonly DiagnosticDescriptor ToolResultWithoutCall = new("FT5009", Error, "Structure", "A tool message that answers no earlier tool call");
    public static readonly DiagnosticDescriptor UnknownFunction = new("FT5010", Warning, "Structure", "A tool call to a function the example's tools do not define");
    public static readonly DiagnosticDescriptor InvalidContentPart = new("FT5011", Error, "Structure", "A content part that is not a text or image_url part, or lacks its text or image_url");
    public static readonly DiagnosticDescriptor ImageOutsideUserMessage = new("FT5012", Error, "Structure", "An image in a message that is not the user's");
    public static readonly DiagnosticDescriptor TooManyImages = new("FT5013", Error, "Structure", "More than 10 images in one example");
    public static readonly DiagnosticDescriptor InvalidImageUrl = new("FT5014", Error, "Structure", "An image URL that is neither http(s) nor a base64 data URL of a JPEG, PNG or WEBP image");
    public static readonly DiagnosticDescriptor ImageTooLarge = new("FT5015", Error, "Structure", "An image larger than 10 MB");
    public static readonly DiagnosticDescriptor InvalidImageDetail = new("FT5016", Error, "Structure", "An image detail other than low, high or auto");
    public static readonly DiagnosticDescriptor TooManyImageExamples = new("FT5017", Error, "Structure", "More than 50,000 examples with images in one training file");

    // FT6xxx: the dataset as a whole and its content.
    public static readonly DiagnosticDescriptor DuplicateExample = new("FT6001", Warning, "Dataset", "An exact duplicate of an earlier example");
    public static readonly DiagnosticDescriptor SplitLeakage = new("FT6002", Error, "Dataset", "The same prompt is in both the train and the validation file");
    public static readonly DiagnosticDescriptor ReservedToken = new("FT6003", Error, "Dataset", "A reserved special token (such as <|endoftext|>) in the text");
    public static readonly DiagnosticDescriptor SecretInExample = new("FT6004", Error, "Dataset", "A secret (API key, access token, private key) in an example");

    /// <summary>Every code of the compiler and the model catalog (the fields above). Training's FT7xxx codes live in
    /// the training assembly (TrainingDiagnostics); a <see cref="DiagnosticRegistry"/> joins both.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = DiagnosticRegistry.FieldsOf(typeof(DiagnosticCodes));

    private static readonly DiagnosticRegistry Registry = new(All);

    public static DiagnosticDescriptor? Find(string code) => Registry.Find(code);
}
