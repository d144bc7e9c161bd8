namespace Dcgan.Engine.Models;

/// <summary>A setting with an unsupported value: which property, its value and what is allowed.</summary>
/// <param name="Property">Property path in the configuration, such as "BatchSize" or "Model.ImageSize".</param>
/// <param name="Label">The setting in words, such as "Batch size".</param>
/// <param name="Value">The value as text, formatted with the invariant culture.</param>
/// <param name="Rule">The rest of the sentence, such as "is out of range: use 2 to 4096."</param>
public sealed record ConfigProblem(string Property, string Label, string Value, string Rule)
{
    /// <summary>The problem as one sentence, such as "Batch size 0 is out of range: use 2 to 4096."</summary>
    public string Message => $"{Label} {Value} {Rule}";
}
