namespace FineTune.Build;
internal static class Placeholder { }
