"""The mergeable state of a scoring pass: ``update`` per video, ``merge`` across shards, ``compute`` once.

Sharded evaluation (several processes, GPUs or nodes each scoring a slice of the videos) must give the
numbers of one pass. Frame metrics keep, per video, the sum of the per-frame values and the count of
frames that had one; aggregates are recomputed from those in manifest order, so a merged state gives
bit-identical frame metrics. Fréchet metrics keep float64 (count, mean, scatter) per interaction class
and feature extractor, merged with Chan's formula (equal to one pass up to float64 rounding). A state
can be saved to and loaded from ``.npz`` (no pickle) to be merged by another process.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from interhf_bench.metrics.frechet import FeatureStatistics, frechet_from_statistics
from interhf_bench.results.metrics_file import MetricValue
from interhf_bench.scoring.aggregate import pooled_mean_with_ci, video_sums

SIDES = ("generated", "reference")


class ShardOverlapError(ValueError):
    """Two shards scored the same video."""


@dataclass
class ScoreState:
    """Per-video frame-metric sums, per-class feature statistics, and what could not be scored."""

    extractor_dims: dict[str, int] = field(default_factory=dict)
    sums: dict[str, dict[str, tuple[float, int]]] = field(default_factory=dict)
    video_class: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    # class code -> extractor name -> (generated, reference) statistics
    features: dict[str, dict[str, tuple[FeatureStatistics, FeatureStatistics]]] = field(default_factory=dict)

    def update(
        self,
        video_id: str,
        interaction: str,
        values: dict[str, np.ndarray],
        features: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
    ) -> None:
        """Add one scored video: per-frame metric values and (generated, reference) clip features."""
        self._claim([video_id])
        self.sums[video_id] = {name: video_sums(frames) for name, frames in values.items()}
        self.video_class[video_id] = interaction
        for name, pair in (features or {}).items():
            for stats, batch in zip(self._class_features(interaction, name), pair, strict=True):
                stats.update(batch)

    def add_missing(self, video_id: str) -> None:
        self._claim([video_id])
        self.missing.append(video_id)

    def add_failed(self, video_id: str, reason: str) -> None:
        self._claim([video_id])
        self.failed[video_id] = reason

    def merge(self, other: ScoreState) -> None:
        """Fold another shard in; a video scored by both shards is an error."""
        self._claim([*other.sums, *other.missing, *other.failed])
        for name, dim in other.extractor_dims.items():
            if self.extractor_dims.setdefault(name, dim) != dim:
                raise ValueError(f"{name}: {dim}-d features cannot merge with {self.extractor_dims[name]}-d")
        self.sums.update(other.sums)
        self.video_class.update(other.video_class)
        self.missing.extend(other.missing)
        self.failed.update(other.failed)
        for code, by_name in other.features.items():
            for name, pair in by_name.items():
                for mine, theirs in zip(self._class_features(code, name), pair, strict=True):
                    mine.merge(theirs)

    def frame_metric(self, name: str, video_ids: Sequence[str]) -> MetricValue:
        """Pooled mean over the frames of ``video_ids`` (in that order) with a bootstrap interval."""
        scored = [v for v in video_ids if v in self.sums and name in self.sums[v]]
        totals = np.array([self.sums[v][name][0] for v in scored], dtype=np.float64)
        counts = np.array([self.sums[v][name][1] for v in scored], dtype=np.int64)
        value, ci95, n = pooled_mean_with_ci(totals, counts)
        return MetricValue(value=value, ci95=ci95, n=n)

    def frechet_metric(self, name: str, classes: Sequence[str], warnings: list[str] | None) -> MetricValue:
        """Fréchet distance of the features of ``classes`` merged in that order; warns when singular."""
        generated, reference = (FeatureStatistics(self.extractor_dims[name]) for _ in SIDES)
        for code in classes:
            if name in self.features.get(code, {}):
                generated.merge(self.features[code][name][0])
                reference.merge(self.features[code][name][1])
        if min(generated.count, reference.count) < 2:
            return MetricValue(value=None, n=generated.count)
        if warnings is not None and generated.count < generated.dim:
            warnings.append(
                f"{name}: {generated.count} clips for {generated.dim}-d features: the covariance is "
                "singular, so the value is not comparable with values computed on more clips"
            )
        try:
            value = frechet_from_statistics(generated, reference)
        except ValueError as exc:
            if warnings is not None:
                warnings.append(f"{name}: not computed: {exc}")
            return MetricValue(value=None, n=generated.count)
        return MetricValue(value=value, n=generated.count)

    def per_video(self) -> dict[str, dict[str, float | None]]:
        return {
            video_id: {name: (total / n if n else None) for name, (total, n) in sums.items()}
            for video_id, sums in self.sums.items()
        }

    def save(self, path: Path) -> None:
        """Write the state to ``path`` (``.npz``: JSON for the sums, arrays for the statistics)."""
        meta = {
            "extractor_dims": self.extractor_dims,
            "sums": self.sums,
            "video_class": self.video_class,
            "missing": self.missing,
            "failed": self.failed,
        }
        arrays: dict[str, np.ndarray] = {"meta": np.array(json.dumps(meta))}
        for code, by_name in self.features.items():
            for name, pair in by_name.items():
                for side, stats in zip(SIDES, pair, strict=True):
                    key = f"{code}/{name}/{side}"
                    arrays[f"{key}/count"] = np.array(stats.count)
                    arrays[f"{key}/mean"] = stats.mean
                    arrays[f"{key}/scatter"] = stats.scatter
        with path.open("wb") as handle:
            np.savez(handle, **arrays)

    @classmethod
    def load(cls, path: Path) -> ScoreState:
        """Read a state written by :meth:`save`; the file is loaded without pickle."""
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(str(data["meta"]))
                state = cls(
                    extractor_dims=meta["extractor_dims"],
                    sums={v: {k: (s, n) for k, (s, n) in m.items()} for v, m in meta["sums"].items()},
                    video_class=meta["video_class"],
                    missing=meta["missing"],
                    failed=meta["failed"],
                )
                for key in data.files:
                    if not key.endswith("/count"):
                        continue
                    code, name, side = key.split("/")[:3]
                    stats = state._class_features(code, name)[SIDES.index(side)]
                    stats.count = int(data[key])
                    stats.mean = data[f"{code}/{name}/{side}/mean"]
                    stats.scatter = data[f"{code}/{name}/{side}/scatter"]
        except (OSError, KeyError, ValueError) as exc:
            raise ValueError(f"{path}: not a score state file ({exc})") from exc
        return state

    def _class_features(self, code: str, name: str) -> tuple[FeatureStatistics, FeatureStatistics]:
        if name not in self.extractor_dims:
            raise KeyError(f"unknown feature extractor {name!r}; known: {sorted(self.extractor_dims)}")
        by_name = self.features.setdefault(code, {})
        if name not in by_name:
            dim = self.extractor_dims[name]
            by_name[name] = (FeatureStatistics(dim), FeatureStatistics(dim))
        return by_name[name]

    def _claim(self, video_ids: Sequence[str]) -> None:
        seen = set(self.sums) | set(self.missing) | set(self.failed)
        overlap = sorted(seen.intersection(video_ids))
        if overlap:
            raise ShardOverlapError(f"videos already in this state: {', '.join(overlap[:5])}")
