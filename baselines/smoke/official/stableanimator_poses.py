"""StableAnimator's own pose PNG for known keypoints: ``DWPose/skeleton_extraction.py``'s detector
wrapper, ``draw_pose`` and ``cv2.imwrite``, as its ``__main__`` writes ``frame_{i}.png``.

Only DWPose's network (two ONNX models, loaded when ``dwpose_detector`` is imported) is replaced, by the
keypoints in its output layout (``keypoints.npz``: ``points`` (1, 134, 2) and ``scores`` (1, 134) in
pixels), as the DisPose driver does. Usage: ``python stableanimator_poses.py KEYPOINTS.npz HxW OUT.png``.
"""

import sys
import types

import numpy as np

sys.path.insert(0, "DWPose")  # skeleton_extraction.py imports dwpose_utils from its own folder
arrays = np.load(sys.argv[1])
height, width = (int(side) for side in sys.argv[2].split("x"))


class Wholebody:
    """DWPose's network, answering with the given keypoints."""

    def __call__(self, image):
        return arrays["points"].copy(), arrays["scores"].copy()


sys.modules["dwpose_utils.wholebody"] = types.SimpleNamespace(Wholebody=Wholebody)
import cv2  # noqa: E402
import skeleton_extraction as official  # noqa: E402

pose = official.dwpose_detector_aligned(np.zeros((height, width, 3), np.uint8))
image = np.transpose(official.draw_pose(pose, height, width), (1, 2, 0))  # as its __main__ does
cv2.imwrite(sys.argv[3], image)
print(f"wrote {sys.argv[3]}")
