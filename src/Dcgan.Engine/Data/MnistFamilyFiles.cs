namespace Dcgan.Engine.Data;

/// <summary>
/// Paths of the four IDX files of an MNIST-format data set, such as MNIST or Fashion-MNIST, found in one directory.
/// </summary>
/// <param name="Directory">Directory that contains the four files.</param>
/// <param name="TrainImages">Training images, <c>train-images-idx3-ubyte</c> with or without <c>.gz</c>.</param>
/// <param name="TrainLabels">Training labels, <c>train-labels-idx1-ubyte</c> with or without <c>.gz</c>.</param>
/// <param name="TestImages">Test images, <c>t10k-images-idx3-ubyte</c> with or without <c>.gz</c>.</param>
/// <param name="TestLabels">Test labels, <c>t10k-labels-idx1-ubyte</c> with or without <c>.gz</c>.</param>
public sealed record MnistFamilyFiles(
    string Directory,
    string TrainImages,
    string TrainLabels,
    string TestImages,
    string TestLabels);
