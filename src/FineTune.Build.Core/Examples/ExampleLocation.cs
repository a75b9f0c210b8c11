namespace FineTune.Build.Examples;

/// <summary>Where an example starts in its source (1-based line and column), as messages name it.</summary>
public readonly record struct ExampleLocation(string File, int Line, int Column)
{
    public static ExampleLocation Of(Example example) => new(example.SourcePath, example.Line, example.Column);

    public override string ToString() => $"{Path.GetFileName(File)}({Line},{Column})";
}
