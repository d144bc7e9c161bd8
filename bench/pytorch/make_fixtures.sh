#!/usr/bin/env bash
# Regenerate the PyTorch-written generator fixtures that tests/Dcgan.Engine.Tests loads: tiny generators
# trained for 5 steps on uniform noise images, saved by torch.save and as safetensors, with PyTorch's
# eval-mode images for fixed noise beside them. The weights start from N(0, 0.2), wider than DCGAN's 0.02,
# so the reference images span most of the Tanh range and a wrong weight shows.
#
# Usage: bench/pytorch/make_fixtures.sh   (needs Debian's python3-torch; uses /usr/bin/python3, because a
# python3 earlier on PATH may lack torch)
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/../.." && pwd)
fixtures="$repo_root/tests/Dcgan.Engine.Tests/Checkpoints/PyTorchFixtures"
mkdir -p "$fixtures"

train() {
    /usr/bin/python3 "$repo_root/bench/pytorch/train_generator.py" \
        --data random --random-images 32 --steps 5 --batch-size 8 --init-std 0.2 --threads 1 "$@"
}

train --image-size 16 --channels 1 --latent-size 8 --generator-features 4 --discriminator-features 4 \
    --seed 7 --reference-count 3 --write-views --output "$fixtures/generator-16x16x1"
train --image-size 32 --channels 3 --latent-size 5 --generator-features 2 --discriminator-features 2 \
    --seed 11 --reference-count 1 --output "$fixtures/generator-32x32x3"
