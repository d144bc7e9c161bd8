using System.Collections.Immutable;

namespace Dcgan.Engine.Data;

/// <summary>
/// Fashion-MNIST: 28×28 grayscale images of clothing in 10 classes, 60,000 for training and 10,000 for testing,
/// stored as IDX files in the MNIST layout.
/// </summary>
public static class FashionMnist
{
    /// <summary>Class names indexed by label value 0 to 9, as published with the data set.</summary>
    public static ImmutableArray<string> ClassNames { get; } =
    [
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ];

    /// <summary>Finds the four Fashion-MNIST IDX files.</summary>
    /// <param name="dataDirectory">Directory chosen by the user, or null to search the default places.</param>
    /// <remarks>The search order is described at <see cref="MnistFamily.Locate(string, string?)"/>.</remarks>
    /// <exception cref="DatasetNotFoundException">No searched directory contains all four files.</exception>
    public static MnistFamilyFiles Locate(string? dataDirectory) =>
        MnistFamily.Locate(MnistFamily.FashionMnistName, dataDirectory);
}
