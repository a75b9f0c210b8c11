using FineTune.Build.Diagnostics;

namespace FineTune.Build.Training;

/// <summary>
/// Maps an example number named by the API ("Example 42: ...") in the compiled file of the given kind
/// ("train" or "validation") back to the source it was compiled from; null when unknown.
/// </summary>
public delegate Location? ExampleLocator(int exampleNumber, string fileKind);
