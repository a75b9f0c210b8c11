namespace FineTune.Build.Models;

/// <summary>A problem in a catalog file, located so that MSBuild can report <c>file(line,col): error</c>. Line and column are 1-based.</summary>
public sealed record CatalogDiagnostic(string File, int Line, int Column, string Message)
{
    public override string ToString() => $"{File}({Line},{Column}): {Message}";
}

/// <summary>The outcome of <see cref="ModelCatalog.Load"/>: a usable catalog (the built-in one when the override is invalid) and the problems found.</summary>
public sealed record CatalogLoadResult(ModelCatalog Catalog, IReadOnlyList<CatalogDiagnostic> Errors)
{
    public bool Success => Errors.Count == 0;
}
