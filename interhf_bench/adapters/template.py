"""``new-adapter``: a standalone package template for a third-party method.

The package declares its adapter in the ``interhf_bench.adapters`` entry-point group, so after
``pip install`` the method is listed by ``interhf-bench ls`` and runs with ``interhf-bench run --method``
without any change to this repository. The templates are string constants (no package data to ship);
``{name}``-style fields are filled by :func:`render_files`, so literal braces are doubled.
"""

from __future__ import annotations

import re
from pathlib import Path

from interhf_bench import __version__

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
PACKAGE_PREFIX = "interhf_"

PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "{dist_name}"
version = "0.1.0"
description = "{name}: an InterHF-Bench method adapter"
readme = "README.md"
requires-python = ">=3.10"
dependencies = [
    "interhf-bench>={bench_version}",
    # TODO: your model's dependencies (torch, diffusers, ...)
]

[project.optional-dependencies]
test = ["pytest>=8"]

# This line is what makes `interhf-bench` see the method: name = "module:AdapterClass".
[project.entry-points."interhf_bench.adapters"]
"{name}" = "{package}.adapter:{class_name}"

[tool.setuptools.packages.find]
where = ["src"]
"""

INIT = '''"""{name}: an InterHF-Bench method adapter; the code is in ``adapter.py``."""
'''

ADAPTER = '''"""The {name} adapter: turns one InterHF-Bench case into the generated target frames.

``interhf-bench`` calls ``setup(device)`` once, then ``generate(case)`` for every test video, after seeding
Python's, NumPy's and torch's global generators with ``case.seed``. Keep ``generate`` deterministic in
``case.seed``; ``interhf-bench check-adapter {name}`` tests that.
"""

from __future__ import annotations

import numpy as np
from interhf_bench.adapters.api import Adapter, AdapterMeta, Case
from pydantic import BaseModel, ConfigDict, Field


class {settings_class}(BaseModel):
    """Options set with ``--method-args key=value``; validated here and recorded in run_meta.json."""

    model_config = ConfigDict(extra="forbid")

    # TODO: your model's options (steps, guidance scale, checkpoint path, ...).
    pose_weight: float = Field(0.3, ge=0, le=1, description="how much of the pose rendering to blend in")


class {class_name}(Adapter):
    meta = AdapterMeta(
        name="{name}",
        display_name="{name}",  # TODO: the name used in papers and on the leaderboard
        description="TODO: one line about the method",
        kind="native",
        paper_url=None,  # TODO
        code_url=None,  # TODO
        code_commit=None,  # TODO: the commit of the code that produced the results
        license=None,  # TODO: e.g. "Apache-2.0"
        weights={{}},  # TODO: {{"weight file name": "sha256"}}
        native_height=None,  # TODO: the resolution and fps the model was trained at
        native_width=None,
        native_fps=None,
    )
    Settings = {settings_class}

    def setup(self, device: str) -> None:
        super().setup(device)
        # TODO: load your model here, once, and move it to `device`.

    def generate(self, case: Case) -> np.ndarray:
        """``(case.num_frames, case.height, case.width, 3)`` uint8 RGB frames for ``case``."""
        # TODO: replace this placeholder with your model. Inputs: case.reference (H, W, 3) uint8 RGB,
        # case.poses (T, 133, 3) COCO-WholeBody keypoints in pixels, case.pose_images() (DWPose-style
        # renderings), case.masks() (hand and face masks). Draw any noise from case.seed, e.g.
        # torch.Generator(self.device).manual_seed(case.seed). Resize to case.height x case.width if
        # the model works at another size.
        weight = self.settings.pose_weight
        reference = case.reference.astype(np.float32)
        poses = case.pose_images().astype(np.float32)
        frames = (1 - weight) * reference[None] + weight * poses
        return np.clip(np.rint(frames), 0, 255).astype(np.uint8)
'''

TEST = '''"""The {name} adapter on hand-made cases: output shape and dtype, and the benchmark's own checks."""

from __future__ import annotations

import numpy as np
from interhf_bench.adapters.api import Case
from interhf_bench.runner.check import all_passed, check_adapter, format_report

from {package}.adapter import {class_name}


def make_case(video_id: str, seed: int, frames: int = 4, height: int = 64, width: int = 48) -> Case:
    """A small case with random keypoints that drift to the right, and a random reference frame."""
    rng = np.random.default_rng(seed)
    pose = np.zeros((133, 3), np.float32)
    pose[:, 0] = rng.uniform(4, width - 4, 133)
    pose[:, 1] = rng.uniform(4, height - 4, 133)
    pose[:, 2] = 0.9
    poses = np.stack([pose + np.array([t, 0, 0], np.float32) for t in range(frames)])
    return Case(
        video_id=video_id,
        interaction="LC-SF",
        reference=rng.integers(1, 256, (height, width, 3), dtype=np.uint8),
        reference_pose=pose,
        poses=poses,
        num_frames=frames,
        fps=15.0,
        height=height,
        width=width,
        seed=seed,
    )


def test_generate_returns_uint8_frames_of_the_case() -> None:
    adapter = {class_name}()
    adapter.setup("cpu")
    frames = adapter.generate(make_case("a", 0))
    assert frames.shape == (4, 64, 48, 3) and frames.dtype == np.uint8


def test_passes_the_benchmark_checks() -> None:
    results = check_adapter({class_name}(), [make_case("a", 0), make_case("b", 1)])
    assert all_passed(results), format_report("{name}", results)
'''

README = """\
# {dist_name}

An InterHF-Bench method adapter for **{name}**: install it next to `interhf-bench` and the benchmark
runs it like a built-in method.

## Install, check, run

```bash
pip install -e .                                   # registers the method with interhf-bench
interhf-bench ls methods                           # {name} is listed as "plugin {dist_name}"
interhf-bench check-adapter {name}                 # output, determinism, pose, video round trip, speed
interhf-bench run --method {name} --limit 4        # generate and score on the embedded synthetic set
interhf-bench run --method {name} --data DATASET --device cuda   # the real protocol
pip install -e ".[test]" && python -m pytest       # this package's own tests
```

Options of the method go after `--method-args`, e.g. `--method-args pose_weight=0.5`.

## Where your model goes

`src/{package}/adapter.py`, class `{class_name}`:

- `setup(device)` loads the model once;
- `generate(case)` returns `(case.num_frames, case.height, case.width, 3)` uint8 RGB frames, deterministic
  in `case.seed`;
- `{settings_class}` holds the options (`--method-args key=value`);
- `meta` (`AdapterMeta`) says what the method is: paper and code URLs, the code commit, the licence and
  the sha256 of every weight file. It is copied into the `run_meta.json` of every run, so results can
  be cited and reproduced.

The TODO comments mark every place to fill in.
"""


def package_names(name: str) -> tuple[str, str, str]:
    """``(python package, distribution name, class name)`` for a method name; bad names are ``ValueError``."""
    if not NAME_PATTERN.match(name):
        raise ValueError(
            f"{name!r} is not a method name: lowercase letters, digits, '.', '_' and '-', "
            "starting with a letter or digit (e.g. my-method)"
        )
    words = [word for word in re.split(r"[._-]+", name) if word]
    package = PACKAGE_PREFIX + "_".join(words)
    if package == "interhf_bench":
        raise ValueError(f"method name {name!r} would make the package {package!r}: choose another name")
    class_name = "".join(word.capitalize() for word in words) + "Adapter"
    if class_name[0].isdigit():
        class_name = "Method" + class_name
    return package, package.replace("_", "-"), class_name


def _check_not_builtin(name: str) -> None:
    """A plugin with a built-in's name would make every command fail with "defined twice"."""
    from interhf_bench.adapters.registry import MethodRegistry

    if name in {source.name for source in MethodRegistry().sources() if source.origin == "built-in"}:
        raise ValueError(f"{name!r} is a built-in method of interhf-bench: choose another name")


def render_files(name: str) -> dict[Path, str]:
    """The package's files (relative path -> text) for method ``name``."""
    _check_not_builtin(name)
    package, dist_name, class_name = package_names(name)
    values = {
        "name": name,
        "package": package,
        "dist_name": dist_name,
        "class_name": class_name,
        "settings_class": class_name.removesuffix("Adapter") + "Settings",
        "bench_version": __version__,
    }
    templates = {
        Path("pyproject.toml"): PYPROJECT,
        Path("README.md"): README,
        Path("src") / package / "__init__.py": INIT,
        Path("src") / package / "adapter.py": ADAPTER,
        Path("tests") / "test_adapter.py": TEST,
    }
    return {path: template.format(**values) for path, template in templates.items()}


def write_adapter_package(name: str, out: Path = Path()) -> Path:
    """Write the package for ``name`` into a new folder ``out/<distribution name>`` and return it.

    An existing folder is never touched: the user's edits to an earlier template are not overwritten.
    """
    files = render_files(name)
    folder = out / package_names(name)[1]
    out.mkdir(parents=True, exist_ok=True)
    try:
        folder.mkdir()
    except FileExistsError:
        raise FileExistsError(f"{folder} already exists; remove it or choose another --out") from None
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder
