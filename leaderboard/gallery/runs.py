"""The runs a gallery shows: each run's name, its per-video metrics and where its videos are.

Runs are read as the leaderboard reads them (``metrics.json`` checked before use, ``run_meta.json`` for the
shown name), and must be comparable: one protocol (id and hash) and one test set (manifest hash). Names
come from submissions and stay untrusted text; files are never named after them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from interhf_bench.data.dataset import Dataset
from interhf_bench.data.manifest import manifest_hash
from interhf_bench.results.metrics_file import MetricsFile
from leaderboard.entries import read_metrics, read_run_meta, shown_name


@dataclass(frozen=True)
class GalleryRun:
    name: str  # shown to readers; untrusted
    method: str  # the adapter's name (untrusted too: it comes from run_meta.json or a folder name)
    folder: Path  # the run folder: metrics.json, run_meta.json, videos/
    metrics: MetricsFile
    oracle: bool  # the method was given the ground-truth frames

    @property
    def label(self) -> str:
        """The name as the gallery shows it; an oracle says so (its frames are the ground truth's)."""
        return f"{self.name} (oracle)" if self.oracle else self.name

    @property
    def videos(self) -> Path:
        return self.folder / "videos"

    def case_metrics(self, video_id: str) -> dict[str, float | None]:
        """This run's metrics of one video (empty when it was not scored)."""
        return self.metrics.per_video.get(video_id, {})


def load_gallery_run(path: Path) -> GalleryRun:
    """A run from its folder or its ``metrics.json``."""
    metrics_path = path / "metrics.json" if path.is_dir() else path
    metrics = read_metrics(metrics_path)
    meta = read_run_meta(metrics_path.with_name("run_meta.json"), metrics)
    method = meta.method.meta.name if meta else metrics_path.parent.name
    return GalleryRun(
        name=shown_name(meta, method),
        method=method,
        folder=metrics_path.parent,
        metrics=metrics,
        oracle=meta is not None and meta.method.meta.uses_ground_truth,
    )


def check_comparable(runs: list[GalleryRun], dataset: Dataset) -> None:
    """Refuse runs of different protocols, or runs scored on another test set than ``dataset``."""
    protocols = {(run.metrics.protocol, run.metrics.protocol_hash) for run in runs}
    if len(protocols) > 1:
        listing = "; ".join(f"{run.folder}: {run.metrics.protocol}" for run in runs)
        raise ValueError(f"the runs were made under different protocols (or hashes): {listing}")
    expected = manifest_hash(dataset.rows)
    for run in runs:
        if run.metrics.manifest_sha256 != expected:
            raise ValueError(
                f"{run.folder}: scored on another test set than {dataset.manifest_path} "
                f"(manifest sha256 {run.metrics.manifest_sha256[:12]}, this one {expected[:12]}); pass --data"
            )
