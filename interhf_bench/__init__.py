"""InterHF-Bench: the evaluation suite for hand-face interaction animation.

The package is import-light on purpose: importing it (or running ``interhf-bench --help``) must not
pull in torch; heavy modules are imported by the commands that need them.
"""

__version__ = "0.1.0"
