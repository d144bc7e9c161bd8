namespace Dcgan.Contracts;

/// <summary>Kind of work a job does.</summary>
public enum JobKind
{
    /// <summary>A <see cref="TrainModel"/> job.</summary>
    Training = 0,

    /// <summary>A <see cref="GenerateImages"/> job.</summary>
    Generation = 1,
}
