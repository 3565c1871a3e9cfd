"""One prepared GPU check: full-size InterAnimate, its inference, ``score`` on CUDA, ``mimicmotion-native``
and the tiny model's training with its ablation variants, in one run under a hard time budget.

Parts run in order of value, each in its own process with its own time limit (killed and recorded as
``timed_out`` when it runs over); a part whose budget no longer fits the total is recorded as
``skipped`` with the reason. Results are rewritten after every part, so a run stopped from outside
keeps what it measured: ``OUT/gpu_check.json`` (every number), ``OUT/gpu_check.md`` (the summary),
``OUT/gpu_check.log`` (each part's output) and ``OUT/tiny-<variant>.tar`` (part e's checkpoints).

    python benchmarks/gpu_check.py --out gpu-check             # on a CUDA machine, about 9 minutes
    python benchmarks/gpu_check.py --device cpu --smoke --out /tmp/smoke   # every part at toy sizes

``benchmarks/gpu_check.sh`` is the one-line entry for a bare GPU machine (it installs carried wheels).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import gpu_parts

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SVD_CONFIGS = REPO.parent / "shared" / "data" / "svd-xt-1-1-configs"

# (name, what it measures, budget in seconds on a GPU, parts whose output it needs)
PARTS: tuple[tuple[str, str, float, tuple[str, ...]], ...] = (
    ("data", "render the evaluation and training sets", 40, ()),
    ("a_model", "full-size InterAnimate vs plain SVD UNet: training step and forward", 60, ()),
    ("b_inference", "InterAnimate pipeline, one 48-frame case at 640x384", 80, ("data",)),
    ("c_score", "score with every network on the device, cold and warm cache", 100, ("data",)),
    ("d_mimicmotion", "mimicmotion-native at full size through the runner", 120, ("data",)),
    ("e_training", "tiny InterAnimate training: full model, then the four ablation variants", 140, ("data",)),
)
RUNNERS = {
    "data": gpu_parts.part_data,
    "a_model": gpu_parts.part_model,
    "b_inference": gpu_parts.part_inference,
    "c_score": gpu_parts.part_score,
    "d_mimicmotion": gpu_parts.part_mimicmotion,
    "e_training": gpu_parts.part_training,
}
FULL_BUDGET_S = 540.0  # nine minutes: the parts' budgets plus their start-up
SMOKE_BUDGET_S = 600.0  # per part: toy sizes on a CPU; the limit only guards against a hang


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--device", default="cuda", help="cuda (default) or cpu")
    parser.add_argument("--smoke", action="store_true", help="toy sizes: checks every code path in seconds")
    parser.add_argument("--out", type=Path, default=Path("gpu-check"), help="results folder")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one)")
    parser.add_argument(
        "--total-budget",
        type=float,
        help=f"seconds for all parts together (default {FULL_BUDGET_S:.0f}; smoke: none)",
    )
    parser.add_argument("--parts", nargs="+", choices=[name for name, *_ in PARTS], help="only these parts")
    parser.add_argument(
        "--budget",
        nargs="*",
        default=[],
        metavar="PART=SECONDS",
        help="change a part's budget (for example c_score=120)",
    )
    parser.add_argument("--svd-configs", type=Path, default=DEFAULT_SVD_CONFIGS, help="SVD-xt-1.1 configs")
    parser.add_argument("--run-part", choices=list(RUNNERS), help=argparse.SUPPRESS)  # the child process
    parser.add_argument("--part-budget", type=float, help=argparse.SUPPRESS)  # the child's own limit
    return parser.parse_args(argv)


def environment(device: str) -> dict[str, Any]:
    import torch

    try:
        git = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True)
        commit = git.stdout.strip() or None
    except OSError:  # no git on the machine
        commit = None
    return {
        "device": torch.cuda.get_device_name() if device.startswith("cuda") else platform.machine(),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "git_commit": commit,
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


# -- the child: one part ---------------------------------------------------------------------------------
def run_part(args: argparse.Namespace) -> int:
    """Run one part and write ``WORK/<part>.json``: its numbers, or the error that stopped it."""
    context = gpu_parts.PartContext(
        name=args.run_part,
        device=args.device,
        sizes=gpu_parts.SIZES["smoke" if args.smoke else "full"],
        work=args.work,
        out=args.out,
        budget_s=args.part_budget,
        svd_configs=args.svd_configs,
    )
    try:
        result = {"status": "ok", **RUNNERS[args.run_part](context)}
    except Exception as exc:  # recorded: the next part still runs
        traceback.print_exc()
        result = {"status": "failed", "error": f"{type(exc).__name__}: {exc}"}
    (args.work / f"{args.run_part}.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    return 0 if result["status"] == "ok" else 1


def part_budgets(args: argparse.Namespace) -> dict[str, float]:
    """Each part's budget: the table's, the smoke run's, or what ``--budget`` says."""
    budgets = {name: SMOKE_BUDGET_S if args.smoke else budget for name, _, budget, _ in PARTS}
    for pair in args.budget:
        name, _, seconds = pair.partition("=")
        if name not in budgets or not seconds.replace(".", "", 1).isdigit():
            choices = ", ".join(budgets)
            raise SystemExit(f"gpu_check.py: --budget {pair!r}: expected PART=SECONDS, PART one of {choices}")
        budgets[name] = float(seconds)
    return budgets


# -- the parent: every part under the budget ------------------------------------------------------------
def launch(args: argparse.Namespace, name: str, budget: float, log: Any) -> dict[str, Any]:
    """One part in a child process, killed at its budget."""
    command = [sys.executable, str(Path(__file__).resolve()), "--run-part", name, "--device", args.device]
    command += ["--out", str(args.out), "--work", str(args.work), "--svd-configs", str(args.svd_configs)]
    command += ["--part-budget", str(budget)]
    command += ["--smoke"] if args.smoke else []
    result_file, partial = args.work / f"{name}.json", args.work / f"{name}.partial.json"
    for stale in (result_file, partial):  # a reused --work folder must not report an earlier run's numbers
        stale.unlink(missing_ok=True)
    log.write(f"\n===== {name} =====\n")
    log.flush()
    start = time.monotonic()
    try:
        subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, timeout=budget, check=False)
    except subprocess.TimeoutExpired:
        kept = {"measured_before": json.loads(partial.read_text())} if partial.is_file() else {}
        return {
            "status": "timed_out",
            "error": f"ran over its {budget:.0f} s budget",
            "part_s": budget,
            **kept,
        }
    if not result_file.is_file():
        result = {"status": "failed", "error": "the part's process ended without a result (see the log)"}
    else:
        result = json.loads(result_file.read_text())
    return {**result, "part_s": time.monotonic() - start}


def plan(args: argparse.Namespace) -> list[tuple[str, str, float, tuple[str, ...]]]:
    chosen = [part for part in PARTS if args.parts is None or part[0] in args.parts]
    if args.parts and any(need not in args.parts for *_, needs in chosen for need in needs):
        chosen = [PARTS[0], *(part for part in chosen if part[0] != "data")]  # what they read comes first
    return chosen


def run_all(args: argparse.Namespace) -> dict[str, Any]:
    args.out.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "mode": "smoke" if args.smoke else "full",
        "total_budget_s": args.total_budget,
        "environment": environment(args.device),
        "parts": {},
    }
    start = time.monotonic()
    budgets = part_budgets(args)
    with open(args.out / "gpu_check.log", "w") as log:
        for name, what, _, needs in plan(args):
            budget = budgets[name]
            left = args.total_budget - (time.monotonic() - start)
            missing = [need for need in needs if report["parts"].get(need, {}).get("status") != "ok"]
            if missing:
                result = {"status": "skipped", "reason": f"needs {', '.join(missing)}"}
            elif budget > left:
                reason = f"its budget {budget:.0f} s exceeds the {left:.0f} s left"
                result = {"status": "skipped", "reason": reason}
            else:
                result = launch(args, name, budget, log)
            report["parts"][name] = {"what": what, "budget_s": budget, **result}
            report["elapsed_s"] = time.monotonic() - start
            write_report(report, args.out)
            print(f"{name}: {result['status']} ({result.get('part_s', 0):.0f} s)", flush=True)
    return report


# -- the report ------------------------------------------------------------------------------------------
def _markdown_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _markdown_table(rows: list[dict[str, Any]]) -> list[str]:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_markdown_value(row.get(key, "")) for key in columns) + " |" for row in rows]
    return lines


def part_markdown(name: str, part: dict[str, Any]) -> list[str]:
    lines = [f"## {name}: {part['what']}", "", f"- status: **{part['status']}**"]
    tables = []
    for key, value in part.items():
        if key in ("what", "status"):
            continue
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            tables += ["", f"{key}:", "", *_markdown_table(value)]
        elif isinstance(value, dict):
            lines += [f"- {key}: " + ", ".join(f"{k} {_markdown_value(v)}" for k, v in value.items())]
        else:
            lines.append(f"- {key}: {_markdown_value(value)}")
    return [*lines, *tables, ""]


def write_report(report: dict[str, Any], out: Path) -> None:
    (out / "gpu_check.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    env = report["environment"]
    lines = [
        f"# GPU check ({report['mode']}): {env['device']}, torch {env['torch']}, commit {env['git_commit']}",
        "",
        f"{report.get('elapsed_s', 0):.0f} s of a {report['total_budget_s']:.0f} s budget, "
        f"started {env['started']}",
        "",
    ]
    for name, part in report["parts"].items():
        lines += part_markdown(name, part)
    (out / "gpu_check.md").write_text("\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.total_budget is None:
        args.total_budget = SMOKE_BUDGET_S * len(PARTS) if args.smoke else FULL_BUDGET_S
    if args.run_part:
        return run_part(args)
    if not args.smoke and not (args.svd_configs / "unet" / "config.json").is_file():
        raise SystemExit(
            f"gpu_check.py: no SVD-xt-1.1 configs at {args.svd_configs}: pass --svd-configs with a diffusers "
            "folder of stabilityai/stable-video-diffusion-img2vid-xt-1-1 (its config files suffice)"
        )
    if args.work is None:
        with tempfile.TemporaryDirectory(prefix="gpu-check-") as work:
            args.work = Path(work)
            report = run_all(args)
    else:
        args.work.mkdir(parents=True, exist_ok=True)
        report = run_all(args)
    print(f"results: {args.out / 'gpu_check.md'}")
    return 0 if all(part["status"] == "ok" for part in report["parts"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
