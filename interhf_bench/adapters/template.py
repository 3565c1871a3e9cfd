"""``new-adapter``: a standalone package template for a third-party method.

The package declares its adapter in the ``interhf_bench.adapters`` entry-point group, so after
``pip install`` the method is listed by ``interhf-bench ls`` and runs with ``interhf-bench run --method``
without any change to this repository.
"""

from __future__ import annotations

import re
from pathlib import Path

from interhf_bench import __version__

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")

PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "{package_dash}"
version = "0.1.0"
description = "{name}: an InterHF-Bench adapter"
requires-python = ">=3.10"
dependencies = ["interhf-bench>={bench_version}"]

[project.entry-points."interhf_bench.adapters"]
{name} = "{package}.adapter:{class_name}"

[tool.setuptools.packages.find]
where = ["src"]
"""

INIT = '''"""{name}: an InterHF-Bench method adapter."""
'''

ADAPTER = '''"""The {name} adapter: turns one InterHF-Bench case into the generated target frames.

Replace the body of ``generate`` with your model. Keep it deterministic for a given ``case.seed``.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from interhf_bench.adapters.api import Adapter, AdapterMeta, Case


class {class_name}Settings(BaseModel):
    """Options set with ``--method-args key=value``; recorded in every run's run_meta.json."""

    model_config = ConfigDict(extra="forbid")

    pose_weight: float = Field(0.3, ge=0, le=1, description="how much of the pose rendering to blend in")


class {class_name}(Adapter):
    meta = AdapterMeta(
        name="{name}",
        display_name="{name}",
        description="TODO: one line about the method",
        kind="native",
        paper_url=None,  # TODO
        code_url=None,  # TODO
        code_commit=None,  # TODO: the commit these results come from
        license=None,  # TODO
        weights={{}},  # TODO: {{"file name": "sha256"}}
    )
    Settings = {class_name}Settings

    def setup(self, device: str) -> None:
        super().setup(device)
        # TODO: load your model's weights here, once.

    def generate(self, case: Case) -> np.ndarray:
        # TODO: replace with your model. This placeholder blends the reference frame with the
        # DWPose-style rendering of each driving pose, so it follows the pose and runs anywhere.
        weight = self.settings.pose_weight
        reference = case.reference.astype(np.float32)
        poses = case.pose_images().astype(np.float32)
        frames = (1 - weight) * reference[None] + weight * poses
        return np.clip(np.rint(frames), 0, 255).astype(np.uint8)
'''

TEST = '''"""The adapter passes InterHF-Bench's own checks on hand-made cases."""

from __future__ import annotations

import numpy as np

from interhf_bench.adapters.api import Case
from interhf_bench.adapters.check import check_adapter
from {package}.adapter import {class_name}


def make_case(video_id: str, seed: int) -> Case:
    rng = np.random.default_rng(seed)
    height, width, frames = 64, 48, 4
    pose = np.zeros((133, 3), np.float32)
    pose[:, 0], pose[:, 1], pose[:, 2] = rng.uniform(8, 40, 133), rng.uniform(8, 56, 133), 0.9
    poses = np.stack([pose + np.array([t, 0, 0], np.float32) for t in range(frames)])
    reference = rng.integers(1, 256, (height, width, 3), dtype=np.uint8)
    return Case(video_id, "LC-SF", reference, pose, poses, frames, 15.0, height, width, seed)


def test_passes_the_benchmark_checks() -> None:
    results = check_adapter({class_name}(), [make_case("a", 0), make_case("b", 1)])
    failed = [result for result in results if result.passed is False]
    assert not failed, failed
'''

README = """\
# {package_dash}

An [InterHF-Bench](https://github.com/) method adapter for **{name}**.

```bash
pip install -e .                                   # registers the method with interhf-bench
interhf-bench ls methods                           # {name} is listed as a plugin
interhf-bench check-adapter {name}                 # output shape, determinism, speed
interhf-bench run --method {name} --limit 4        # generate and score on the embedded synthetic set
python -m pytest                                   # this package's own test
```

Put your model in `src/{package}/adapter.py` (`setup` loads it, `generate` returns
`(case.num_frames, case.height, case.width, 3)` uint8 RGB frames) and fill in the `AdapterMeta`:
paper and code URLs, the code commit, the licence and the sha256 of every weight file. They go into the
`run_meta.json` of every run, so results can be cited and reproduced.
"""


def package_names(name: str) -> tuple[str, str, str]:
    """``(python package, distribution name, class name)`` for a method name."""
    if not NAME_PATTERN.match(name):
        raise ValueError(f"{name!r} is not a method name: use lowercase letters, digits, '.', '_' and '-'")
    words = re.split(r"[._-]+", name)
    package = "interhf_" + "_".join(words)
    class_name = "".join(word.capitalize() for word in words) + "Adapter"
    if class_name[0].isdigit():
        class_name = "Method" + class_name
    return package, package.replace("_", "-"), class_name


def write_adapter_package(name: str, out: Path) -> Path:
    """Write the template package for method ``name`` into the new folder ``out``."""
    package, package_dash, class_name = package_names(name)
    if out.exists():
        raise FileExistsError(f"{out}: already exists; choose another --out or remove it")
    values = {
        "name": name,
        "package": package,
        "package_dash": package_dash,
        "class_name": class_name,
        "bench_version": __version__,
    }
    files = {
        Path("pyproject.toml"): PYPROJECT,
        Path("README.md"): README,
        Path("src") / package / "__init__.py": INIT,
        Path("src") / package / "adapter.py": ADAPTER,
        Path("tests") / "test_adapter.py": TEST,
    }
    for relative, template in files.items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(**values), encoding="utf-8")
    return out
