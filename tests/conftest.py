"""Shared fixtures: a tiny protocol and a hand-built dataset in the real format (no synth renderer).

The hand-built dataset keeps the format tests independent of the synthetic renderer and lets each test
break exactly one rule.
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from interhf_bench.data.arrays import save_keypoints, save_masks
from interhf_bench.data.manifest import ManifestRow, write_manifest
from interhf_bench.io.files import sha256_file
from interhf_bench.io.video import write_video
from interhf_bench.plugins import INCLUDE_MODULE_PREFIX
from interhf_bench.protocol.spec import INTERHF_MINI_V1, ProtocolSpec

# The team's shared folder beside the clone; INTERHF_BENCH_SHARED moves it (CI hides it once with this).
SHARED = Path(os.environ.get("INTERHF_BENCH_SHARED") or Path(__file__).resolve().parents[1].parent / "shared")
MEDIA = SHARED / "data" / "media"


def forget_included_files() -> None:
    """Drop the ``--include`` modules this process imported, as if the next step ran in a fresh process
    (where ``score`` would run anyway): loaded, they count as third-party code and ``score`` refuses."""
    for name in [name for name in sys.modules if name.startswith(INCLUDE_MODULE_PREFIX)]:
        del sys.modules[name]


@pytest.fixture(autouse=True)
def _fresh_process_per_test():
    """Each test starts like a fresh process, with no ``--include`` file of an earlier test loaded."""
    yield
    forget_included_files()


def shared_file(relative: str) -> Path:
    """A file of the team's ``shared/`` folder beside the clone; the test skips, naming it, when absent.

    CI has the folder and runs these tests; a fresh clone elsewhere does not, and passes without them.
    """
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"needs {relative} from the shared folder beside the clone; {path} is absent")
    return path


TINY = replace(
    INTERHF_MINI_V1,
    id="test-tiny",
    description="unit-test protocol",
    videos_per_class=2,
    num_target_frames=3,
    height=24,
    width=16,
)


def make_keypoints(num_frames: int, height: int, width: int, rng: np.random.Generator) -> np.ndarray:
    keypoints = np.zeros((num_frames, 133, 3), dtype=np.float32)
    keypoints[..., 0] = rng.uniform(0, width, (num_frames, 133))
    keypoints[..., 1] = rng.uniform(0, height, (num_frames, 133))
    keypoints[..., 2] = rng.uniform(0.5, 1.0, (num_frames, 133))
    return keypoints


def write_tiny_dataset(
    root: Path, protocol: ProtocolSpec = TINY, extra_subjects: int = 0
) -> list[ManifestRow]:
    """``videos_per_class`` test videos per class (+ train videos of ``extra_subjects`` more subjects)."""
    rng = np.random.default_rng(0)
    rows = []
    per_class = protocol.videos_per_class + extra_subjects
    shape = (protocol.num_frames, protocol.height, protocol.width)
    for code in protocol.classes:
        for i in range(per_class):
            video_id = f"{code}_{i:02d}"
            frames = rng.integers(0, 256, (*shape, 3), dtype=np.uint8)
            video = write_video(root / "videos" / f"{video_id}.mp4", frames, protocol.fps)
            pose = save_keypoints(root / "poses" / f"{video_id}.npz", make_keypoints(*shape, rng))
            masks = save_masks(
                root / "masks" / f"{video_id}.npz", np.zeros(shape, bool), np.ones(shape, bool)
            )
            rows.append(
                ManifestRow(
                    video_id=video_id,
                    interaction=code,
                    subject_id=f"subject-{i}",
                    split="test" if i < protocol.videos_per_class else "train",
                    path=f"videos/{video_id}.mp4",
                    fps=protocol.fps,
                    num_frames=protocol.num_frames,
                    height=protocol.height,
                    width=protocol.width,
                    sha256=sha256_file(video),
                    pose_path=f"poses/{video_id}.npz",
                    pose_sha256=sha256_file(pose),
                    mask_path=f"masks/{video_id}.npz",
                    mask_sha256=sha256_file(masks),
                )
            )
    write_manifest(root / "manifest.jsonl", rows)
    return rows


@pytest.fixture(scope="session")
def tiny_dataset_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tiny-template")
    write_tiny_dataset(root)
    return root


@pytest.fixture
def tiny_dataset(tiny_dataset_template: Path, tmp_path: Path) -> Path:
    """A fresh, valid copy of the tiny dataset that a test may break."""
    import shutil

    root = tmp_path / "dataset"
    shutil.copytree(tiny_dataset_template, root)
    return root


@pytest.fixture(scope="session")
def mini_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded synthetic set (interhf-mini-v1), rendered once per test session."""
    from interhf_bench.synth.build import synthesize_dataset

    root = tmp_path_factory.mktemp("mini")
    synthesize_dataset(root, INTERHF_MINI_V1, progress=False)
    return root


SCRFD = SHARED / "weights" / "scrfd" / "scrfd.onnx"
needs_scrfd = pytest.mark.skipif(not SCRFD.is_file(), reason=f"real SCRFD detector not found at {SCRFD}")


@pytest.fixture(scope="session")
def face_weights(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A weights folder with the real SCRFD-2.5G detector and an IResNet-50 ArcFace of random weights.

    The recognizer is imported with ``--allow-unverified`` (its checksum cannot match buffalo_l's), so
    everything computed with it is marked unverified, as it would be for a user's own file.
    """
    import shutil

    from interhf_bench.weights.registry import get_weight
    from interhf_bench.weights.store import import_file, resolve
    from tests.face.arcface_standin import export_arcface_standin

    if not SCRFD.is_file():
        pytest.skip(f"real SCRFD detector not found at {SCRFD}")
    root = tmp_path_factory.mktemp("face-weights")
    (root / "scrfd").mkdir()
    shutil.copyfile(SCRFD, root / "scrfd" / "scrfd.onnx")
    resolve(get_weight("scrfd-2.5g-kps"), root=root)  # the real file verifies
    standin = export_arcface_standin(tmp_path_factory.mktemp("arcface") / "iresnet50-random.onnx")
    import_file(get_weight("arcface-w600k-r50"), standin, allow_unverified=True, root=root)
    standin.unlink()
    return root
