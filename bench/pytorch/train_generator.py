"""Train the reference DCGAN for a number of steps and save the generator's state dict.

Writes OUTPUT.pth (torch.save of generator.state_dict()), OUTPUT.safetensors and OUTPUT.json (steps
trained, seconds, threads), and with
--reference-count K also OUTPUT.reference.json: K noise vectors and the images that the generator
makes from them in eval mode, so another implementation can check its output against PyTorch's.

Example, a 32x32 Fashion-MNIST generator in about two minutes on two cores:
    /usr/bin/python3 bench/pytorch/train_generator.py --steps 300 --output runs/pytorch/fashion
"""

import argparse
import collections
import json
import os
import sys
import time

# Debian's PyTorch 1.13 calls OpenBLAS from each of its own threads, and OpenBLAS would start a thread per core
# inside each of them (README.md gives the cost). OpenBLAS reads this variable when torch loads it, so it has to
# be set before the import.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import dcgan_reference  # noqa: E402
from argument_types import integer_at_least  # noqa: E402
import safetensors_file  # noqa: E402

REFERENCE_NOISE_SEED_OFFSET = 3


def non_negative_seconds(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"{text} is out of range: use 0 (train for --steps) or more seconds")
    return value


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", required=True,
                        help="path prefix of the files to write, such as runs/pytorch/fashion")
    parser.add_argument("--steps", type=integer_at_least(0), default=300, help="training steps (default 300)")
    parser.add_argument("--seconds", type=non_negative_seconds, default=0,
                        help="train until this wall-clock budget is spent instead of for --steps. "
                             "The step that is running when the budget ends is completed")
    parser.add_argument("--data", choices=("fashion-mnist", "random"), default="fashion-mnist",
                        help="training images: Fashion-MNIST from --data-dir, or uniform noise images")
    parser.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist",
                        help="folder with train-images-idx3-ubyte.gz")
    parser.add_argument("--random-images", type=integer_at_least(1), default=256,
                        help="number of noise images for --data random (default 256)")
    parser.add_argument("--image-size", type=int, choices=dcgan_reference.SUPPORTED_IMAGE_SIZES, default=32,
                        help="16, 32, 64 or 128 (default 32)")
    parser.add_argument("--channels", type=int, choices=(1, 3), default=1, help="1 or 3 (default 1)")
    parser.add_argument("--latent-size", type=integer_at_least(1), default=100, help="length of z (default 100)")
    parser.add_argument("--generator-features", type=integer_at_least(1), default=64, help="default 64")
    parser.add_argument("--discriminator-features", type=integer_at_least(1), default=64, help="default 64")
    parser.add_argument("--batch-size", type=integer_at_least(1), default=64, help="default 64")
    parser.add_argument("--init-std", type=float, default=0.02,
                        help="standard deviation of the initial weights (default 0.02)")
    parser.add_argument("--seed", type=int, default=1, help="seed of weights, data order and noise")
    parser.add_argument("--threads", type=integer_at_least(0), default=0,
                        help="torch intra-op threads; 0 keeps torch's default")
    parser.add_argument("--reference-count", type=integer_at_least(0), default=0,
                        help="noise vectors and eval-mode images to save as OUTPUT.reference.json")
    parser.add_argument("--write-views", action="store_true",
                        help="also write OUTPUT.views.pth, whose float tensors are strided views at "
                             "nonzero offsets of one shared storage, to test readers of torch.save files")
    parser.add_argument("--log-every", type=integer_at_least(1), default=50, help="steps between loss lines")
    return parser.parse_args()


def load_images(arguments):
    if arguments.data == "random":
        generator = torch.Generator().manual_seed(arguments.seed)
        shape = (arguments.random_images, arguments.channels, arguments.image_size, arguments.image_size)
        return torch.rand(shape, generator=generator) * 2 - 1
    path = os.path.join(arguments.data_dir, "train-images-idx3-ubyte.gz")
    if not os.path.isfile(path):
        sys.exit(f"error: {path} not found: set --data-dir to a folder with the Fashion-MNIST IDX files, "
                 "or use --data random")
    raw = dcgan_reference.read_idx_images(path)
    return dcgan_reference.to_training_images(raw, arguments.image_size, arguments.channels)


def strided_views(state):
    """Return a state dict with the same values in which every float tensor views one shared storage
    at a nonzero offset. Tensors of two or more dimensions store their first two dimensions
    transposed, so their strides are not row-major."""
    floats = [tensor for tensor in state.values() if tensor.dtype == torch.float32]
    offset = 3
    storage = torch.zeros(offset + sum(tensor.numel() for tensor in floats))
    views = collections.OrderedDict()
    for key, tensor in state.items():
        if tensor.dtype != torch.float32:
            views[key] = tensor
            continue
        count = tensor.numel()
        stored = tensor.transpose(0, 1).contiguous() if tensor.dim() >= 2 else tensor
        storage[offset:offset + count] = stored.flatten()
        view = storage[offset:offset + count].view(stored.shape)
        views[key] = view.transpose(0, 1) if tensor.dim() >= 2 else view
        offset += count
    return views


def shortest_floats(tensor):
    """Return the values as Python floats whose repr is the shortest text that still parses back to
    the same float32, which keeps the JSON about half as long as float64 text."""
    return [float(str(value)) for value in tensor.flatten().numpy()]


def write_reference(session, arguments):
    generator = torch.Generator().manual_seed(arguments.seed + REFERENCE_NOISE_SEED_OFFSET)
    noise = torch.randn(arguments.reference_count, arguments.latent_size, 1, 1, generator=generator)
    images = session.sample(noise)
    reference = {
        "torch_version": torch.__version__,
        "noise": {"shape": list(noise.shape), "values": shortest_floats(noise)},
        "images": {"shape": list(images.shape), "values": shortest_floats(images)},
    }
    with open(arguments.output + ".reference.json", "w", encoding="utf-8") as file:
        json.dump(reference, file, separators=(",", ":"))
        file.write("\n")


def within_budget(arguments, step, elapsed):
    if arguments.seconds > 0:
        return elapsed < arguments.seconds
    return step < arguments.steps


def main():
    arguments = parse_arguments()
    if arguments.threads > 0:
        torch.set_num_threads(arguments.threads)
    images = load_images(arguments)
    if images.shape[0] < arguments.batch_size:
        sys.exit(f"error: {images.shape[0]} images are fewer than one batch of {arguments.batch_size}")

    session = dcgan_reference.TrainingSession(
        image_size=arguments.image_size,
        channels=arguments.channels,
        latent_size=arguments.latent_size,
        generator_features=arguments.generator_features,
        discriminator_features=arguments.discriminator_features,
        batch_size=arguments.batch_size,
        init_std=arguments.init_std,
        seed=arguments.seed)

    started = time.perf_counter()
    step = 0
    while within_budget(arguments, step, time.perf_counter() - started):
        batch = images[session.batch_indices(step, images.shape[0])]
        losses = session.train_step(batch)
        step += 1
        if step % arguments.log_every == 0:
            elapsed = time.perf_counter() - started
            print(f"step {step}: D loss {losses[0]:.4f}, G loss {losses[1]:.4f}, "
                  f"D(x) {losses[2]:.3f}, D(G(z)) {losses[3]:.3f}, {elapsed:.1f} s", flush=True)
    elapsed = time.perf_counter() - started

    directory = os.path.dirname(os.path.abspath(arguments.output))
    os.makedirs(directory, exist_ok=True)
    state = session.generator.state_dict()
    torch.save(state, arguments.output + ".pth")
    safetensors_file.save_file(
        dict(state), arguments.output + ".safetensors", metadata={"torch_version": torch.__version__})
    if arguments.reference_count > 0:
        write_reference(session, arguments)
    if arguments.write_views:
        torch.save(strided_views(state), arguments.output + ".views.pth")
    with open(arguments.output + ".json", "w", encoding="utf-8") as file:
        json.dump({"steps": step, "seconds": elapsed, "batch_size": arguments.batch_size,
                   "threads": torch.get_num_threads(), "torch_version": torch.__version__}, file)
        file.write("\n")
    print(f"wrote {arguments.output}.pth and {arguments.output}.safetensors after {step} steps "
          f"in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
