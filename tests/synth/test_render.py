"""The renderer: well-formed output for every class, determinism, keypoints that match the drawing, and the
interaction actually happening (right hand, right place, right fingers, visible contact deformation)."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from interhf_bench.pose import wholebody as wb
from interhf_bench.protocol.taxonomy import CLASS_CODES, Category, InteractionClass, Side, get_class
from interhf_bench.synth import hand as hm
from interhf_bench.synth.identity import sample_identity
from interhf_bench.synth.motion import acting_side
from interhf_bench.synth.render import RenderOptions, SynthVideo, render_video

H, W, T = 160, 96, 9


@cache
def _video(
    code: str,
    seed: int = 0,
    size: tuple[int, int] = (H, W),
    frames: int = T,
    deform: bool = True,
    hands: bool = True,
) -> SynthVideo:
    return render_video(
        get_class(code),
        sample_identity(seed),
        num_frames=frames,
        height=size[0],
        width=size[1],
        seed=seed + 100,
        options=RenderOptions(deform=deform, hands=hands),
    )


def _hand(interaction: InteractionClass, acting: bool = True) -> slice:
    left = acting_side(interaction) is Side.LEFT
    return wb.LEFT_HAND if left == acting else wb.RIGHT_HAND


@pytest.mark.parametrize("code", CLASS_CODES)
def test_every_class_renders_well_formed_output(code: str) -> None:
    video = _video(code, seed=CLASS_CODES.index(code), size=(48, 32), frames=3)
    assert video.frames.shape == (3, 48, 32, 3) and video.frames.dtype == np.uint8
    assert video.keypoints.shape == (3, 133, 3) and video.keypoints.dtype == np.float32
    kp = video.keypoints
    assert np.isfinite(kp).all()
    inside = (kp[..., 0] >= 0) & (kp[..., 0] < 32) & (kp[..., 1] >= 0) & (kp[..., 1] < 48)
    np.testing.assert_array_equal(kp[..., 2], inside.astype(np.float32))
    assert kp[:, wb.FACE, 2].all(), "the whole face is in frame"
    assert not kp[:, 11:23, 2].any(), "hips, knees, ankles and feet are below the frame"
    assert video.frames.std() > 20, "not a blank picture"


def test_same_arguments_same_bytes() -> None:
    a = _video("RC-TF", seed=3)
    b = render_video(get_class("RC-TF"), sample_identity(3), num_frames=T, height=H, width=W, seed=103)
    assert a.frames.tobytes() == b.frames.tobytes()
    assert a.keypoints.tobytes() == b.keypoints.tobytes()


def test_other_seeds_give_other_videos() -> None:
    a, b = _video("RC-TF", seed=3), _video("RC-TF", seed=4)
    assert np.abs(a.frames.astype(int) - b.frames.astype(int)).mean() > 10
    assert not np.allclose(a.keypoints, b.keypoints)


def test_reference_frame_is_the_same_rest_pose_for_every_class() -> None:
    a, b = _video("LH-NP", seed=6), _video("RL-FS", seed=6)
    np.testing.assert_array_equal(a.frames[0], b.frames[0])
    assert not np.array_equal(a.frames[T // 2], b.frames[T // 2])


def test_keypoints_scale_with_the_frame_size() -> None:
    # pixel-corner coordinates: doubling the frame doubles every coordinate exactly (the two sizes use
    # different supersampling factors, so this also checks the downscaling convention)
    small, large = _video("LC-SF", seed=2, size=(H // 2, W // 2)), _video("LC-SF", seed=2)
    np.testing.assert_allclose(large.keypoints[..., :2], 2 * small.keypoints[..., :2], atol=1e-3)


GREEN = (0, 255, 0)


@pytest.mark.parametrize("code", ["LH-NP", "RH-EB", "LC-TH", "RL-FS", "LH-ER"])
def test_hand_keypoints_lie_on_the_drawn_hands(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        hm.HandStyle, "from_skin", classmethod(lambda cls, skin: cls(GREEN, GREEN, GREEN, GREEN))
    )
    video = render_video(get_class(code), sample_identity(9), num_frames=7, height=H, width=W, seed=1)
    on, total = 0, 0
    for frame, kp in zip(video.frames, video.keypoints, strict=True):
        green = (frame[..., 1] > 170) & (frame[..., 0] < 90) & (frame[..., 2] < 90)
        for x, y, score in kp[91:]:
            if score > 0:
                i, j = int(y), int(x)
                total += 1
                on += bool(green[max(i - 1, 0) : i + 2, max(j - 1, 0) : j + 2].any())
    assert total > 150 and on / total > 0.95


def _face_box(kp: np.ndarray) -> np.ndarray:
    """Bounding box of the face landmarks and the ears."""
    face = np.concatenate([kp[wb.FACE, :2], kp[3:5, :2]])
    return np.concatenate([face.min(axis=0), face.max(axis=0)])


def _distance_to_box(points: np.ndarray, box: np.ndarray) -> np.ndarray:
    dx = np.maximum(np.maximum(box[0] - points[:, 0], points[:, 0] - box[2]), 0)
    dy = np.maximum(np.maximum(box[1] - points[:, 1], points[:, 1] - box[3]), 0)
    return np.hypot(dx, dy)


TIPS = [wb.fingertip(f) for f in wb.FINGERS]


@pytest.mark.parametrize("code", CLASS_CODES)
def test_acting_hand_goes_from_rest_to_the_face(code: str) -> None:
    interaction = get_class(code)
    kp = _video(code, seed=CLASS_CODES.index(code)).keypoints
    acting, other = _hand(interaction), _hand(interaction, acting=False)
    chin = kp[0, wb.FACE][:, 1].max()
    assert (kp[0, 91:, 1] > chin).all(), "both hands start at rest below the face"
    middle = kp[T // 2]
    near = _distance_to_box(middle[acting][TIPS, :2], _face_box(middle)).min()
    assert near < 0.01 * H, "a fingertip of the acting hand is on the face mid-clip"
    assert _distance_to_box(kp[0, acting][TIPS, :2], _face_box(kp[0])).min() > 0.15 * H
    assert (middle[other][:, 1] > chin).all(), "the other hand stays at rest"
    moved = np.linalg.norm(kp[:, acting, :2] - kp[0, acting, :2], axis=-1).max()
    idle = np.linalg.norm(kp[:, other, :2] - kp[0, other, :2], axis=-1).max()
    assert moved > 0.3 * H and idle < 0.05 * H


@pytest.mark.parametrize("code", ["LC-SF", "RC-SF", "LC-TF", "RC-TF", "LC-TH", "RC-TH"])
def test_pokes_extend_the_right_number_of_fingers(code: str) -> None:
    interaction = get_class(code)
    seed = CLASS_CODES.index(code)
    kp = _video(code, seed=seed).keypoints[T // 2, _hand(interaction), :2]
    ratios = []
    for finger in ("index", "middle", "ring", "pinky"):
        base, tip = wb.finger_joints(finger)[0], wb.fingertip(finger)
        ratios.append(np.linalg.norm(kp[tip] - kp[0]) / np.linalg.norm(kp[base] - kp[0]))
    extended = [r > 1.45 for r in ratios]
    assert extended == [i < interaction.finger_count for i in range(4)], ratios
    nose = _video(code, seed=seed).keypoints[T // 2, 0, 0]
    cheek = kp[wb.fingertip("index"), 0] > nose
    assert cheek == (interaction.region.value == "left_cheek"), (
        "the person's left cheek is on the image right"
    )


@pytest.mark.parametrize("code", ["LR-FS", "RL-FS"])
def test_swipes_move_in_their_direction(code: str) -> None:
    interaction = get_class(code)
    kp = _video(code, seed=8, frames=17).keypoints[:, _hand(interaction)]
    palm = kp[:, [0, 5, 9, 13, 17], 0].mean(axis=1)
    # the person's left is the image right: LR-FS starts on the image right and sweeps towards smaller x
    towards = -1.0 if interaction.direction[0] is Side.LEFT else 1.0
    start = int(np.argmin(towards * palm[: len(palm) // 2]))  # the far end of the start side
    steps = towards * np.diff(palm[start:])
    run = steps[: int(np.argmax(steps <= 0))] if (steps <= 0).any() else steps
    assert len(run) >= 5 and run.sum() > 0.25 * H, "one steady sweep across the face"


def test_contact_deforms_the_face() -> None:
    plain = _video("RC-SF", seed=1, hands=False, deform=False)
    bent = _video("RC-SF", seed=1, hands=False, deform=True)
    np.testing.assert_array_equal(plain.frames[0], bent.frames[0])
    diff = np.abs(plain.frames.astype(int) - bent.frames.astype(int)).sum(axis=-1)
    face = bent.keypoints[:, wb.FACE, :2]
    changed = [diff[t][int(face[t, :, 1].min()) : int(face[t, :, 1].max()), :].max() for t in range(T)]
    assert max(changed) > 40, "pressed skin visibly changes"


def test_face_keypoints_follow_the_deformation() -> None:
    plain = _video("RH-CH", seed=1, hands=False, deform=False).keypoints[:, wb.FACE, :2]
    bent = _video("RH-CH", seed=1, hands=False).keypoints[:, wb.FACE, :2]
    moved = np.linalg.norm(plain - bent, axis=-1)
    assert moved[0].max() == 0.0 and moved[:, wb.FACE_JAW].max() > 0.5
    assert moved[:, 36:48].max() < 0.1, "the eyes are far from the chin"


def test_pinch_narrows_the_nose() -> None:
    plain = _video("LH-NP", seed=2, deform=False, hands=False).keypoints[:, wb.FACE]
    bent = _video("LH-NP", seed=2, hands=False).keypoints[:, wb.FACE]
    width = lambda k: k[:, 35, 0] - k[:, 31, 0]  # noqa: E731
    assert (width(bent) <= width(plain) + 1e-4).all() and (width(bent) < 0.8 * width(plain)).any()


@pytest.mark.parametrize("size", [(64, 40), (24, 16), (33, 21)])
def test_other_sizes_and_lengths(size: tuple[int, int]) -> None:
    video = render_video(
        get_class("LR-FS"), sample_identity(0), num_frames=1, height=size[0], width=size[1], seed=0
    )
    assert video.frames.shape == (1, *size, 3) and video.keypoints.shape == (1, 133, 3)


def test_rejects_impossible_requests() -> None:
    with pytest.raises(ValueError, match="num_frames"):
        render_video(get_class("LH-NP"), sample_identity(0), num_frames=0, height=H, width=W, seed=0)
    with pytest.raises(ValueError, match="too small"):
        render_video(get_class("LH-NP"), sample_identity(0), num_frames=2, height=4, width=4, seed=0)


def test_categories_are_all_covered() -> None:
    assert {get_class(c).category for c in CLASS_CODES} == set(Category)
