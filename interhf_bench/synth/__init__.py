"""InterHF-mini: a procedural stand-in for the (non-public) InterHF videos.

A stylised person performs each of the 18 interactions with exact ground-truth keypoints, so every
command of the suite runs end to end on a laptop CPU. ``build`` writes it in the dataset format.
"""
