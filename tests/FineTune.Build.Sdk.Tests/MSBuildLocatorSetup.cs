using Microsoft.Build.Locator;

namespace FineTune.Build.Sdk.Tests;

/// <summary>Registers the running .NET SDK's MSBuild once, before any test touches Microsoft.Build types.</summary>
[TestClass]
public static class MSBuildLocatorSetup
{
    [AssemblyInitialize]
    public static void Initialize(TestContext context)
    {
        _ = context;
        if (!MSBuildLocator.IsRegistered)
        {
            MSBuildLocator.RegisterDefaults();
        }
    }
}
