namespace FineTune.Build.Examples;

/// <summary>
/// The keys an object of the target format may have, in output order. The binder reports any other key (never
/// dropping it silently), a missing required one and a wrong type, and writes known keys in this order.
/// </summary>
public sealed class Shape
{
    public Shape(string name, params Field[] fields)
    {
        Name = name;
        Fields = fields;
    }

    /// <summary>What the object is, for messages ("a message", "a tool call").</summary>
    public string Name { get; }

    /// <summary>An array, not an interface, so the binder's loops over it do not allocate enumerators.</summary>
    public Field[] Fields { get; }

    public Field? Find(string key)
    {
        foreach (var field in Fields)
        {
            if (field.Name == key)
            {
                return field;
            }
        }

        return null;
    }

    public string KeyList => string.Join(", ", Fields.Where(f => !f.SourceOnly).Select(f => f.Name));
}
