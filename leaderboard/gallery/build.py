"""``interhf-bench gallery``: choose cases, encode their videos, write the page (and the figures).

The folder it writes stands alone: ``index.html``, ``media/<video_id>/`` (``reference.png``,
``pose.webm``, ``ground-truth.webm``, ``run<i>.webm``: files are named by position, never after a run's
untrusted name) and, with ``--figure``, ``figures/<video_id>.png`` and ``.pdf``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from interhf_bench.data.dataset import Dataset
from interhf_bench.data.info import protocol_for
from interhf_bench.io.files import write_text_atomic
from interhf_bench.protocol.spec import PROTOCOLS, ProtocolSpec
from leaderboard.gallery.cases import CaseMedia, load_case
from leaderboard.gallery.encode import write_png, write_webm
from leaderboard.gallery.figure import crop_box, default_frames, write_figure
from leaderboard.gallery.page import CaseView, PageInfo, page
from leaderboard.gallery.runs import GalleryRun, check_comparable, load_gallery_run
from leaderboard.gallery.selection import DEFAULT_METRIC, Choice, choose_cases


@dataclass(frozen=True)
class GalleryOptions:
    select: str = "worst"
    cases: int = 8
    metric: str = DEFAULT_METRIC
    method: str | None = None  # whose metric chooses the cases (default: the first run not an oracle)
    ids: tuple[str, ...] = ()
    seed: int = 0
    figure: bool = False
    frames: tuple[int, ...] = ()  # figure columns, 1-based target frames (default: four spread evenly)
    crop: bool = False  # figure cells cropped to the hand-face region
    progress: bool = True


@dataclass
class Gallery:
    page: Path
    choice: Choice
    figures: list[Path] = field(default_factory=list)


def gallery_protocol(root: Path, given: str | None, runs: Sequence[GalleryRun]) -> ProtocolSpec:
    """``--protocol``, else the runs' registered protocol, else the dataset's; its hash must be the runs'."""
    named = given or (runs[0].metrics.protocol if runs[0].metrics.protocol in PROTOCOLS else None)
    spec = protocol_for(root, named)
    if spec.hash != runs[0].metrics.protocol_hash:
        raise ValueError(f"the runs were made under protocol {runs[0].metrics.protocol} with another hash")
    return spec


def write_case_media(
    folder: Path, media: CaseMedia, runs: Sequence[GalleryRun], fps: float, progress: tqdm
) -> CaseView:
    """Encode one case's videos into ``folder/<video_id>/``; the view's paths are relative to the page."""
    where = folder / media.video_id
    write_png(where / "reference.png", media.reference)
    paths: dict[str, str | None] = {}
    for source, frames in media.rows():
        paths[source] = None if frames is None else f"{folder.name}/{media.video_id}/{source}.webm"
        if frames is not None:
            write_webm(where / f"{source}.webm", frames, fps)
        progress.update()
    return CaseView(
        video_id=media.video_id,
        interaction=media.interaction,
        reference=f"{folder.name}/{media.video_id}/reference.png",
        pose=paths["pose"] or "",
        ground_truth=paths["ground-truth"] or "",
        outputs=[paths[f"run{index}"] for index in range(len(media.outputs))],
        problems=media.problems,
        metrics=[run.case_metrics(media.video_id) for run in runs],
    )


def write_gallery(
    run_paths: Sequence[Path],
    out: Path,
    data: Path,
    protocol: str | None = None,
    options: GalleryOptions = GalleryOptions(),
) -> Gallery:
    """Write the gallery of ``run_paths`` on the test set at ``data`` into ``out``."""
    if not run_paths:
        raise ValueError("give at least one run folder")
    runs = [load_gallery_run(Path(path)) for path in run_paths]
    dataset = Dataset(data)
    check_comparable(runs, dataset)
    spec = gallery_protocol(Path(data), protocol, runs)
    test_ids = [row.video_id for row in dataset if row.split == "test"]
    choice = choose_cases(runs, test_ids, select=options.select, count=options.cases, metric=options.metric,
                          method=options.method, ids=options.ids, seed=options.seed)  # fmt: skip
    views, figures = [], []
    total = len(choice.video_ids) * (2 + len(runs))
    with tqdm(total=total, unit="video", desc="gallery", disable=not options.progress) as progress:
        for video_id in choice.video_ids:
            media = load_case(dataset, spec, video_id, runs)
            views.append(write_case_media(out / "media", media, runs, spec.fps, progress))
            if options.figure:
                figures += _case_figure(dataset, spec, media, runs, out, options)
    info = PageInfo(spec, [run.label for run in runs], choice.describe(), choice.metric, _board_link(out))
    write_text_atomic(out / "index.html", page(views, info))
    return Gallery(out / "index.html", choice, figures)


def _case_figure(
    dataset: Dataset, spec: ProtocolSpec, media: CaseMedia, runs: Sequence[GalleryRun], out: Path,
    options: GalleryOptions,
) -> list[Path]:  # fmt: skip
    frames = list(options.frames) or default_frames(spec.num_target_frames)
    bad = [number for number in frames if not 1 <= number <= spec.num_target_frames]
    if bad:
        raise ValueError(f"--frames {bad}: target frames are numbered 1 to {spec.num_target_frames}")
    box = None
    if options.crop:
        hand, face = dataset.masks(media.video_id)
        chosen = [spec.target_frames[number - 1] for number in frames]
        box = crop_box(hand[chosen], face[chosen])
    names = [run.label for run in runs]
    return write_figure(media, names, frames, out / "figures" / media.video_id, box)


def _board_link(out: Path) -> str | None:
    """``../index.html`` when the gallery is built into a leaderboard's ``gallery/`` folder."""
    board = out.resolve().parent
    return "../index.html" if (board / "leaderboard.md").is_file() and out.name == "gallery" else None
