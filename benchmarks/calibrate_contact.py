"""Calibrate the contact rule on synthetic training videos and measure it on the test videos.

The synthetic generator knows which hand touches which face part in every frame (the ``contact`` array
of its pose files, docs/dataset-format.md). This script detects every video's keypoints with the pose
backend the interaction metrics use, then on the training split:

1. chooses ``reach``, ``fill_gaps`` and ``trim`` of :class:`~interhf_bench.metrics.contact.ContactRule`
   by the F1 of the per-frame, per-hand contact against the generator's;
2. chooses ``straight`` (when a finger counts as extended) by how many poking videos get their finger
   count right;
3. sets each face part's prototype (:mod:`interhf_bench.metrics.face_parts`) to the mean reading of the
   frames where that part is touched and the rule sees the touch;

and reports, with those values, on the test split and on the embedded set (the 36 videos ``data synth``
makes without training videos, the set the tests score): precision and recall of the contact, the part
accuracy on correctly detected contact frames, the onset and offset errors, the finger-count accuracy
and the classifier's accuracy. It prints the constants to put into the code and a markdown table for
docs/metrics.md. Both splits draw their people from one pool of 18 synthetic subjects: the test videos
are unseen, their people are not.

    python benchmarks/calibrate_contact.py [--work DIR] [--train-per-class 4] [--hand-detector mediapipe]
"""

from __future__ import annotations

import argparse
import itertools
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from interhf_bench.data.arrays import CONTACT_PARTS, NO_CONTACT
from interhf_bench.data.dataset import Dataset
from interhf_bench.metrics.contact import ContactRule, ContactTrack, contact_track, settle
from interhf_bench.metrics.face_parts import CHEEK, features
from interhf_bench.metrics.interaction_classifier import finger_count, recognise
from interhf_bench.metrics.interaction_detections import InteractionDetections, unpack
from interhf_bench.pose.backends import get_pose_backend
from interhf_bench.protocol import get_protocol
from interhf_bench.protocol.taxonomy import Category, get_class
from interhf_bench.synth.build import synthesize_dataset

REACHES = np.round(np.arange(0.6, 1.41, 0.1), 2)
FILL_GAPS = (0, 1, 2, 3)
TRIMS = (0, 1, 2)
STRAIGHTS = np.round(np.arange(0.7, 0.96, 0.05), 2)


@dataclass(frozen=True)
class Video:
    """One video's class, split, detections and the generator's contact, on the target frames."""

    code: str
    split: str
    detections: np.ndarray
    truth: np.ndarray  # (T, 2) part index, -1 none


def load_videos(root: Path, detections_dir: Path, backend_name: str, protocol_id: str) -> list[Video]:
    """Every video of the set with its detections (computed once, then read from ``detections_dir``)."""
    dataset = Dataset(root)
    targets = list(get_protocol(protocol_id).target_frames)
    detector = InteractionDetections(get_pose_backend(backend_name))
    folder = detections_dir / f"{backend_name}-{detector.identity}"
    folder.mkdir(parents=True, exist_ok=True)
    videos = []
    for row in dataset:
        path = folder / f"{row.video_id}.npy"
        if not path.is_file():
            np.save(path, detector.features(dataset.frames(row.video_id, targets)))
        truth = dataset.contact(row.video_id)
        if truth is None:
            raise SystemExit(f"{row.video_id}: the pose file has no contact array; synthesize the set again")
        videos.append(Video(row.interaction, row.split, np.load(path), truth[targets]))
    return videos


def track(video: Video, rule: ContactRule) -> ContactTrack:
    return contact_track(*unpack(video.detections), rule)


def counts(truth: np.ndarray, detected: np.ndarray) -> np.ndarray:
    """(hits, detected, true) frames of two boolean arrays."""
    return np.array([(truth & detected).sum(), detected.sum(), truth.sum()])


def f1(total: np.ndarray) -> float:
    hits, detected, true = total
    return 2 * hits / (detected + true) if detected + true else 0.0


def choose_timing(videos: list[Video]) -> ContactRule:
    """``reach``, ``fill_gaps`` and ``trim`` with the best per-hand F1 on ``videos``."""
    distances = []
    for video in videos:
        tracked = track(video, ContactRule())
        distances.append(
            np.array([[np.inf if r is None else r.distance for r in pair] for pair in tracked.readings])
        )
    best, best_f1 = ContactRule(), -1.0
    for reach, fill_gaps, trim in itertools.product(REACHES, FILL_GAPS, TRIMS):
        total = np.zeros(3)
        for video, distance in zip(videos, distances, strict=True):
            for side in range(2):
                detected = settle(distance[:, side] <= reach, fill_gaps, trim)
                total += counts(video.truth[:, side] != NO_CONTACT, detected)
        if f1(total) > best_f1:
            best, best_f1 = ContactRule(reach=float(reach), fill_gaps=fill_gaps, trim=trim), f1(total)
    return best


def choose_straight(videos: list[Video], rule: ContactRule) -> ContactRule:
    """``straight`` with the most poking videos given their finger count."""
    poking = [v for v in videos if get_class(v.code).category is Category.POKING]
    scores = {}
    for straight in STRAIGHTS:
        candidate = replace(rule, straight=float(straight))
        right = 0
        for video in poking:
            tracked = track(video, candidate)
            side = int(np.argmax(tracked.contact.sum(0)))
            right += finger_count(tracked, side) == get_class(video.code).finger_count
        scores[float(straight)] = right
    return replace(rule, straight=max(scores, key=scores.__getitem__))


def choose_prototypes(videos: list[Video], rule: ContactRule) -> ContactRule:
    """Each part's prototype: the mean reading over its detected touching frames."""
    readings = defaultdict(list)
    for video in videos:
        tracked = track(video, rule)
        for index, side in zip(*np.nonzero((video.truth != NO_CONTACT) & tracked.contact), strict=True):
            reading = tracked.readings[index][side]
            if reading is not None:
                part = CONTACT_PARTS[video.truth[index, side]].value
                readings[CHEEK if part.endswith("cheek") else part].append(features(reading))
    prototypes = {name: tuple(np.round(np.mean(rows, axis=0), 3).tolist()) for name, rows in readings.items()}
    return replace(rule, prototypes={name: prototypes[name] for name in rule.prototypes})


def evaluate(videos: list[Video], rule: ContactRule) -> dict[str, float]:
    """Contact precision, recall and F1 (per frame and hand), part accuracy, timing, fingers, classes."""
    total, parts, onsets, offsets, fingers, classes = np.zeros(3), [], [], [], [], []
    for video in videos:
        tracked = track(video, rule)
        truth = video.truth != NO_CONTACT
        total += counts(truth, tracked.contact)
        hits = truth & tracked.contact
        parts += list(tracked.part[hits] == video.truth[hits])
        on, seen = np.flatnonzero(truth.any(1)), np.flatnonzero(tracked.touching)
        if len(on) and len(seen):
            onsets.append(abs(seen[0] - on[0]))
            offsets.append(abs(seen[-1] - on[-1]))
        interaction = get_class(video.code)
        if interaction.category is Category.POKING and tracked.touching.any():
            side = int(np.argmax(tracked.contact.sum(0)))
            fingers.append(finger_count(tracked, side) == interaction.finger_count)
        classes.append(recognise(tracked) == interaction)
    hits, detected, true = total
    return {
        "precision": hits / detected,
        "recall": hits / true,
        "f1": f1(total),
        "part accuracy": float(np.mean(parts)),
        "onset error (frames)": float(np.mean(onsets)),
        "offset error (frames)": float(np.mean(offsets)),
        "finger count accuracy": float(np.mean(fingers)),
        "class accuracy": float(np.mean(classes)),
        "videos": len(videos),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/interhf-contact-calibration"))
    parser.add_argument("--protocol", default="interhf-mini-v1")
    parser.add_argument("--train-per-class", type=int, default=4)
    parser.add_argument("--hand-detector", default="mediapipe")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    root = args.work / f"{args.protocol}-train{args.train_per_class}"
    embedded_root = args.work / args.protocol
    protocol = get_protocol(args.protocol)
    quiet = {"workers": args.workers, "progress": False}
    synthesize_dataset(root, protocol, train_per_class=args.train_per_class, **quiet)
    synthesize_dataset(embedded_root, protocol, **quiet)
    detector = args.hand_detector
    videos = load_videos(root, args.work / "detections", detector, args.protocol)
    embedded = load_videos(embedded_root, args.work / "embedded-detections", detector, args.protocol)
    train = [v for v in videos if v.split == "train"]
    test = [v for v in videos if v.split == "test"]
    rule = choose_prototypes(train, choose_straight(train, choose_timing(train)))
    print("calibrated on", len(train), "training videos:")
    print(f"  reach={rule.reach}, fill_gaps={rule.fill_gaps}, trim={rule.trim}, straight={rule.straight}")
    for name, prototype in rule.prototypes.items():
        print(f"  {name}: {prototype}")
    splits = (("train", train), ("test", test), ("embedded set", embedded))
    rows = {split: evaluate(chosen, rule) for split, chosen in splits}
    print(f"\n| split | {' | '.join(rows['test'])} |")
    print("|---" * (len(rows["test"]) + 1) + "|")
    for split, values in rows.items():
        shown = (f"{value:.3f}" if isinstance(value, float) else str(value) for value in values.values())
        print(f"| {split} | {' | '.join(shown)} |")


if __name__ == "__main__":
    main()
