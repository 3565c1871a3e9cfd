"""Keypoints: the COCO-WholeBody layout, DWPose-style pose rendering, and hand and face masks."""
