"""Turn the results of bench/compare.sh into the Markdown tables of docs/benchmarks.md.

    /usr/bin/python3 bench/summarize.py OUTPUT-FOLDER > summary.md
    /usr/bin/python3 bench/summarize.py --parse-evaluation IMPL EVALUATE-OUTPUT.txt

The second form reads the text that 'dcgan evaluate' prints and writes one JSON line per score.
"""

import json
import os
import re
import sys

SHAPES = ("32x32x1", "64x64x3")
MIB = 1024 * 1024


def parse_evaluation(implementation, path):
    label = None
    score = {}
    for line in open(path, encoding="utf-8"):
        header = re.match(r"^(\S.*): ([\d,]+) images against ([\d,]+) Fashion-MNIST test images", line)
        if header:
            label = header.group(1)
            score = {"images": int(header.group(2).replace(",", ""))}
            continue
        value = re.match(r"^\s+(Fréchet distance|Precision|Recall)[^:]*: ([\d.]+)", line)
        if value and label is not None:
            key = {"Fréchet distance": "frechet_distance", "Precision": "precision", "Recall": "recall"}
            score[key[value.group(1)]] = float(value.group(2))
            if len(score) == 4:
                reference = {"Floor, real training images": "floor", "Ceiling, untrained generator": "ceiling"}
                print(json.dumps({"kind": "score", "impl": reference.get(label, implementation), **score}))
                label = None


def load(folder):
    for name in ("results.jsonl", "machine.json"):
        if not os.path.isfile(os.path.join(folder, name)):
            sys.exit(f"error: {os.path.join(folder, name)} not found: pass the OUTPUT-FOLDER of bench/compare.sh")
    results = [json.loads(line) for line in open(f"{folder}/results.jsonl", encoding="utf-8") if line.strip()]
    machine = json.load(open(f"{folder}/machine.json", encoding="utf-8"))
    return results, machine


def find(results, **keys):
    matches = [result for result in results if all(result.get(k) == v for k, v in keys.items())]
    return matches[0] if matches else None


def mib(result):
    return f"{result['peak_rss_bytes'] / MIB:,.0f}" if result and result.get("peak_rss_bytes") else "-"


def rate(result):
    return f"{result['images_per_second']:,.1f}" if result else "-"


def ratio(numerator, denominator):
    if not numerator or not denominator:
        return "-"
    return f"{numerator['images_per_second'] / denominator['images_per_second']:.2f}"


def summarize(folder):
    results, machine = load(folder)
    peak = find(results, kind="peak", impl=None) or find(results, kind="peak")
    if peak is None:
        # compare.sh measures the peak first, so a run without it stopped before it measured anything.
        sys.exit(f"error: {folder}/results.jsonl has no peak measurement: the run stopped early, so run "
                 "bench/compare.sh again")
    python_peak = find(results, kind="peak", impl="pytorch")
    loops = [result for result in results if result["kind"] == "loop"]
    steps = {len(result["step_seconds"]) for result in loops}
    threads = {result["threads"] for result in loops}
    batches = sorted({(result["mode"], result["batch"]) for result in loops})

    print(f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_bytes'] / 2**30:.0f} GiB, "
          f"Debian {machine['os']}, kernel {machine['kernel']}, .NET SDK {machine['dotnet_sdk']}, "
          f"PyTorch {machine['torch_python']}.")
    print(f"Threads: {', '.join(map(str, sorted(threads)))}; measured steps per case: "
          f"{', '.join(map(str, sorted(steps)))}; batch: "
          + ", ".join(f"{batch} ({mode})" for mode, batch in batches) + ".")
    print()
    print(f"fp32 peak, best of {len(peak['seconds'])} {peak['size']}² matrix products: "
          f"{peak['gflop_per_second']:.1f} GFLOP/s "
          "through libtorch (TorchSharp)"
          + (f", {python_peak['gflop_per_second']:.1f} GFLOP/s through PyTorch 1.13 on OpenBLAS"
             if python_peak else "") + ".")
    print()
    print("| case | PyTorch | bare loop | engine | bare / PyTorch | engine / PyTorch | engine / bare "
          "| bare, % of peak | engine, % of peak | peak RSS MiB (PyTorch / bare / engine) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for mode in ("train", "sample"):
        for shape in SHAPES:
            torch_result = find(results, kind="loop", impl="pytorch", mode=mode, shape=shape)
            bare = find(results, kind="loop", impl="bare", mode=mode, shape=shape)
            engine = find(results, kind="loop", impl="engine", mode=mode, shape=shape)
            if not (bare and engine):
                continue
            name = "training" if mode == "train" else "sampling"
            percent = lambda result: (f"{result['gflop_per_second']:.1f} GFLOP/s, "
                                      f"{100 * result['gflop_per_second'] / peak['gflop_per_second']:.0f}%")
            print(f"| {name} {shape.replace('x', '×')} | {rate(torch_result)} | {rate(bare)} | {rate(engine)} "
                  f"| {ratio(bare, torch_result)} | {ratio(engine, torch_result)} | {ratio(engine, bare)} "
                  f"| {percent(bare)} | {percent(engine)} "
                  f"| {mib(torch_result)} / {mib(bare)} / {mib(engine)} |")
    print()
    print("Images per second; ratios above 1 mean the first is faster. FLOP per image: "
          + ", ".join(f"{result['gflop_per_image']:.3f} GFLOP ({result['mode']} {result['shape']})"
                      for result in loops if result["impl"] == "bare") + ".")

    jobs = [result for result in results if result["kind"] == "generation-job"]
    if jobs:
        print()
        print("| generation job | images | seconds | job images/s | bare sampling images/s | job / bare |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for job in jobs:
            bare = find(results, kind="loop", impl="bare", mode="sample", shape=job["shape"])
            print(f"| {job['shape'].replace('x', '×')} | {job['images']:,} | {job['seconds']:.1f} "
                  f"| {job['images_per_second']:,.1f} | {rate(bare)} | {ratio(job, bare)} |")

    trained = [result for result in results if result["kind"] == "train-for"]
    scores = {result["impl"]: result for result in results if result["kind"] == "score"}
    if trained:
        print()
        print("| trained for the same budget | seconds | steps | images seen | Fréchet distance | precision | recall |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for run in trained:
            score = scores.get(run["impl"], {})
            name = "engine, default configuration" if run["impl"] == "engine" else "PyTorch reference"
            print(f"| {name} | {run['seconds']:.0f} | {run['steps']:,} | {run['steps'] * run.get('batch', run.get('batch_size', 64)):,} "
                  f"| {score.get('frechet_distance', float('nan')):.3f} | {score.get('precision', float('nan')):.4f} "
                  f"| {score.get('recall', float('nan')):.4f} |")
        for name in ("floor", "ceiling"):
            if name in scores:
                score = scores[name]
                label = "real training images (floor)" if name == "floor" else "untrained generator (ceiling)"
                print(f"| {label} | | | | {score['frechet_distance']:.3f} | {score['precision']:.4f} "
                      f"| {score['recall']:.4f} |")


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--parse-evaluation":
        parse_evaluation(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 2 and not sys.argv[1].startswith("-"):
        summarize(sys.argv[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
