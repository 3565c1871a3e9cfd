"""The external-checkout adapter family: a published method's official code, run in its own environment.

The six baselines pin torch and diffusers versions that cannot share one environment, so the suite never
imports their code. An external adapter declares where the official code lives (repository, pinned
commit), the environment it needs (a requirements file per method), the weight files it reads inside the
checkout, and three steps per case:

1. ``prepare_inputs`` writes the method's native inputs into a work folder (reference image, pose
   renderings in the method's own style, its resolution with documented padding or cropping);
2. a driver script (the file ``ExternalSpec.driver``), copied next to them as ``driver.py`` with the
   modules it imports from beside it (``ExternalSpec.driver_support``), runs with the method's
   interpreter inside its checkout, imports the official modules, calls the official pipeline and saves
   lossless PNG frames;
3. ``collect`` reads those frames back into the protocol's frame count and size (dropping anchor frames,
   cropping grids, undoing padding).

The files (requirements, driver, support modules) are located by the package that defines the adapter,
typically with ``importlib.resources``; this module only reads them.

``check_setup`` (``interhf-bench baselines setup``) says precisely what is missing: the checkout, its
commit, the environment's imports, each weight file (size and sha256 where known) and how to get them.
"""

from __future__ import annotations

import abc
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from interhf_bench.adapters.api import Adapter, Case
from interhf_bench.io.files import sha256_file
from interhf_bench.io.frames import FrameError, frame_files, read_frames, resize_frames

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

CHECKOUT_ENV = "INTERHF_BENCH_CHECKOUTS"  # default parent folder of the official checkouts


@dataclass(frozen=True)
class WeightSpec:
    """One file the official code reads, relative to its checkout."""

    path: str
    source: str  # where to get it (URL, HF repo and file)
    licence: str
    size: int | None = None
    sha256: str | None = None
    alternatives: tuple[str, ...] = ()  # other names the official loader accepts instead (size/hash unknown)


@dataclass(frozen=True)
class ExternalSpec:
    """What an external adapter declares about the official code it runs."""

    repo_url: str
    commit: str
    requirements: Traversable  # the pip requirements file of the method's environment
    driver: Traversable  # the driver script, run as `python driver.py job.json` inside the checkout
    imports: tuple[str, ...]  # modules the driver needs, checked by `baselines setup`
    weights: tuple[WeightSpec, ...]
    resolution: str  # how the method's native size relates to the protocol's (docs and run_meta)
    pose_signal: str
    deviations: tuple[str, ...] = field(default_factory=tuple)
    driver_support: tuple[Traversable, ...] = ()  # modules the driver imports, copied beside it
    python: str | None = None  # the Python version the environment is built with ("3.10")
    requirements_after: Traversable | None = (
        None  # installed next with --no-build-isolation (builds need torch)
    )


class ExternalSettings(BaseModel):
    """``--method-args`` shared by every external adapter."""

    model_config = ConfigDict(extra="forbid")

    checkout: str | None = Field(
        None, description="the official checkout (default $INTERHF_BENCH_CHECKOUTS/<name>)"
    )
    python: str | None = Field(
        None, description="the method environment's interpreter (default <checkout>/.venv)"
    )
    workdir: str | None = Field(None, description="keep each case's inputs and outputs here (debugging)")
    timeout: float = Field(3600, gt=0, description="seconds per case")
    smoke: bool = Field(False, description="CPU smoke test: the driver applies its run-time CPU patches")
    seed_offset: int = 0


@dataclass
class SetupCheck:
    """One line of the setup report."""

    item: str
    ok: bool
    detail: str
    fix: str = ""


class ExternalMethodError(RuntimeError):
    """The official code could not run a case; the message holds its exit status and stderr tail."""


def write_png_frames(frames: np.ndarray, folder: Path, pattern: str = "{:04d}.png") -> list[Path]:
    """Lossless RGB PNGs, one per frame."""
    import cv2

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, frame in enumerate(frames):
        path = folder / pattern.format(index)
        if not cv2.imwrite(str(path), np.ascontiguousarray(frame[..., ::-1])):
            raise OSError(f"{path}: could not write PNG")
        paths.append(path)
    return paths


def output_frames(folder: Path, pattern: str, count: int, note: str = "") -> np.ndarray:
    """The ``count`` frames a driver wrote (natural order), or an error naming the folder and the count."""
    paths = frame_files(folder, pattern)
    if len(paths) != count:
        raise ExternalMethodError(f"{folder}: {len(paths)} frames, expected {count}{note}")
    try:
        return read_frames(paths)
    except FrameError as exc:
        raise ExternalMethodError(str(exc)) from exc


class ExternalAdapter(Adapter):
    """Base class of the adapters that run official code through a driver script."""

    external: ClassVar[ExternalSpec]
    Settings: ClassVar[type[BaseModel]] = ExternalSettings

    # -- locations -------------------------------------------------------------------------------------
    @property
    def checkout(self) -> Path:
        settings: ExternalSettings = self.settings  # type: ignore[assignment]
        if settings.checkout:
            return Path(settings.checkout).expanduser()
        root = os.environ.get(CHECKOUT_ENV)
        return Path(root).expanduser() / self.meta.name if root else Path("checkouts") / self.meta.name

    @property
    def python(self) -> Path:
        settings: ExternalSettings = self.settings  # type: ignore[assignment]
        return Path(settings.python) if settings.python else self.checkout / ".venv" / "bin" / "python"

    @classmethod
    def requirements_path(cls) -> Traversable:
        return cls.external.requirements

    def install_command(self) -> str:
        """The shell command that builds the method's environment where ``python`` expects it."""
        spec = self.external
        base = f"python{spec.python}" if spec.python else "python"
        command = (
            f"{base} -m venv {self.checkout / '.venv'} && {self.python} -m pip install -r {spec.requirements}"
        )
        if spec.requirements_after is not None:
            command += f" && {self.python} -m pip install --no-build-isolation -r {spec.requirements_after}"
        return command

    # -- setup -----------------------------------------------------------------------------------------
    def check_setup(self, *, hash_weights: bool = True) -> list[SetupCheck]:
        """Every precondition of running the official code, each with what is wrong and how to fix it."""
        spec = self.external
        checks: list[SetupCheck] = []
        clone = f"git clone {spec.repo_url} {self.checkout} && git -C {self.checkout} checkout {spec.commit}"
        if not (self.checkout / ".git").exists():
            checks.append(SetupCheck("checkout", False, f"{self.checkout} is not a git checkout", clone))
        else:
            head = _git_head(self.checkout)
            ok = head == spec.commit
            detail = f"{self.checkout} at {head or 'unknown commit'}" + (
                "" if ok else f", pinned {spec.commit}"
            )
            checks.append(
                SetupCheck("checkout", ok, detail, f"git -C {self.checkout} checkout {spec.commit}")
            )
        install = self.install_command()
        if not self.python.exists():
            checks.append(SetupCheck("environment", False, f"interpreter {self.python} not found", install))
        else:
            problem = _import_problem(self.python, spec.imports, self.checkout)
            detail = f"{self.python} imports {', '.join(spec.imports)}" if problem is None else problem
            checks.append(SetupCheck("environment", problem is None, detail, install))
        for weight in spec.weights:
            checks.append(_check_weight(self.checkout, weight, hash_weights))
        return checks

    def setup(self, device: str) -> None:
        super().setup(device)
        problems = [check for check in self.check_setup(hash_weights=False) if not check.ok]
        if problems:
            lines = "\n".join(
                f"  {c.item}: {c.detail}" + (f"\n    fix: {c.fix}" if c.fix else "") for c in problems
            )
            raise ExternalMethodError(
                f"{self.meta.name} is not set up ({len(problems)} problem(s)):\n{lines}\n"
                f"run `interhf-bench baselines setup {self.meta.name}` for the full report"
            )

    def run_details(self) -> dict[str, Any]:
        spec = self.external
        return {
            "repo_url": spec.repo_url,
            "commit": spec.commit,
            "checkout": str(self.checkout),
            "python": str(self.python),
            "resolution": spec.resolution,
            "pose_signal": spec.pose_signal,
            "deviations": list(spec.deviations),
        }

    # -- one case --------------------------------------------------------------------------------------
    @abc.abstractmethod
    def prepare_inputs(self, case: Case, workdir: Path) -> dict[str, Any]:
        """Write the method's native inputs into ``workdir``; returns the driver's job description."""

    def driver_source(self) -> str:
        """The driver script: ``python driver.py job.json`` inside the checkout writes PNG frames."""
        return self.external.driver.read_text(encoding="utf-8")

    @abc.abstractmethod
    def collect(self, workdir: Path, case: Case) -> np.ndarray:
        """The driver's frames mapped back to ``(case.num_frames, case.height, case.width, 3)`` uint8."""

    def generate(self, case: Case) -> np.ndarray:
        settings: ExternalSettings = self.settings  # type: ignore[assignment]
        if settings.workdir:
            workdir = Path(settings.workdir) / case.video_id
            shutil.rmtree(workdir, ignore_errors=True)
            workdir.mkdir(parents=True)
            return self._run_case(case, workdir)
        with tempfile.TemporaryDirectory(prefix=f"{self.meta.name}-") as tmp:
            return self._run_case(case, Path(tmp))

    def _run_case(self, case: Case, workdir: Path) -> np.ndarray:
        settings: ExternalSettings = self.settings  # type: ignore[assignment]
        job = self.prepare_inputs(case, workdir)
        job.update(
            {
                "seed": case.seed + settings.seed_offset,
                "device": self.device,
                "output_dir": str(workdir / "out"),
                "smoke": settings.smoke,
            }
        )
        (workdir / "job.json").write_text(json.dumps(job, indent=2) + "\n")
        driver = workdir / "driver.py"
        driver.write_text(self.driver_source(), encoding="utf-8")
        for module in self.external.driver_support:  # beside the driver: the script's folder is on sys.path
            (workdir / module.name).write_text(module.read_text(encoding="utf-8"), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(self.checkout.resolve())}
        result = subprocess.run(
            [str(self.python), str(driver), str(workdir / "job.json")],
            cwd=self.checkout,
            env=env,
            capture_output=True,
            text=True,
            timeout=settings.timeout,
            check=False,
        )
        if result.returncode != 0:
            tail = "\n".join(result.stderr.strip().splitlines()[-15:])
            raise ExternalMethodError(f"{self.meta.name} driver exited with {result.returncode}:\n{tail}")
        return self.collect(workdir, case)


def _git_head(checkout: Path) -> str | None:
    result = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() if result.returncode == 0 else None


def _import_problem(python: Path, modules: tuple[str, ...], checkout: Path) -> str | None:
    code = "import importlib, sys\nfor m in sys.argv[1:]:\n    importlib.import_module(m)\n"
    env = {**os.environ, "PYTHONPATH": str(checkout.resolve()) if checkout.exists() else ""}
    try:
        result = subprocess.run(
            [str(python), "-c", code, *modules],
            capture_output=True,
            text=True,
            timeout=600,
            env=env,
            check=False,
            cwd=checkout if checkout.exists() else None,
        )
    except OSError as exc:
        return f"{python} cannot run: {exc}"
    if result.returncode == 0:
        return None
    last = (result.stderr.strip().splitlines() or ["(no message)"])[-1]
    return f"{python} cannot import the method's modules: {last}"


def _check_weight(checkout: Path, weight: WeightSpec, hash_weights: bool) -> SetupCheck:
    path = checkout / weight.path
    fix = f"get it from {weight.source} into {path} (licence: {weight.licence})"
    if not path.is_file():
        present = [name for name in weight.alternatives if (checkout / name).is_file()]
        if present:
            size = (checkout / present[0]).stat().st_size
            return SetupCheck(weight.path, True, f"present as {present[0]} ({size} bytes, no published hash)")
        also = f" (nor {', '.join(weight.alternatives)})" if weight.alternatives else ""
        return SetupCheck(weight.path, False, "missing" + also, fix)
    size = path.stat().st_size
    if weight.size is not None and size != weight.size:
        return SetupCheck(weight.path, False, f"{size} bytes, expected {weight.size}", fix)
    if weight.sha256 and hash_weights:
        digest = sha256_file(path)
        if digest != weight.sha256:
            return SetupCheck(weight.path, False, f"sha256 {digest}, expected {weight.sha256}", fix)
        return SetupCheck(weight.path, True, f"present, sha256 verified ({size} bytes)")
    known = "size verified" if weight.size is not None else "present (no published size or hash)"
    return SetupCheck(weight.path, True, f"{known} ({size} bytes)")


def pad_to_square(frames: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
    """Frames centred on a black square canvas, and the (top, left) offset that undoes it."""
    height, width = frames.shape[1:3]
    side = max(height, width)
    top, left = (side - height) // 2, (side - width) // 2
    canvas = np.zeros((len(frames), side, side, 3), np.uint8)
    canvas[:, top : top + height, left : left + width] = frames
    return canvas, (top, left)


def unpad_from_square(frames: np.ndarray, height: int, width: int) -> np.ndarray:
    """Square outputs (any side) of :func:`pad_to_square` inputs back to ``height x width``."""
    side = max(height, width)
    top, left = (side - height) // 2, (side - width) // 2
    return resize_frames(frames, side, side)[:, top : top + height, left : left + width]
