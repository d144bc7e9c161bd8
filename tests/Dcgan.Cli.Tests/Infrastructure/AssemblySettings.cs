// Tests redirect Console.Out and Console.Error, which are process-wide, and the training tests share two cores, so
// they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
