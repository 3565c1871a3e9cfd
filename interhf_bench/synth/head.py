"""Drawing of the head, once per video, into layers that each frame warps (sway, roll, contact deformation).

Two layers: the back hair (behind the body: long hair, bob, bun) and the head itself (ears, skin, features,
front hair). Layer pixels are ``head-local units x scale``, so the face centre sits at pixel (0, 0) of the
layer's coordinate system and the layer's ``offset`` says where its top-left corner is.
A second head layer with closed eyes makes blinks a cheap swap.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from interhf_bench.synth.canvas import (
    RGB,
    Layer,
    catmull_rom,
    ellipse_points,
    mix,
    offset_polygon,
    shade,
    thick_line,
)
from interhf_bench.synth.face import Eye, FaceGeometry
from interhf_bench.synth.identity import Identity

HEAD_BOX = (-0.23, -0.29, 0.23, 0.22)  # head-local extent of the head layer (x0, y0, x1, y1)
BACK_BOX = (-0.25, -0.3, 0.25, 0.62)


@dataclass(frozen=True)
class HeadLayers:
    back: Layer
    front: Layer
    front_closed: Layer  # same head with the eyes closed


class _Pen:
    """Draws head-local shapes onto a layer at ``scale`` pixels per unit."""

    def __init__(self, layer: Layer, scale: float) -> None:
        self.layer = layer
        self.s = scale

    def px(self, pts: np.ndarray) -> np.ndarray:
        return np.asarray(pts, dtype=np.float64) * self.s

    def fill(self, pts: np.ndarray, color: RGB) -> None:
        self.layer.fill(self.px(pts), color)

    def stroke(self, pts: np.ndarray, color: RGB, width: float, closed: bool = False) -> None:
        self.layer.stroke(self.px(pts), color, width * self.s, closed)

    def disc(self, c: np.ndarray, r: float, color: RGB) -> None:
        self.layer.disc(self.px(c), r * self.s, color)

    def mask_of(self, *polygons: np.ndarray) -> np.ndarray:
        m = self.layer.mask()
        for poly in polygons:
            self.layer.mask_polygon(m, self.px(poly))
        return m

    def tint(self, mask: np.ndarray, color: RGB, strength: float, blur: float = 0.0) -> None:
        self.layer.tint(mask, color, strength, blur * self.s)


def _new_layer(box: tuple[float, float, float, float], scale: float) -> Layer:
    x0, y0, x1, y1 = (v * scale for v in box)
    return Layer.empty(x0, y0, x1, y1)


def render_head(idt: Identity, face: FaceGeometry, scale: float) -> HeadLayers:
    """Both head layers and the closed-eye variant at ``scale`` pixels per frame-height unit."""
    back = _new_layer(BACK_BOX, scale)
    _draw_back_hair(_Pen(back, scale), idt, face)
    layers = []
    for closed in (False, True):
        front = _new_layer(HEAD_BOX, scale)
        pen = _Pen(front, scale)
        _draw_ears(pen, idt, face)
        _draw_skin(pen, idt, face)
        for eye in face.eyes:
            _draw_eye(pen, idt, eye, closed)
        _draw_brows(pen, idt, face)
        _draw_nose(pen, idt, face)
        _draw_mouth(pen, idt, face)
        _draw_front_hair(pen, idt, face)
        layers.append(pen.layer)
    return HeadLayers(back=back, front=layers[0], front_closed=layers[1])


def _draw_ears(pen: _Pen, idt: Identity, face: FaceGeometry) -> None:
    dark = shade(idt.skin, 0.68)
    for ear in face.ears:
        pen.fill(ear.outline, dark)
        pen.fill(offset_polygon(ear.outline, -0.0022), shade(idt.skin, 0.97))
        pen.stroke(ear.inner, shade(idt.skin, 0.72), 0.0032)


def _draw_skin(pen: _Pen, idt: Identity, face: FaceGeometry) -> None:
    skin = idt.skin
    pen.fill(face.contour, shade(skin, 0.7))
    pen.fill(offset_polygon(face.contour, -0.0024), skin)
    inside = pen.mask_of(offset_polygon(face.contour, -0.0024))
    # rounded look: the rim of the face is a little darker
    rim = (inside.astype(np.float32) * (1.0 - _blurred(inside, 0.022 * pen.s))).astype(np.uint8)
    pen.tint(rim, shade(skin, 0.8), 0.55, blur=0.004)
    light = pen.mask_of(ellipse_points(np.array([0.015, -0.06]), 0.07, 0.085))
    pen.tint(light, mix(skin, (255, 250, 240), 0.5), 0.22, blur=0.03)
    for cheek in face.cheeks:
        blush = pen.mask_of(ellipse_points(cheek + np.array([0.0, 0.012]), 0.024, 0.014))
        pen.tint(blush, mix(skin, (226, 104, 106), 0.6), 0.28, blur=0.01)
    chin = pen.mask_of(ellipse_points(face.chin + np.array([0.0, -0.018]), 0.03, 0.012))
    pen.tint(chin, mix(skin, (255, 250, 240), 0.4), 0.18, blur=0.008)


def _blurred(mask: np.ndarray, sigma: float) -> np.ndarray:
    return cv2.GaussianBlur(mask.astype(np.float32) / 255.0, (0, 0), max(sigma, 0.5))


def _draw_eye(pen: _Pen, idt: Identity, eye: Eye, closed: bool) -> None:
    outline = np.concatenate([eye.upper, eye.lower[::-1][1:-1]])
    lash = (34, 26, 24)
    socket = mix(idt.skin, (120, 80, 80), 0.12)
    shadow = pen.mask_of(ellipse_points(eye.center + np.array([0.0, -0.008]), 0.034, 0.016))
    pen.tint(shadow, shade(socket, 0.85), 0.25, blur=0.006)
    crease = eye.upper[3:-3] + np.array([0.0, -0.0075])
    pen.stroke(crease, shade(idt.skin, 0.78), 0.0018)
    if closed:
        lid = catmull_rom(np.stack([eye.upper[0], eye.center + np.array([0.0, 0.0055]), eye.upper[-1]]), 8)
        pen.fill(outline, shade(idt.skin, 0.93))
        pen.stroke(lid, lash, 0.0032)
        return
    pen.fill(outline, (246, 244, 240))
    iris = pen.layer.blank()
    ipen = _Pen(iris, pen.s)
    c = eye.center + np.array([0.0, 0.0012])
    ipen.disc(c, eye.iris_radius, shade(idt.eye_color, 0.7))
    ipen.disc(c, eye.iris_radius * 0.86, idt.eye_color)
    ipen.disc(c, eye.iris_radius * 0.45, (16, 12, 12))
    ipen.disc(
        c + np.array([0.0038, -0.0042]) * (eye.iris_radius / 0.0108), eye.iris_radius * 0.25, (255, 255, 255)
    )
    lid_shadow = ipen.mask_of(thick_line(eye.upper, 0.004))
    iris.clip_to(pen.mask_of(outline))
    pen.layer.paste(iris)
    pen.tint(lid_shadow, (90, 80, 80), 0.25, blur=0.002)
    pen.stroke(eye.upper, lash, 0.0034)
    corner = eye.upper[-1] if eye.center[0] > 0 else eye.upper[0]
    flick = corner + np.array([np.sign(eye.center[0]) * 0.006, -0.004])
    pen.stroke(np.stack([corner, flick]), lash, 0.0024)
    pen.stroke(eye.lower[2:-2], shade(idt.skin, 0.7), 0.0013)


def _draw_brows(pen: _Pen, idt: Identity, face: FaceGeometry) -> None:
    for line, width in zip(face.brows, face.brow_widths, strict=True):
        pen.fill(thick_line(line, width), idt.brow_color)


def _draw_nose(pen: _Pen, idt: Identity, face: FaceGeometry) -> None:
    lm = face.landmarks
    nw = face.nose_width
    bottom = lm[33, 1]
    side = np.stack(
        [
            np.array([-0.011, lm[27, 1] + 0.008]),
            np.array([-0.012, lm[29, 1]]),
            np.array([-0.8 * nw, bottom - 0.012]),
        ]
    )
    pen.tint(pen.mask_of(thick_line(catmull_rom(side, 6), 0.0035)), shade(idt.skin, 0.7), 0.35, blur=0.003)
    tip = pen.mask_of(ellipse_points(face.nose_tip + np.array([0.003, -0.004]), 0.0075, 0.006))
    pen.tint(tip, mix(idt.skin, (255, 255, 250), 0.6), 0.35, blur=0.003)
    under = pen.mask_of(ellipse_points(np.array([0.0, bottom + 0.006]), 0.9 * nw, 0.004))
    pen.tint(under, shade(idt.skin, 0.72), 0.35, blur=0.003)
    line = shade(idt.skin, 0.68)
    for sign in (-1.0, 1.0):
        wing = ellipse_points(
            np.array([sign * 0.66 * nw, bottom - 0.006]),
            0.36 * nw,
            0.0075,
            0.0,
            14,
            -0.55 * np.pi,
            0.3 * np.pi,
        )
        wing[:, 0] = sign * np.abs(wing[:, 0])
        pen.stroke(wing, line, 0.0015)
        nostril = ellipse_points(np.array([sign * 0.42 * nw, bottom - 0.0008]), 0.22 * nw, 0.0022, sign * 0.3)
        pen.fill(nostril, shade(idt.skin, 0.42))


def _draw_mouth(pen: _Pen, idt: Identity, face: FaceGeometry) -> None:
    lm = face.landmarks
    philtrum = pen.mask_of(ellipse_points((lm[33] + lm[51]) / 2, 0.005, 0.008))
    pen.tint(philtrum, shade(idt.skin, 0.8), 0.3, blur=0.003)
    pen.fill(face.lips_outer, shade(idt.lip_color, 0.9))
    upper = np.concatenate([catmull_rom(lm[48:55], 6), face.lips_line[::-1]])
    pen.fill(upper, shade(idt.lip_color, 0.82))
    pen.stroke(face.lips_line, shade(idt.lip_color, 0.45), 0.0022)
    gloss = pen.mask_of(ellipse_points(lm[57] + np.array([0.0, -0.0055]), 0.011, 0.0032))
    pen.tint(gloss, (255, 246, 240), 0.35, blur=0.002)
    under = pen.mask_of(ellipse_points(lm[57] + np.array([0.0, 0.009]), 0.014, 0.004))
    pen.tint(under, shade(idt.skin, 0.75), 0.3, blur=0.003)


def _skull(face: FaceGeometry, grow: float, top_grow: float) -> np.ndarray:
    """The upper outline of the head from the image-left temple over the top to the right temple, pushed
    outwards by ``grow`` (plus ``top_grow`` towards the crown) for hair volume."""
    contour = np.roll(face.contour, -int(np.argmax(face.contour[:, 1])), axis=0)  # start at the chin
    upper = contour[contour[:, 1] < -0.035]  # clockwise from the chin: left temple, crown, right temple
    c = np.array([0.0, -0.05])
    d = upper - c
    r = np.hypot(d[:, 0], d[:, 1])[:, None]
    up = np.clip(-(d[:, 1:2]) / r, 0, 1)
    return upper + d / r * (grow + top_grow * up)


def _hair_front_shape(idt: Identity, face: FaceGeometry) -> np.ndarray:
    """Cap of hair: over the skull, down to the hairline with a side-swept fringe."""
    volume = {"short": 0.022, "bob": 0.018, "long": 0.016, "bun": 0.01, "buzz": 0.004}.get(
        idt.hair_style, 0.0
    )
    cap = _skull(face, 0.006 + 0.3 * volume, volume)
    fw = face.half_width
    hl = face.hairline_y
    f = idt.fringe if idt.hair_style in ("short", "bob", "long") else 0.0
    low = 0.012 * max(f, 0.0)
    line = np.array(
        [
            [-1.02 * fw, -0.035],
            [-0.97 * fw, hl + 0.045],
            [-0.82 * fw, hl + 0.014],
            [-0.45 * fw, hl + 0.004 + low * (1 - f)],
            [0.25 * f * fw, hl + 0.01 + 0.5 * low],
            [0.5 * fw, hl + 0.003 + low * (1 + f)],
            [0.82 * fw, hl + 0.014],
            [0.97 * fw, hl + 0.045],
            [1.02 * fw, -0.035],
        ]
    )
    return np.concatenate([cap, catmull_rom(line, 8)[::-1]])


def _draw_front_hair(pen: _Pen, idt: Identity, face: FaceGeometry) -> None:
    hair = idt.hair_color
    if idt.hair_style == "bald":
        shine = pen.mask_of(ellipse_points(np.array([0.03, -0.16]), 0.04, 0.018, 0.3))
        pen.tint(shine, (255, 255, 255), 0.25, blur=0.01)
        for sign in (-1.0, 1.0):
            band = np.array(
                [
                    [sign * 0.96 * face.half_width, -0.04],
                    [sign * 1.0 * face.half_width, -0.1],
                    [sign * 0.9 * face.half_width, -0.13],
                    [sign * 0.78 * face.half_width, -0.1],
                    [sign * 0.85 * face.half_width, -0.04],
                ]
            )
            pen.tint(pen.mask_of(catmull_rom(band, 6, closed=True)), hair, 0.55, blur=0.004)
        return
    shape = _hair_front_shape(idt, face)
    if idt.hair_style == "buzz":
        pen.tint(pen.mask_of(shape), hair, 0.8, blur=0.002)
        return
    pen.fill(shape, shade(hair, 0.75))
    pen.fill(offset_polygon(shape, -0.0025), hair)
    strands = pen.layer.blank()
    spen = _Pen(strands, pen.s)
    rng = np.random.default_rng(idt.seed & 0xFFFF)
    for _ in range(22):
        x = rng.uniform(-0.12, 0.12)
        top = np.array([x * 0.5, -0.21])
        mid = np.array([x * 0.95 + 0.01 * idt.fringe, -0.17])
        end = np.array([x * 1.1 + 0.03 * idt.fringe, face.hairline_y + rng.uniform(0.0, 0.03)])
        color = shade(hair, 0.7) if rng.uniform() < 0.6 else mix(hair, (255, 240, 210), 0.25)
        spen.stroke(catmull_rom(np.stack([top, mid, end]), 6), color, 0.0016)
    strands.clip_to(pen.mask_of(offset_polygon(shape, -0.004)))
    pen.layer.paste(strands)
    shine = pen.mask_of(ellipse_points(np.array([0.02, -0.185]), 0.05, 0.013, 0.15))
    pen.tint(shine, mix(hair, (255, 255, 255), 0.5), 0.3, blur=0.006)


def _draw_back_hair(pen: _Pen, idt: Identity, face: FaceGeometry) -> None:
    hair = shade(idt.hair_color, 0.82)
    fw = face.half_width
    if idt.hair_style == "bun":
        pen.disc(np.array([0.0, -0.222]), 0.05, shade(hair, 0.85))
        pen.disc(np.array([0.0, -0.222]), 0.046, hair)
        return
    if idt.hair_style not in ("bob", "long"):
        return
    bottom = 0.13 if idt.hair_style == "bob" else 0.52
    spread = 0.03 if idt.hair_style == "bob" else 0.06
    cap = _skull(face, 0.022, 0.02)
    sides = np.array(
        [
            [fw + 0.02, 0.0],
            [fw + spread, bottom - 0.02],
            [fw + spread * 0.6, bottom],
            [-(fw + spread * 0.6), bottom],
            [-(fw + spread), bottom - 0.02],
            [-(fw + 0.02), 0.0],
        ]
    )
    shape = np.concatenate([cap, catmull_rom(sides, 8)])
    pen.fill(shape, shade(hair, 0.8))
    pen.fill(offset_polygon(shape, -0.003), hair)
    inner = pen.mask_of(ellipse_points(np.array([0.0, 0.02]), fw * 0.95, 0.2))
    pen.tint(inner, shade(hair, 0.55), 0.5, blur=0.02)
