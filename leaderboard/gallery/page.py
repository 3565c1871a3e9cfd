"""The gallery's ``index.html``: one row per case, every video of the page on one clock.

Per case: the reference frame, the driving pose, the ground truth and each run's output side by side,
the case's class, and each run's metrics of that case under its video. One play/pause button, one frame
scrubber and the arrow keys move every video together; a class filter hides the other cases' rows and
method checkboxes hide columns. The page is static: inline style and script, media files beside it, no
server, no network. Every piece of text from a run (names, problems) goes through ``html.escape``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from interhf_bench.protocol.spec import ProtocolSpec
from interhf_bench.protocol.taxonomy import CLASSES
from leaderboard.columns import REGION_COLUMNS, TABLE1_COLUMNS, column

CLASS_NAMES = {cls.code: cls.name for cls in CLASSES}
ORDER = [c.key for c in (*TABLE1_COLUMNS, *REGION_COLUMNS)]
MIN_WIDTH = 180  # small protocols are shown enlarged to at least this many pixels wide

STYLE = """
body { font-family: system-ui, sans-serif; margin: 0 1rem 2rem; color: #222; }
header { position: sticky; top: 0; z-index: 1; background: #fff; padding: 0.5rem 0;
         border-bottom: 1px solid #ddd; }
.controls { display: flex; flex-wrap: wrap; gap: 0.8rem; align-items: center; }
#scrubber { width: 20rem; }
fieldset { border: none; display: inline; padding: 0; margin: 0; }
table { border-collapse: collapse; }
th, td { padding: 0.3rem; vertical-align: top; text-align: left; }
tr.case-title th { background: #f4f4f4; font-weight: normal; }
video, img { display: block; image-rendering: pixelated; background: #000; }
dl.metrics { display: grid; grid-template-columns: auto auto; gap: 0 0.6rem; font-size: 0.75rem;
             margin: 0.3rem 0; }
dl.metrics dt, dl.metrics dd { margin: 0; }
dl.metrics dd { text-align: right; font-variant-numeric: tabular-nums; }
.chosen { font-weight: bold; }
.missing { color: #a00; font-size: 0.8rem; max-width: 12rem; }
"""

SCRIPT = """
(function () {
  "use strict";
  var fps = Number(document.body.dataset.fps), count = Number(document.body.dataset.frames);
  var videos = Array.prototype.slice.call(document.querySelectorAll("video"));
  var button = document.getElementById("play");
  var scrubber = document.getElementById("scrubber");
  var counter = document.getElementById("frame");
  var playing = false;

  function frameAt(time) { return Math.max(0, Math.min(count - 1, Math.floor(time * fps + 1e-3))); }
  function current() { return videos.length ? frameAt(videos[0].currentTime) : 0; }
  function show(frame) { scrubber.value = frame; counter.textContent = (frame + 1) + " / " + count; }

  function pause() {
    playing = false;
    button.textContent = "Play";
    videos.forEach(function (video) { video.pause(); });
  }
  function seek(frame) {  // every video to the middle of one frame
    frame = Math.max(0, Math.min(count - 1, frame));
    pause();
    videos.forEach(function (video) { video.currentTime = (frame + 0.5) / fps; });
    show(frame);
  }
  function follow() {  // keep every video on the first one's clock while playing
    if (!playing) return;
    var time = videos[0].currentTime;
    videos.forEach(function (video) {
      if (Math.abs(video.currentTime - time) > 0.5 / fps) video.currentTime = time;
    });
    show(frameAt(time));
    requestAnimationFrame(follow);
  }
  function play() {
    if (!videos.length) return;
    playing = true;
    button.textContent = "Pause";
    var time = videos[0].currentTime;
    videos.forEach(function (video) {
      video.currentTime = time;
      var started = video.play();  // a pause right after it interrupts it: nothing went wrong
      if (started) started.catch(function () {});
    });
    requestAnimationFrame(follow);
  }
  function toggle() { if (playing) { seek(current()); } else { play(); } }

  button.addEventListener("click", toggle);
  scrubber.addEventListener("input", function () { seek(Number(scrubber.value)); });
  document.addEventListener("keydown", function (event) {
    var tag = event.target.tagName;
    if (tag === "SELECT" || event.target === scrubber) return;  // they use the arrows themselves
    if (event.key === "ArrowRight") { seek(current() + 1); event.preventDefault(); }
    else if (event.key === "ArrowLeft") { seek(current() - 1); event.preventDefault(); }
    else if (event.key === " " && tag !== "BUTTON" && tag !== "INPUT") { toggle(); event.preventDefault(); }
  });

  var classes = document.getElementById("class-filter");
  classes.addEventListener("change", function () {
    document.querySelectorAll("tbody.case").forEach(function (body) {
      body.hidden = classes.value !== "" && body.dataset.class !== classes.value;
    });
  });
  document.querySelectorAll("input.method-filter").forEach(function (box) {
    box.addEventListener("change", function () {
      document.querySelectorAll("[data-column='" + box.value + "']").forEach(function (cell) {
        cell.hidden = !box.checked;
      });
    });
  });
})();
"""


@dataclass(frozen=True)
class CaseView:
    """What the page shows of one case; media paths are relative to the page."""

    video_id: str
    interaction: str
    reference: str
    pose: str
    ground_truth: str
    outputs: list[str | None]  # per run
    problems: list[str | None]  # per run: why it has no video
    metrics: list[dict[str, float | None]]  # per run: its metrics of this case


@dataclass(frozen=True)
class PageInfo:
    """What the page says about the whole gallery."""

    protocol: ProtocolSpec
    run_names: list[str]  # untrusted
    description: str  # untrusted (it may hold a run's name)
    metric: str | None  # the metric that chose the cases, highlighted under each video
    board_link: str | None = None


def display_width(protocol: ProtocolSpec) -> int:
    """Pixels on the page: the protocol's width, enlarged by a whole factor when it is small."""
    return protocol.width * max(1, -(-MIN_WIDTH // protocol.width))


def metric_label(name: str) -> str:
    known = column(name)
    return f"{known.label} {known.arrow}" if known else name


def metric_value(name: str, value: float | None) -> str:
    if value is None:
        return "–"
    known = column(name)
    return known.format(value) if known else f"{value:.4g}"


def metrics_list(values: dict[str, float | None], chosen: str | None) -> str:
    """The metrics of one video, the table columns first; the one that chose the cases in bold."""
    names = sorted(values, key=lambda name: (ORDER.index(name) if name in ORDER else len(ORDER), name))
    items = []
    for name in names:
        css = ' class="chosen"' if name == chosen else ""
        label, shown = escape(metric_label(name)), escape(metric_value(name, values[name]))
        items.append(f"<dt{css}>{label}</dt><dd{css}>{shown}</dd>")
    return f'<dl class="metrics">{"".join(items)}</dl>' if items else ""


def video_tag(path: str, width: int) -> str:
    source = escape(path)
    return f'<video src="{source}" width="{width}" muted playsinline preload="auto" loop></video>'


def _output_cell(case: CaseView, index: int, info: PageInfo, width: int) -> str:
    path, problem = case.outputs[index], case.problems[index]
    media = video_tag(path, width) if path else f'<div class="missing">{escape(problem or "")}</div>'
    return f'<td data-column="run{index}">{media}{metrics_list(case.metrics[index], info.metric)}</td>'


def case_body(case: CaseView, info: PageInfo) -> str:
    """One case: a title row (id, class), then the row of pictures."""
    width = display_width(info.protocol)
    title = f"{case.video_id} · {case.interaction} ({CLASS_NAMES.get(case.interaction, '')})"
    cells = [
        f'<td><img src="{escape(case.reference)}" width="{width}" alt="reference frame"></td>',
        f"<td>{video_tag(case.pose, width)}</td>",
        f"<td>{video_tag(case.ground_truth, width)}</td>",
        *(_output_cell(case, index, info, width) for index in range(len(case.outputs))),
    ]
    start = f'<tbody class="case" data-class="{escape(case.interaction)}" id="case-{escape(case.video_id)}">'
    heading = f'<tr class="case-title"><th colspan="{len(cells)}">{escape(title)}</th></tr>'
    return f'{start}{heading}<tr class="media">{"".join(cells)}</tr></tbody>'


def _class_options(cases: Sequence[CaseView]) -> str:
    options = []
    for code in sorted({case.interaction for case in cases}):
        label = f"{code} ({CLASS_NAMES.get(code, '')})"
        options.append(f'<option value="{escape(code)}">{escape(label)}</option>')
    return '<option value="">all classes</option>' + "".join(options)


def _method_boxes(info: PageInfo) -> str:
    boxes = [
        f'<label><input type="checkbox" class="method-filter" value="run{i}" checked> {escape(name)}</label>'
        for i, name in enumerate(info.run_names)
    ]
    return f'<fieldset id="method-filter"><legend>Methods</legend>{" ".join(boxes)}</fieldset>'


def controls(cases: Sequence[CaseView], info: PageInfo) -> str:
    """Play/pause, the frame scrubber, the class filter and the method checkboxes."""
    frames = info.protocol.num_target_frames
    scrubber = f'<input id="scrubber" type="range" min="0" max="{frames - 1}" value="0" aria-label="frame">'
    return (
        f'<div class="controls"><button id="play" type="button">Play</button>{scrubber}'
        f'<span id="frame">1 / {frames}</span>'
        f'<label>Class <select id="class-filter">{_class_options(cases)}</select></label>'
        f"{_method_boxes(info)}</div>"
    )


def header_row(info: PageInfo) -> str:
    runs = [f'<th data-column="run{index}">{escape(name)}</th>' for index, name in enumerate(info.run_names)]
    return f"<thead><tr><th>Reference</th><th>Pose</th><th>Ground truth</th>{''.join(runs)}</tr></thead>"


def page(cases: Sequence[CaseView], info: PageInfo) -> str:
    protocol = info.protocol
    about = (
        f"{info.description}; protocol {protocol.id}, {protocol.num_target_frames} target frames at "
        f"{protocol.fps:g} fps. Space plays and pauses, the arrow keys step one frame."
    )
    link = f' <a href="{escape(info.board_link)}">Leaderboard</a>' if info.board_link else ""
    title = f"<h1>InterHF-Bench gallery</h1><p>{escape(about)}{link}</p>"
    header = f"<header>{title}{controls(cases, info)}</header>"
    rows = "".join(case_body(case, info) for case in cases)
    body = f'{header}<table id="gallery">{header_row(info)}{rows}</table>'
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>InterHF-Bench gallery</title><style>{STYLE}</style></head>"
        f'<body data-fps="{protocol.fps:g}" data-frames="{protocol.num_target_frames}">'
        f"{body}<script>{SCRIPT}</script></body></html>\n"
    )
