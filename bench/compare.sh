#!/usr/bin/env bash
# Side-by-side benchmark on this machine, in one run: the PyTorch reference (bench/pytorch), a bare TorchSharp
# loop and the engine. It times training and sampling at 32x32x1 and 64x64x3 with the same batch, threads,
# warm-up and steps. It also measures the fp32 matmul peak and times generation jobs end to end. Last, it trains
# the engine's defaults and the reference for the same wall-clock budget and scores both with 'dcgan evaluate'.
#
#   bench/compare.sh [OUTPUT-FOLDER]
#
# A relative OUTPUT-FOLDER is relative to the repository root, and it must not contain the results of an earlier
# run, because 'dcgan generate' would print the stored generation jobs again instead of timing new ones.
# Settings (environment): STEPS (measured steps, default 20), WARMUP (default 3), BUDGET_SECONDS (training
# budget of the quality comparison, default 600, or 0 to skip it), GENERATE_COUNT_32 and GENERATE_COUNT_64 (images of
# the end-to-end generation jobs, defaults 50000 and 10000).
# Needs: infra/setup.sh done, and `apt-get install -y python3-torch libopenblas0-pthread`.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
output=${1:-runs/bench/$(date -u +%Y%m%dT%H%M%SZ)}
steps=${STEPS:-20}
warmup=${WARMUP:-3}
budget=${BUDGET_SECONDS:-600}
generate_32=${GENERATE_COUNT_32:-50000}
generate_64=${GENERATE_COUNT_64:-10000}
threads=$(nproc)
python=/usr/bin/python3

# Bad settings are rejected here, because otherwise they fail or are skipped only after minutes of measuring.
require_integer() { # NAME VALUE MINIMUM
    if ! [[ $2 =~ ^[0-9]+$ ]] || [ "$2" -lt "$3" ]; then
        echo "error: $1 '$2' is invalid: use an integer of $3 or more" >&2
        exit 1
    fi
}
require_integer STEPS "$steps" 1
require_integer WARMUP "$warmup" 0
require_integer BUDGET_SECONDS "$budget" 0
require_integer GENERATE_COUNT_32 "$generate_32" 1
require_integer GENERATE_COUNT_64 "$generate_64" 1

if [ -e "$output/results.jsonl" ]; then
    echo "error: $(realpath -m -- "$output") already contains the results of a run:" \
        "choose another OUTPUT-FOLDER or remove it" >&2
    exit 1
fi

# PyTorch 1.13 from Debian calls OpenBLAS from each of its own threads, so one OpenBLAS thread per call keeps the
# two from oversubscribing the cores. Torch itself gets one thread per core (time_loop.py's default).
export OPENBLAS_NUM_THREADS=1

if ! "$python" -c 'import torch' 2>/dev/null; then
    echo "error: $python cannot import torch: run 'apt-get install -y python3-torch libopenblas0-pthread'" >&2
    exit 1
fi

mkdir -p "$output"
results="$output/results.jsonl"
: > "$results"

dotnet build -c Release --nologo -v quiet bench/Dcgan.Benchmarks/Dcgan.Benchmarks.csproj
dotnet build -c Release --nologo -v quiet src/Dcgan.Cli/Dcgan.Cli.csproj
bench=bench/Dcgan.Benchmarks/bin/Release/net10.0/Dcgan.Benchmarks
dcgan=src/Dcgan.Cli/bin/Release/net10.0/dcgan

"$python" - "$output/machine.json" "$threads" <<'PYTHON'
import json, os, platform, subprocess, sys, torch
processor = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "")
memory_bytes = next(int(line.split()[1]) * 1024 for line in open("/proc/meminfo") if line.startswith("MemTotal"))
sdk = subprocess.run(["dotnet", "--version"], capture_output=True, text=True).stdout.strip()
json.dump({"cpu": processor, "cores": int(sys.argv[2]), "memory_bytes": memory_bytes, "kernel": platform.release(),
           "dotnet_sdk": sdk, "torch_python": torch.__version__,
           "os": open("/etc/debian_version").read().strip()}, open(sys.argv[1], "w"))
PYTHON

step() { echo "== $*" >&2; }

step "fp32 matmul peak"
"$bench" time peak --size 4096 --warmup 2 --steps 8 >> "$results"
"$python" bench/pytorch/time_loop.py peak --size 4096 --warmup 2 --steps 8 >> "$results"

for shape in 32x32x1 64x64x3; do
    for mode in train sample; do
        batch=64
        [ "$mode" = sample ] && batch=256
        common=(--mode "$mode" --shape "$shape" --batch "$batch" --warmup "$warmup" --steps "$steps")
        step "$mode $shape: PyTorch"
        "$python" bench/pytorch/time_loop.py loop "${common[@]}" >> "$results"
        for implementation in bare engine; do
            step "$mode $shape: $implementation"
            "$bench" time loop --impl "$implementation" "${common[@]}" >> "$results"
        done
    done
done

for shape in 32x32x1 64x64x3; do
    count=$generate_32
    [ "$shape" = 64x64x3 ] && count=$generate_64
    step "generation job $shape, $count images"
    "$bench" time write-generator --shape "$shape" --output "$output/generators/$shape.ckpt"
    "$dcgan" generate --checkpoint "$output/generators/$shape.ckpt" --count "$count" --device cpu \
        --job-id "generate-$shape" --output "$output/generation" > "$output/generation-$shape.log"
    "$python" - "$output/generation/jobs/generate-$shape/manifest.json" "$shape" >> "$results" <<'PYTHON'
import json, sys
manifest = json.load(open(sys.argv[1]))
print(json.dumps({"kind": "generation-job", "shape": sys.argv[2], "images": manifest["imageCount"],
                  "seconds": manifest["durationSeconds"], "images_per_second": manifest["imagesPerSecond"]}))
PYTHON
    rm -rf "$output/generation/jobs/generate-$shape/images"
done

if [ "$budget" -gt 0 ]; then
    quality="$output/quality"
    step "quality: engine defaults for $budget s"
    "$bench" time train-for --seconds "$budget" --output "$quality/engine" > "$quality-engine.json"
    engine_checkpoint=$("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["checkpoint"])' "$quality-engine.json")
    cat "$quality-engine.json" >> "$results"

    step "quality: PyTorch reference for $budget s"
    "$python" bench/pytorch/train_generator.py --seconds "$budget" --threads "$threads" --log-every 200 \
        --output "$quality/pytorch/generator" > "$quality-pytorch.log"
    "$python" - "$quality/pytorch/generator.json" >> "$results" <<'PYTHON'
import json, sys
summary = json.load(open(sys.argv[1]))
summary.update({"kind": "train-for", "impl": "pytorch", "checkpoint": sys.argv[1][:-len(".json")] + ".pth"})
print(json.dumps(summary))
PYTHON

    for implementation in engine pytorch; do
        checkpoint=$engine_checkpoint
        [ "$implementation" = pytorch ] && checkpoint="$quality/pytorch/generator.pth"
        step "quality: scoring $implementation"
        "$dcgan" generate --checkpoint "$checkpoint" --count 10000 --seed 7 --device cpu \
            --job-id "score-$implementation" --output "$quality/scored" > "$quality/generate-$implementation.log"
        # The reference points (real training images, untrained generator) are scored once, beside the engine.
        references=()
        [ "$implementation" = engine ] && references=(--references)
        "$dcgan" evaluate --images "$quality/scored/jobs/score-$implementation/images" "${references[@]}" \
            > "$quality/evaluate-$implementation.txt"
        "$python" bench/summarize.py --parse-evaluation "$implementation" "$quality/evaluate-$implementation.txt" \
            >> "$results"
    done
fi

"$python" bench/summarize.py "$output" > "$output/summary.md"
cat "$output/summary.md"
