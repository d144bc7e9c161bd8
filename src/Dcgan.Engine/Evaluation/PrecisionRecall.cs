namespace Dcgan.Engine.Evaluation;

/// <summary>Precision and recall of a generated set against a real set, each a fraction from 0 to 1.</summary>
/// <param name="Precision">Fraction of generated samples inside the k-NN manifold of the real samples.</param>
/// <param name="Recall">Fraction of real samples inside the k-NN manifold of the generated samples.</param>
public sealed record PrecisionRecall(double Precision, double Recall);
