"""Render a frame strip of synthetic InterHF-mini classes into ``docs/images/``.

Each row is one interaction class performed by a different synthetic subject; the columns are frames
spread over the clip (the first is the reference frame). Run from the repository root:

    python docs/make_frame_strip.py [--size 640x384] [--classes LH-NP RH-EB ...] [--out PATH]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np

from interhf_bench.protocol import INTERHF_V1, get_class
from interhf_bench.seeding import derive_seed
from interhf_bench.synth.identity import sample_identity
from interhf_bench.synth.render import render_video

DEFAULT_CLASSES = ["LH-NP", "RH-EB", "LH-FH", "RH-CH", "LH-ER", "LC-SF", "RC-TH", "LR-FS"]


def frame_strip(
    classes: list[str], height: int, width: int, num_frames: int, columns: int, seed: int
) -> np.ndarray:
    """Rows of frames, one row per class, with the class code written on the first frame."""
    picks = np.linspace(0, num_frames - 1, columns).round().astype(int)
    rows = []
    for index, code in enumerate(classes):
        identity = sample_identity(derive_seed(seed, "subject", index))
        video = render_video(
            get_class(code),
            identity,
            num_frames=num_frames,
            height=height,
            width=width,
            seed=derive_seed(seed, code),
        )
        tiles = [np.ascontiguousarray(video.frames[i]) for i in picks]
        scale = height / 640
        cv2.putText(tiles[0], code, (int(8 * scale), int(40 * scale)), cv2.FONT_HERSHEY_SIMPLEX, 1.2 * scale,
                    (255, 255, 255), max(1, int(3 * scale)), cv2.LINE_AA)  # fmt: skip
        rows.append(np.concatenate([np.pad(t, ((2, 2), (2, 2), (0, 0))) for t in tiles], axis=1))
    return np.concatenate(rows, axis=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="320x192", help="HxW of each frame (protocol aspect 5:3)")
    parser.add_argument("--classes", nargs="+", default=DEFAULT_CLASSES)
    parser.add_argument("--columns", type=int, default=6)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "images" / "synth_strip.jpg")
    args = parser.parse_args()
    height, width = (int(v) for v in args.size.lower().split("x"))
    strip = frame_strip(args.classes, height, width, INTERHF_V1.num_frames, args.columns, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(args.out), cv2.cvtColor(strip, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 88])
    print(f"wrote {args.out} ({strip.shape[1]}x{strip.shape[0]})")


if __name__ == "__main__":
    main()
