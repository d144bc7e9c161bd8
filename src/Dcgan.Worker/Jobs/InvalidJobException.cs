namespace Dcgan.Worker.Jobs;

/// <summary>
/// Exception for a command that cannot succeed as sent, found after the first validation, such as a data set
/// with fewer images than the batch size. The job fails without retry.
/// </summary>
internal sealed class InvalidJobException : Exception
{
    public InvalidJobException(string reason)
        : this(reason, [reason])
    {
    }

    public InvalidJobException(string reason, IReadOnlyList<string> errors, Exception? innerException = null)
        : base(reason, innerException)
    {
        Errors = errors;
    }

    /// <summary>Every problem found, each naming the field or value.</summary>
    public IReadOnlyList<string> Errors { get; }
}
