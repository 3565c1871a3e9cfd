"""The smoke run of one baseline, step by step, each step timed and recorded.

1. the official checkout's tracked files (at the pinned commit) are copied into a work folder, so the
   small weights never land in the user's checkout;
2. the method's environment is built: a venv of the stated Python with its requirements installed;
3. ``smoke/official/<method>_weights.py`` writes small random weights of the official architectures where the
   official loaders read them;
4. the adapter runs the short synthetic case through the driver (``smoke=true``: the driver's run-time
   CPU patches) and its collector; the frames must pass the runner's own output check.

A failed step stops the run; the result names the furthest step reached and the error.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from baselines.environments import make_venv, pip_install
from baselines.packaged import PACKAGE, stated_python
from baselines.smoke.case import densepose_standin, person_mask, smoke_case
from baselines.smoke.methods import SMOKE, SmokePlan
from interhf_bench.adapters.api import Case, check_output
from interhf_bench.adapters.external import write_png_frames
from interhf_bench.adapters.registry import MethodRegistry

OFFICIAL_SCRIPTS = PACKAGE / "smoke" / "official"


@dataclass
class SmokeResult:
    """What a smoke run reached: the steps done (with seconds), the failing step and its message."""

    method: str
    python: str
    steps: dict[str, float] = field(default_factory=dict)
    failed: str | None = None
    error: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.failed is None and "collector" in self.steps

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "passed": self.passed}


class SmokeStepError(RuntimeError):
    """A smoke step failed; the message says which file or command and why."""


def copy_tracked_files(checkout: Path, target: Path, commit: str) -> None:
    """The checkout's git-tracked files into ``target``, after checking that HEAD is the pinned commit."""
    head = _git(checkout, "rev-parse", "HEAD").strip()
    if head != commit:
        raise SmokeStepError(f"{checkout} is at {head}, the adapter pins {commit}")
    shutil.rmtree(target, ignore_errors=True)
    for name in _git(checkout, "ls-files", "-z").split("\0"):
        source = checkout / name
        if name and source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def _git(checkout: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(checkout), *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SmokeStepError(f"git {' '.join(args)} in {checkout}: {result.stderr.strip()}")
    return result.stdout


def build_environment(method: str, venv: Path, reuse: bool, cache: Path | None, result: SmokeResult) -> Path:
    """The method's venv with its requirements installed (kept as it is when ``reuse`` and present)."""
    python = venv / "bin" / "python"
    if reuse and python.exists():
        result.notes.append(f"environment reused from {venv}")
        return python
    python = make_venv(stated_python(method), venv)
    for install in pip_install(python, method, dry_run=False, cache=cache):
        result.notes.extend(install.notes)
        if not install.ok:
            raise SmokeStepError(
                f"{' '.join(install.command)} exited {install.returncode}:\n{install.output_tail}"
            )
    return python


def write_weights(method: str, python: Path, checkout: Path) -> None:
    """Run ``smoke/official/<method>_weights.py`` (shared helpers beside it) in the copied checkout."""
    scripts = checkout / ".interhf-smoke"
    scripts.mkdir(exist_ok=True)
    for source in OFFICIAL_SCRIPTS.iterdir():
        if source.name.endswith(".py"):
            (scripts / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(checkout), str(scripts)])}
    command = [str(python), str(scripts / f"{method}_weights.py")]
    completed = subprocess.run(command, cwd=checkout, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        tail = "\n".join(completed.stderr.strip().splitlines()[-15:])
        raise SmokeStepError(f"smoke/official/{method}_weights.py exited {completed.returncode}:\n{tail}")


def user_inputs(plan: SmokePlan, case: Case, workdir: Path) -> dict[str, str]:
    """The stand-ins for what a user supplies to real runs (DensePose renderings, a person mask), written
    where the adapter's settings point, as those settings."""
    settings = {}
    if "densepose" in plan.inputs:
        write_png_frames(densepose_standin(case), workdir / "densepose" / case.video_id)
        settings["densepose"] = str(workdir / "densepose")
    if "mask" in plan.inputs:
        mask = np.repeat(person_mask(case)[None, ..., None], 3, axis=-1)
        write_png_frames(mask, workdir / "masks", f"{case.video_id}.png")
        settings["reference_masks"] = str(workdir / "masks")
    return settings


def run_case(plan: SmokePlan, python: Path, checkout: Path, workdir: Path) -> tuple[int, int, int]:
    """The synthetic case through the adapter's driver and collector; returns the frames' shape."""
    adapter_class = MethodRegistry().load(plan.method)
    case = smoke_case(plan.height, plan.width, plan.frames)
    settings = adapter_class.Settings(
        checkout=str(checkout), python=str(python), workdir=str(workdir), smoke=True,
        **plan.settings, **user_inputs(plan, case, workdir),
    )  # fmt: skip
    frames = check_output(plan.method, case, adapter_class(settings).generate(case))
    return frames.shape[:3]


def compare_official_poses(plan: SmokePlan, python: Path, checkout: Path, workdir: Path) -> str:
    """The adapter's first pose PNG against StableAnimator's extraction drawing the same keypoints: the
    same colour convention (red and blue exchanged would differ on far more pixels) and at most 2% of the
    drawn pixels different (integer rounding where body joints overlap face landmarks)."""
    import numpy as np

    from baselines.dispose import wholebody_output
    from interhf_bench.io.frames import read_frames

    case = smoke_case(plan.height, plan.width, plan.frames)
    points, scores = wholebody_output(case.poses[:1])
    np.savez(workdir / "official-keypoints.npz", points=points, scores=scores)
    official = workdir / "official-pose.png"
    script = checkout / ".interhf-smoke" / "stableanimator_poses.py"
    command = [
        str(python),
        str(script),
        str(workdir / "official-keypoints.npz"),
        f"{case.height}x{case.width}",
    ]
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    completed = subprocess.run(
        [*command, str(official)], cwd=checkout, env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise SmokeStepError(
            f"{script.name} exited {completed.returncode}: {completed.stderr.strip()[-800:]}"
        )
    ours, theirs = read_frames([workdir / case.video_id / "poses" / "frame_0.png", official])
    drawn = int(theirs.any(-1).sum())
    differing = int((ours != theirs).any(-1).sum())
    exchanged = int((ours[..., ::-1] != theirs).any(-1).sum())  # as if red and blue were MimicMotion's
    summary = f"{differing} of its {drawn} drawn pixels differ ({exchanged} with red and blue exchanged)"
    if differing > 0.02 * drawn or exchanged < 10 * max(differing, 1):
        raise SmokeStepError(f"pose PNG against {official}: {summary}")
    return f"pose colours as the official extraction writes them: {summary}"


def smoke(
    method: str, checkout: Path, work: Path, *, reuse_env: bool = False, cache: Path | None = None
) -> SmokeResult:
    """Every step for ``method``; the result is also written to ``work/smoke-<method>.json``."""
    plan = SMOKE[method]
    adapter_class = MethodRegistry().load(method)
    result = SmokeResult(method, stated_python(method), notes=list(plan.patches))
    python = work / "venv" / "bin" / "python"
    steps = (
        ("checkout", lambda: copy_tracked_files(checkout, work / "checkout", adapter_class.external.commit)),
        ("environment", lambda: build_environment(method, work / "venv", reuse_env, cache, result)),
        ("weights", lambda: write_weights(method, python, work / "checkout")),
        ("collector", lambda: run_case(plan, python, work / "checkout", work / "cases")),
    )
    if plan.official_poses:
        steps += (
            (
                "official poses",
                lambda: compare_official_poses(plan, python, work / "checkout", work / "cases"),
            ),
        )
    work.mkdir(parents=True, exist_ok=True)
    for name, step in steps:
        start = time.monotonic()
        try:
            outcome = step()
        except Exception as exc:  # every failure is the result, with its step
            result.failed, result.error = name, f"{type(exc).__name__}: {exc}"
            break
        result.steps[name] = round(time.monotonic() - start, 1)
        if name == "collector":
            result.notes.append(f"collector accepted {outcome[0]} frames of {outcome[2]}x{outcome[1]}")
        elif isinstance(outcome, str):
            result.notes.append(outcome)
    (work / f"smoke-{method}.json").write_text(json.dumps(result.to_json(), indent=2) + "\n")
    return result
