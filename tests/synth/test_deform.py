"""Contact fields: local, the right direction, and point displacement consistent with the image warp."""

from __future__ import annotations

import numpy as np

from interhf_bench.synth.deform import Contact, displace_points, displacement, field

PRESS = Contact("press", np.array([50.0, 40.0]), 6.0, np.zeros(2), strength=0.4, shade=0.3)
DRAG = Contact("drag", np.array([20.0, 20.0]), 5.0, np.array([2.0, -1.0]))
SQUEEZE = Contact("squeeze", np.array([80.0, 60.0]), 5.0, np.array([1.0, 0.0]), strength=0.4)


def test_fields_vanish_far_from_the_contact() -> None:
    dx, dy = displacement((PRESS, DRAG, SQUEEZE), np.array([200.0]), np.array([200.0]))
    assert abs(dx[0]) < 1e-9 and abs(dy[0]) < 1e-9


def test_directions() -> None:
    # press pulls skin towards the fingertip, drag carries it along, squeeze narrows along the axis
    dx, _ = displacement((PRESS,), np.array([55.0]), np.array([40.0]))
    assert dx[0] < 0
    dx, dy = displacement((DRAG,), np.array([20.0]), np.array([20.0]))
    np.testing.assert_allclose([dx[0], dy[0]], DRAG.vector)
    left, right = displace_points((SQUEEZE,), np.array([[76.0, 60.0], [84.0, 60.0]]))
    assert right[0] - left[0] < 8.0


def test_displaced_points_are_where_the_warp_puts_them() -> None:
    # the renderer samples the source at x - d(x); a displaced point x must map back to its source p
    p = np.array([[52.0, 43.0], [18.0, 21.0], [83.0, 58.0]])
    x = displace_points((PRESS, DRAG, SQUEEZE), p)
    dx, dy = displacement((PRESS, DRAG, SQUEEZE), x[:, 0], x[:, 1])
    np.testing.assert_allclose(x - np.stack([dx, dy], axis=1), p, atol=1e-6)


def test_field_matches_pointwise_evaluation() -> None:
    dx, dy, dark = field((PRESS, DRAG), 10, 10, 60, 50)
    ys, xs = np.mgrid[10:60, 10:70] + 0.5
    ex, ey = displacement((PRESS, DRAG), xs, ys)
    np.testing.assert_allclose(dx, ex, atol=5e-3)  # truncated at REACH radii
    np.testing.assert_allclose(dy, ey, atol=5e-3)
    assert dark[30, 40] > 0.2 and dark.max() <= 0.8  # shaded around the press at (50, 40)


def test_weighting_fades_the_effect() -> None:
    assert PRESS.weighted(0.0).strength == 0 and PRESS.weighted(0.0).shade == 0
    np.testing.assert_allclose(DRAG.weighted(0.5).vector, DRAG.vector / 2)
    moved = PRESS.transformed(np.array([1.0, 2.0]), 2.0)
    np.testing.assert_allclose(moved.center, [101.0, 82.0])
    assert moved.radius == 12.0
