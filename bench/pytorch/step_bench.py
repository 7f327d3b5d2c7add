"""One training step of torchvision's EfficientNetV2-S in PyTorch eager on the CPU, timed by phase.

The PyTorch side of TrainerStepBench (bench/README.md, "Trainer step"): random tensors, AdamW,
cross entropy with label smoothing and, as the trainer's defaults have them, gradient clipping by
global norm and optionally an exponential moving average of the weights. Run it with Debian's
python3-torch and python3-torchvision (/usr/bin/python3), e.g.

    /usr/bin/python3 bench/pytorch/step_bench.py --steps 20 --threads 2

--json prints one JSON object as the last line, for the Java bench to read.
"""

import argparse
import json
import platform
import statistics
import sys
import time

try:
    import torch
    import torchvision
except ImportError as missing:
    sys.exit(
        f"{missing}: this script needs PyTorch and torchvision; on Debian or Ubuntu:"
        " apt-get install python3-torch python3-torchvision, then run it with /usr/bin/python3"
    )

PHASES = ("forward", "backward", "clipping", "optimizer", "weight_average")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--size", type=int, default=128, help="input side in pixels")
    parser.add_argument("--classes", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2, help="intra-op threads")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    parser.add_argument("--steps", type=int, default=20, help="timed steps")
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--weight-decay", type=float, default=0.05)
    parser.add_argument("--label-smoothing", type=float, default=0.1)
    parser.add_argument(
        "--clip-norm", type=float, default=1.0, help="global-norm gradient clipping; 0: none"
    )
    parser.add_argument(
        "--ema-decay", type=float, default=0.0, help="weight average's decay; 0: none"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="a JSON summary as the last line")
    parser.add_argument(
        "--profile", metavar="FILE", help="write torch.profiler's trace of the timed steps to FILE"
    )
    return parser.parse_args()


def optimizer_of(model, args):
    # as the trainer: no weight decay on biases and normalisation parameters (1-D tensors)
    decayed = [p for p in model.parameters() if p.ndim > 1]
    plain = [p for p in model.parameters() if p.ndim <= 1]
    return torch.optim.AdamW(
        [
            {"params": decayed, "weight_decay": args.weight_decay},
            {"params": plain, "weight_decay": 0.0},
        ],
        lr=args.learning_rate,
    )


def average_of(model):
    # weights and batch-norm statistics, as the trainer's WeightAverage (and timm's ModelEmaV2)
    return [t.detach().clone() for t in model.state_dict().values() if t.is_floating_point()]


def update_average(average, model, decay):
    with torch.no_grad():
        current = [t for t in model.state_dict().values() if t.is_floating_point()]
        for shadow, value in zip(average, current):
            shadow.mul_(decay).add_(value, alpha=1 - decay)


def main():
    args = parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    model = torchvision.models.efficientnet_v2_s(num_classes=args.classes)
    model.train()
    optimizer = optimizer_of(model, args)
    loss_of = torch.nn.CrossEntropyLoss(label_smoothing=args.label_smoothing)
    average = average_of(model) if args.ema_decay > 0 else None
    images = torch.randn(args.batch, 3, args.size, args.size)
    labels = torch.randint(0, args.classes, (args.batch,))
    parameters = [p for p in model.parameters() if p.requires_grad]

    totals = dict.fromkeys(PHASES, 0.0)
    timed_seconds = 0.0
    step_seconds = []
    profiler = None
    for step in range(args.warmup + args.steps):
        if step == args.warmup and args.profile:
            profiler = torch.profiler.profile(record_shapes=True)
            profiler.__enter__()
        begin = time.perf_counter()
        loss = loss_of(model(images), labels)
        forward = time.perf_counter()
        loss.backward()
        backward = time.perf_counter()
        if args.clip_norm > 0:
            torch.nn.utils.clip_grad_norm_(parameters, args.clip_norm)
        clipped = time.perf_counter()
        optimizer.step()
        optimizer.zero_grad()
        optimized = time.perf_counter()
        if average is not None:
            update_average(average, model, args.ema_decay)
        end = time.perf_counter()
        if step < args.warmup:
            continue
        loss.item()
        timed_seconds += end - begin
        step_seconds.append(end - begin)
        for phase, seconds in zip(
            PHASES,
            (forward - begin, backward - forward, clipped - backward, optimized - clipped,
             end - optimized),
        ):
            totals[phase] += seconds

    if profiler is not None:
        profiler.__exit__(None, None, None)
        profiler.export_chrome_trace(args.profile)
    per_step_ms = {phase: 1000 * seconds / args.steps for phase, seconds in totals.items()}
    summary = {
        "engine": f"PyTorch {torch.__version__} eager, torchvision {torchvision.__version__}",
        "python": platform.python_version(),
        "threads": torch.get_num_threads(),
        "images_per_second": args.batch * args.steps / timed_seconds,
        "step_ms": 1000 * timed_seconds / args.steps,
        "images_per_second_at_median_step": args.batch / statistics.median(step_seconds),
        "phases_ms": per_step_ms,
        "extras": {
            "clip_norm": args.clip_norm,
            "ema_decay": args.ema_decay,
            "optimizer": "AdamW (torch.optim, default implementation), zero_grad()",
            "loss": f"CrossEntropyLoss(label_smoothing={args.label_smoothing})",
        },
        "parameters": sum(p.numel() for p in parameters),
    }
    print(
        f"{summary['engine']}, {summary['threads']} threads: torchvision efficientnet_v2_s,"
        f" {args.classes} classes, {args.size} px, batch {args.batch},"
        f" {summary['parameters'] / 1e6:.2f} M parameters"
    )
    print(
        f"  {summary['images_per_second']:.2f} img/s ({summary['step_ms']:.1f} ms per step),"
        f" at the median step {summary['images_per_second_at_median_step']:.2f} img/s"
        f" ({args.steps} steps after {args.warmup} of warm-up)"
    )
    print(
        "  mean per step: "
        + ", ".join(f"{phase.replace('_', ' ')} {ms:.1f} ms" for phase, ms in per_step_ms.items())
    )
    if args.json:
        print(json.dumps(summary))


if __name__ == "__main__":
    main()
