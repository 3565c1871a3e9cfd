"""Scripts run with the official code, in the method's own environment inside a copy of its checkout
(``runner``): ``<method>_weights.py`` writes small random weights where each official loader reads them,
``stableanimator_poses.py`` draws a known pose with StableAnimator's extraction. Never imported here; this
file only makes them part of the installed package."""
