using FineTune.Build.Diagnostics;
using FineTune.Build.Sources;

namespace FineTune.Build.Compilation;

/// <summary>A record as read (or the end of a source), with what the reader reported before it.</summary>
internal readonly record struct SurveyEntry(IReadOnlyList<ReceivedDiagnostic> Diagnostics, SourceRecord? Record, bool EndOfSource);
