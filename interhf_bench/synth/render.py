"""Render one synthetic video with its COCO-WholeBody keypoints.

Pipeline per video: draw the static parts once at ``k`` times the output size (background, torso, head
layers), plan the motion, then per frame: warp and composite the back hair, the torso (sway) and the head
(sway, roll and contact deformation in one remap), draw arms and hands on top, and downscale with
INTER_AREA. Keypoints are computed in canvas pixels with the top-left-corner origin and divided by ``k``,
which is exact for an integer area downscale.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from interhf_bench.pose import wholebody as wb
from interhf_bench.protocol.taxonomy import InteractionClass, Side
from interhf_bench.synth import hand as hm
from interhf_bench.synth.background import render_background
from interhf_bench.synth.body import (
    ArmStyle,
    Skeleton,
    draw_arm,
    elbow_pole,
    render_torso,
    skeleton,
    solve_elbow,
)
from interhf_bench.synth.canvas import Layer
from interhf_bench.synth.compose import SHADOW_STRENGTH, hand_shadow, warp_composite
from interhf_bench.synth.contact import TOLERANCE, contact_array, touches
from interhf_bench.synth.deform import displace_points
from interhf_bench.synth.face import FaceGeometry, closed_eye_landmarks, face_geometry
from interhf_bench.synth.head import HeadLayers, render_head
from interhf_bench.synth.identity import Identity
from interhf_bench.synth.motion import FrameState, acting_side, plan_motion
from interhf_bench.synth.viewport import Viewport


@dataclass(frozen=True)
class SynthVideo:
    """One rendered clip and its ground-truth keypoints (COCO-WholeBody order, see ``pose.wholebody``)."""

    frames: np.ndarray  # (T, H, W, 3) uint8, RGB
    keypoints: np.ndarray  # (T, 133, 3) float32, (x, y, score) in pixel coords of these frames
    contact: np.ndarray  # (T, 2) int8, the face part each hand touches (data.arrays.CONTACT_PARTS), -1: none


@dataclass(frozen=True)
class RenderOptions:
    """Switches for tests and inspection; the defaults make the dataset."""

    deform: bool = True  # contact deformation of the face
    hands: bool = True  # draw the arms and hands


@dataclass(frozen=True)
class _Scene:
    """The per-video static drawing: everything that does not change between frames."""

    view: Viewport
    face: FaceGeometry
    closed_landmarks: np.ndarray
    head: HeadLayers
    torso: Layer
    background: np.ndarray
    skeleton: Skeleton
    hand_style: hm.HandStyle
    arm_style: ArmStyle


def _build_scene(identity: Identity, height: int, width: int) -> _Scene:
    view = Viewport.for_size(height, width)
    face = face_geometry(identity)
    sk = skeleton(identity)
    torso_box = (0.0, max(view.oy + 0.36 * view.scale, 0.0), float(view.width), float(view.height))
    return _Scene(
        view=view,
        face=face,
        closed_landmarks=closed_eye_landmarks(face),
        head=render_head(identity, face, view.scale),
        torso=render_torso(
            identity, sk, view.px, view.scale, torso_box, (view.height - view.oy) / view.scale
        ),
        background=render_background(identity, view.height, view.width),
        skeleton=sk,
        hand_style=hm.HandStyle.from_skin(identity.skin),
        arm_style=ArmStyle.from_identity(identity),
    )


def _head_px(scene: _Scene, state: FrameState) -> tuple[np.ndarray, float]:
    return scene.view.px(state.head.center[None])[0], state.head.roll


def _arm_points(scene: _Scene, state: FrameState, h: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shoulder, elbow and wrist (world 3D) of the person's left (h=0) or right (h=1) arm."""
    pose = state.hands[h]
    shoulder = np.append(scene.skeleton.shoulders[h] + state.body_shift, 0.0)
    wrist = pose.wrist
    return shoulder, solve_elbow(shoulder, wrist, elbow_pole(pose.sign)), wrist


def _render_frame(
    scene: _Scene, state: FrameState, order: tuple[int, int], options: RenderOptions
) -> np.ndarray:
    """One output frame; ``order`` lists the arms far to near, the last one casts a shadow when engaged."""
    view = scene.view
    canvas = scene.background.copy()
    head_origin, roll = _head_px(scene, state)
    warp_composite(canvas, scene.head.back, head_origin, roll)
    warp_composite(canvas, scene.torso, state.body_shift * view.scale, 0.0)
    contacts = tuple(c.transformed(view.origin, view.scale) for c in state.contacts) if options.deform else ()
    front = scene.head.front_closed if state.blink else scene.head.front
    head = warp_composite(canvas, front, head_origin, roll, contacts)
    if options.hands and head is not None and state.engagement > 0.3:
        hand_shadow(canvas, head, state.hands[order[-1]], view, SHADOW_STRENGTH * state.engagement**2)
    if options.hands:
        for h in order:
            shoulder, elbow, wrist = _arm_points(scene, state, h)
            draw_arm(canvas, *view.px(np.stack([shoulder, elbow, wrist])), view.scale, scene.arm_style)
            hm.draw_hand(canvas, state.hands[h], view.px, view.scale, scene.hand_style)
    return cv2.resize(canvas, (view.width // view.k, view.height // view.k), interpolation=cv2.INTER_AREA)


def _keypoints(scene: _Scene, state: FrameState, options: RenderOptions) -> np.ndarray:
    """The 133 keypoints of a frame in output pixels, with score 1 inside the frame and 0 outside."""
    view = scene.view
    contacts = tuple(c.transformed(view.origin, view.scale) for c in state.contacts) if options.deform else ()
    landmarks = scene.closed_landmarks if state.blink else scene.face.landmarks
    ears = np.stack([scene.face.ears[1].point, scene.face.ears[0].point])  # person's left ear is image right
    local = np.concatenate([landmarks, ears])
    placed = displace_points(contacts, view.px(state.head.to_world(local)))
    face_px, ears_px = placed[:68], placed[68:]
    xy = np.zeros((wb.NUM_KEYPOINTS, 2))
    xy[wb.FACE] = face_px
    body = np.zeros((17, 2))
    body[0] = face_px[30]
    body[1] = face_px[42:48].mean(axis=0)
    body[2] = face_px[36:42].mean(axis=0)
    body[3], body[4] = ears_px
    sk = scene.skeleton
    shift = state.body_shift
    for h in (0, 1):
        shoulder, elbow, wrist = _arm_points(scene, state, h)
        body[5 + h], body[7 + h], body[9 + h] = view.px(np.stack([shoulder, elbow, wrist]))
        body[11 + h] = view.px((sk.hips[h] + shift)[None])[0]
        body[13 + h] = view.px((sk.knees[h] + shift)[None])[0]
        body[15 + h] = view.px((sk.ankles[h] + shift)[None])[0]
    xy[wb.BODY] = body
    xy[wb.FEET] = view.px(sk.feet + shift)
    xy[wb.LEFT_HAND] = view.px(hm.joints(state.hands[0]))
    xy[wb.RIGHT_HAND] = view.px(hm.joints(state.hands[1]))
    xy /= view.k
    height, width = view.height // view.k, view.width // view.k
    inside = (xy[:, 0] >= 0) & (xy[:, 0] < width) & (xy[:, 1] >= 0) & (xy[:, 1] < height)
    return np.concatenate([xy, inside[:, None].astype(np.float64)], axis=1).astype(np.float32)


def _touching(scene: _Scene, state: FrameState, hand: int) -> bool:
    """Whether ``hand`` touches the face: its contacts are applied and a joint lies on the drawn face or
    an ear (:mod:`interhf_bench.synth.contact`), in canvas pixels."""
    if not state.contacts:
        return False
    outlines = [scene.face.contour, *(ear.outline for ear in scene.face.ears)]
    drawn = [scene.view.px(state.head.to_world(outline)) for outline in outlines]
    joints = scene.view.px(hm.joints(state.hands[hand]))
    return touches(joints, drawn, TOLERANCE * scene.view.scale)


def render_video(
    interaction: InteractionClass,
    identity: Identity,
    *,
    num_frames: int,
    height: int,
    width: int,
    seed: int,
    options: RenderOptions | None = None,
) -> SynthVideo:
    """Frames and keypoints of ``identity`` performing ``interaction`` (deterministic in all arguments)."""
    if num_frames < 1:
        raise ValueError(f"num_frames must be at least 1, got {num_frames}")
    if height < 8 or width < 8:
        raise ValueError(f"frame size {height}x{width} is too small to draw a person (at least 8x8)")
    options = options or RenderOptions()
    scene = _build_scene(identity, height, width)
    states = plan_motion(interaction, identity, scene.face, num_frames, seed)
    acting = 0 if acting_side(interaction) is Side.LEFT else 1
    # the moving arm is drawn over the resting one; at rest the order is fixed, so frame 0 shows nothing
    # of the class
    orders = [(1 - acting, acting) if s.engagement > 0 else (1, 0) for s in states]
    frames = np.stack([_render_frame(scene, s, o, options) for s, o in zip(states, orders, strict=True)])
    keypoints = np.stack([_keypoints(scene, s, options) for s in states])
    touching = [_touching(scene, state, acting) for state in states]
    return SynthVideo(
        frames=frames, keypoints=keypoints, contact=contact_array(interaction, touching, acting)
    )
