using Dcgan.Engine.Training;

namespace Dcgan.Engine.Tests.Training;

/// <summary>
/// Progress handler that runs on the training thread, unlike <see cref="Progress{T}"/>, which posts to the thread pool.
/// </summary>
internal sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => report(value);
}
