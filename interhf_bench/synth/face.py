"""Face geometry of a subject, in head-local units: the drawing and the 68 landmarks come from one place.

Head-local coordinates are fractions of the frame height with the origin at the face centre, x to the
image right and y down. The person faces the camera, so the person's left side is at positive x. Every
drawn feature (jaw outline, brows, eyes, nose, lips, ears) is a curve computed here, and the iBUG landmarks
are sampled from those same curves, which keeps keypoints on the drawing by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from interhf_bench.synth.canvas import catmull_rom, resample
from interhf_bench.synth.identity import Identity


@dataclass(frozen=True)
class Eye:
    """One eye: the almond outline (upper lid then lower lid), centre and iris radius."""

    center: np.ndarray
    upper: np.ndarray  # left corner -> right corner along the upper lid
    lower: np.ndarray  # left corner -> right corner along the lower lid
    iris_radius: float


@dataclass(frozen=True)
class Ear:
    outline: np.ndarray
    inner: np.ndarray
    point: np.ndarray  # the body keypoint (tragus region)
    top: np.ndarray
    lobe: np.ndarray


@dataclass(frozen=True)
class FaceGeometry:
    """Curves of one face (head-local units) and the points the interactions aim at."""

    contour: np.ndarray  # closed outline of the face skin, clockwise from the top of the skull
    landmarks: np.ndarray  # (68, 2) iBUG order
    eyes: tuple[Eye, Eye]  # image-left (person's right), image-right (person's left)
    brows: tuple[np.ndarray, np.ndarray]  # dense centre lines, image-left then image-right, left to right
    brow_widths: tuple[np.ndarray, np.ndarray]
    ears: tuple[Ear, Ear]  # image-left, image-right
    lips_outer: np.ndarray  # dense closed outline
    lips_line: np.ndarray  # dense mouth line (inner lips)
    nose_tip: np.ndarray
    nose_wings: tuple[np.ndarray, np.ndarray]  # image-left, image-right outer points of the nostril wings
    nose_width: float
    cheeks: tuple[np.ndarray, np.ndarray]  # image-left, image-right cheek centres
    forehead: np.ndarray  # centre of the forehead
    hairline_y: float
    chin: np.ndarray
    half_width: float


def _mirror(points: np.ndarray) -> np.ndarray:
    out = np.array(points, dtype=np.float64)
    out[..., 0] *= -1
    return out


def _contour(idt: Identity) -> tuple[np.ndarray, float, float]:
    """The face outline (closed, clockwise from the skull top) and its half width and chin height."""
    fw = 0.112 * idt.face_width
    fl = idt.face_length
    chin_y = 0.163 * fl * idt.chin_length
    jw = idt.jaw_width * fw
    cw = max(idt.chin_width * fw, 0.012)
    right = np.array(
        [
            [0.0, -0.192 * fl],
            [0.62 * fw, -0.172 * fl],
            [0.93 * fw, -0.105 * fl],
            [fw, -0.03 * fl],
            [0.975 * fw, 0.04 * fl],
            [jw + 0.25 * (fw - jw), 0.085 * fl],
            [jw, 0.115 * fl],
            [cw + 0.45 * (jw - cw), 0.143 * fl],
            [cw, chin_y - 0.01],
        ]
    )
    lower_left = _mirror(right[1:][::-1])
    ctrl = np.concatenate([right, [[0.0, chin_y]], lower_left])
    return catmull_rom(ctrl, samples=16, closed=True), fw, chin_y


def _jaw_landmarks(contour: np.ndarray, y0: float) -> np.ndarray:
    """17 jaw points from the image-left ear level around the chin to the image right (iBUG 0-16)."""
    lower = contour[contour[:, 1] >= y0]  # contiguous: the contour starts at the top of the skull
    return resample(lower[::-1], 17)


def _eye(idt: Identity, sign: float, eye_y: float) -> Eye:
    center = np.array([sign * 0.047 * idt.eye_spacing, eye_y])
    ew = 0.0255 * idt.eye_size
    up, low = 0.0135 * idt.eye_size, 0.0085 * idt.eye_size
    t = np.linspace(-1.0, 1.0, 25)
    outer = t * sign  # +1 at the outer corner
    tilt = -0.004 * idt.eye_tilt * outer
    skew = 0.18 * (t * sign)  # upper lid peak shifted towards the inner side
    upper = np.stack([center[0] + ew * t, center[1] + tilt - up * (1 - t**2) ** 0.85 * (1 - skew * 0.5)], 1)
    lower = np.stack([center[0] + ew * t, center[1] + tilt + low * (1 - t**2) ** 1.1], 1)
    return Eye(center=center, upper=upper, lower=lower, iris_radius=0.0108 * idt.eye_size)


def _eye_landmarks(eye: Eye) -> np.ndarray:
    """Six iBUG eye points: left corner, two upper lid, right corner, two lower lid (right to left)."""
    u, lo = eye.upper, eye.lower
    return np.stack([u[0], u[8], u[16], u[24], lo[16], lo[8]])


def _brow(idt: Identity, sign: float, brow_y: float) -> tuple[np.ndarray, np.ndarray]:
    """A brow centre line from the inner end to the outer end, and its half thickness along it."""
    es, ew = 0.047 * idt.eye_spacing, 0.0255 * idt.eye_size
    inner = np.array([sign * (es - 0.85 * ew), brow_y + 0.006])
    outer = np.array([sign * (es + 1.3 * ew), brow_y + 0.009])
    peak = inner + 0.62 * (outer - inner) + np.array([0.0, -0.011 * idt.brow_arch])
    mid = inner + 0.3 * (outer - inner) + np.array([0.0, -0.007 * idt.brow_arch])
    line = catmull_rom(np.stack([inner, mid, peak, outer]), samples=10)
    s = np.linspace(0, 1, len(line))
    width = 0.0048 * idt.brow_thickness * (1.15 - 0.6 * s) + 0.0012
    return line, width


def _nose(idt: Identity, eye_y: float) -> tuple[np.ndarray, float]:
    """iBUG nose points 27-35 and the half width of the nostril wings."""
    nw = 0.021 * idt.nose_width
    bottom = 0.052 * idt.nose_length * idt.face_length
    tip_y = bottom - 0.009
    bridge = np.stack([np.zeros(4), np.linspace(eye_y - 0.002, tip_y, 4)], axis=1)
    low = np.array(
        [
            [-nw, bottom - 0.005],
            [-0.5 * nw, bottom + 0.001],
            [0.0, bottom + 0.003],
            [0.5 * nw, bottom + 0.001],
        ]
    )
    low = np.concatenate([low, [[nw, bottom - 0.005]]])
    return np.concatenate([bridge, low]), nw


def _lips(idt: Identity, mouth_y: float) -> tuple[np.ndarray, np.ndarray]:
    """iBUG outer lips (48-59) and inner lips (60-67)."""
    mw = 0.035 * idt.mouth_width
    lift = -0.005 * idt.smile
    up, low = 0.011, 0.0135
    outer = np.array(
        [
            [-mw, mouth_y + lift],
            [-0.62 * mw, mouth_y - 0.8 * up],
            [-0.27 * mw, mouth_y - 1.1 * up],
            [0.0, mouth_y - 0.85 * up],
            [0.27 * mw, mouth_y - 1.1 * up],
            [0.62 * mw, mouth_y - 0.8 * up],
            [mw, mouth_y + lift],
            [0.6 * mw, mouth_y + 0.8 * low],
            [0.3 * mw, mouth_y + 0.97 * low],
            [0.0, mouth_y + low],
            [-0.3 * mw, mouth_y + 0.97 * low],
            [-0.6 * mw, mouth_y + 0.8 * low],
        ]
    )
    inner_lift = 0.75 * lift
    inner = np.array(
        [
            [-0.86 * mw, mouth_y + inner_lift],
            [-0.4 * mw, mouth_y - 0.0012 + 0.3 * inner_lift],
            [0.0, mouth_y - 0.0008],
            [0.4 * mw, mouth_y - 0.0012 + 0.3 * inner_lift],
            [0.86 * mw, mouth_y + inner_lift],
            [0.4 * mw, mouth_y + 0.0012 + 0.3 * inner_lift],
            [0.0, mouth_y + 0.0008],
            [-0.4 * mw, mouth_y + 0.0012 + 0.3 * inner_lift],
        ]
    )
    return outer, inner


def _ear(idt: Identity, sign: float, fw: float) -> Ear:
    """An ear on the side of the head: the rim bulges outwards, the attached side hides under the face."""
    h = 0.074 * idt.ear_size
    w = 0.024 * idt.ear_size
    cx, cy = sign * 0.965 * fw, -0.004
    t = np.linspace(-0.5 * np.pi, 0.5 * np.pi, 30)
    width = np.where(t < 0, 1.0, 0.8 + 0.2 * np.cos(t))  # the lobe end is narrower
    rim = np.stack([cx + sign * w * np.cos(t) * width, cy + 0.5 * h * np.sin(t)], 1)
    attached = np.array([[cx - sign * 0.6 * w, cy + 0.36 * h], [cx - sign * 0.6 * w, cy - 0.4 * h]])
    ti = np.linspace(-0.42 * np.pi, 0.3 * np.pi, 14)
    inner = np.stack([cx + sign * 0.55 * w * np.cos(ti), cy - 0.03 * h + 0.38 * h * np.sin(ti)], 1)
    return Ear(
        outline=np.concatenate([rim, attached]),
        inner=inner,
        point=np.array([cx + sign * 0.3 * w, cy + 0.05 * h]),
        top=np.array([cx + sign * 0.45 * w, cy - 0.38 * h]),
        lobe=np.array([cx + sign * 0.35 * w, cy + 0.4 * h]),
    )


def face_geometry(idt: Identity) -> FaceGeometry:
    """All curves and landmarks of a subject's face."""
    contour, fw, chin_y = _contour(idt)
    fl = idt.face_length
    eye_y = -0.022 * fl
    brow_y = -0.066 * fl
    mouth_y = 0.092 * fl
    eyes = (_eye(idt, -1.0, eye_y), _eye(idt, 1.0, eye_y))
    brow_l, width_l = _brow(idt, -1.0, brow_y)
    brow_r, width_r = _brow(idt, 1.0, brow_y)
    nose, nw = _nose(idt, eye_y)
    outer, inner = _lips(idt, mouth_y)

    landmarks = np.zeros((68, 2))
    landmarks[0:17] = _jaw_landmarks(contour, eye_y + 0.012)
    landmarks[17:22] = resample(brow_l[::-1], 5)  # image-left brow, drawn inner->outer, listed left->right
    landmarks[22:27] = resample(brow_r, 5)
    landmarks[27:36] = nose
    landmarks[36:42] = _eye_landmarks(eyes[0])
    landmarks[42:48] = _eye_landmarks(eyes[1])
    landmarks[48:60] = outer
    landmarks[60:68] = inner
    hairline_y = (-0.118 - 0.022 * idt.hairline) * fl
    return FaceGeometry(
        contour=contour,
        landmarks=landmarks,
        eyes=eyes,
        brows=(brow_l, brow_r),
        brow_widths=(width_l, width_r),
        ears=(_ear(idt, -1.0, fw), _ear(idt, 1.0, fw)),
        lips_outer=catmull_rom(outer, samples=6, closed=True),
        lips_line=catmull_rom(inner[:5], samples=6),
        nose_tip=nose[3].copy(),
        nose_wings=(nose[4].copy(), nose[8].copy()),
        nose_width=nw,
        cheeks=(np.array([-0.063, 0.03 * fl]), np.array([0.063, 0.03 * fl])),
        forehead=np.array([0.0, 0.5 * (brow_y + hairline_y) - 0.004]),
        hairline_y=hairline_y,
        chin=np.array([0.0, chin_y]),
        half_width=fw,
    )


def closed_eye_landmarks(face: FaceGeometry) -> np.ndarray:
    """The 68 landmarks with both eyes shut: the upper-lid points drop onto the closed lid line."""
    out = face.landmarks.copy()
    for upper, lower in ((37, 41), (38, 40), (43, 47), (44, 46)):
        out[upper] = out[lower] + np.array([0.0, -0.0025])
    return out
