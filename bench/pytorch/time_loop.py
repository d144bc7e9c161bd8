"""Time the PyTorch reference for bench/compare.sh: one measurement per process, printed as one JSON line.

    /usr/bin/python3 bench/pytorch/time_loop.py loop --mode train --shape 32x32x1 --batch 64 --steps 20
    /usr/bin/python3 bench/pytorch/time_loop.py peak --size 4096

The loop measurements match the C# side (bench/Dcgan.Benchmarks, "time loop"): training steps of
dcgan_reference.TrainingSession on one random batch in [-1, 1], or no-grad eval-mode forward passes of
an initialised generator on random noise, timed step by step after unmeasured warm-up steps.
"""

import argparse
import json
import os
import resource
import sys
import time

# Debian's PyTorch 1.13 calls OpenBLAS from each of its own threads, and OpenBLAS would start a thread per core
# inside each of them. OpenBLAS reads this variable when torch loads it, so it has to be set before the import.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import dcgan_reference  # noqa: E402
from argument_types import integer_at_least  # noqa: E402


def parse_shape(text):
    """Parse SIZExSIZExCHANNELS into (size, channels), for sizes and channels that the networks support."""
    parts = text.split("x")
    if len(parts) != 3 or parts[0] != parts[1] or not all(part.isdigit() for part in parts):
        raise argparse.ArgumentTypeError(f"'{text}' is not valid: write SIZExSIZExCHANNELS, such as 32x32x1")
    image_size, channels = int(parts[0]), int(parts[2])
    try:
        dcgan_reference.upsampling_layers(image_size)
        dcgan_reference.check_channels(channels)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"'{text}': {error}") from None
    return image_size, channels


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("what", choices=("loop", "peak"))
    parser.add_argument("--mode", choices=("train", "sample"), default="train")
    parser.add_argument("--shape", type=parse_shape, default="32x32x1",
                        help="SIZExSIZExCHANNELS with size 16, 32, 64 or 128 and 1 or 3 channels (default 32x32x1)")
    parser.add_argument("--batch", type=integer_at_least(1), default=64, help="images per step (default 64)")
    parser.add_argument("--warmup", type=integer_at_least(0), default=3, help="unmeasured steps (default 3)")
    parser.add_argument("--steps", type=integer_at_least(1), default=20, help="measured steps (default 20)")
    parser.add_argument("--size", type=integer_at_least(1), default=4096, help="matrix side for peak (default 4096)")
    parser.add_argument("--threads", type=integer_at_least(0), default=0,
                        help="torch intra-op threads, or 0 for one per core")
    return parser.parse_args()


def peak_rss_bytes():
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def make_step(arguments):
    image_size, channels = arguments.shape
    session = dcgan_reference.TrainingSession(
        image_size=image_size, channels=channels, batch_size=arguments.batch, seed=1)
    if arguments.mode == "train":
        real = torch.rand(arguments.batch, channels, image_size, image_size) * 2 - 1
        return lambda: session.train_step(real)

    session.generator.eval()

    def sample():
        with torch.no_grad():
            session.generator(torch.randn(arguments.batch, session.latent_size, 1, 1))
    return sample


def time_loop(arguments):
    step = make_step(arguments)
    for _ in range(arguments.warmup):
        step()
    seconds = []
    for _ in range(arguments.steps):
        started = time.perf_counter()
        step()
        seconds.append(time.perf_counter() - started)
    ordered = sorted(seconds)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return {
        "kind": "loop",
        "impl": "pytorch",
        "mode": arguments.mode,
        "shape": "{0}x{0}x{1}".format(*arguments.shape),
        "batch": arguments.batch,
        "threads": torch.get_num_threads(),
        "images_per_second": arguments.batch * len(seconds) / sum(seconds),
        "median_step_seconds": median,
        "peak_rss_bytes": peak_rss_bytes(),
        "torch_version": torch.__version__,
        "step_seconds": seconds,
    }


def time_peak(arguments):
    generator = torch.Generator().manual_seed(1)
    left = torch.randn(arguments.size, arguments.size, generator=generator)
    right = torch.randn(arguments.size, arguments.size, generator=generator)
    seconds = []
    for index in range(arguments.warmup + arguments.steps):
        started = time.perf_counter()
        torch.mm(left, right)
        if index >= arguments.warmup:
            seconds.append(time.perf_counter() - started)
    return {
        "kind": "peak",
        "impl": "pytorch",
        "size": arguments.size,
        "threads": torch.get_num_threads(),
        "gflop_per_second": 2 * arguments.size ** 3 / min(seconds) / 1e9,
        "seconds": seconds,
    }


def main():
    arguments = parse_arguments()
    torch.set_num_threads(arguments.threads if arguments.threads > 0 else os.cpu_count())
    result = time_loop(arguments) if arguments.what == "loop" else time_peak(arguments)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
