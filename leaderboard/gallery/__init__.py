"""The video gallery: the selected cases' reference, pose, ground truth and every run's output side by side.

Modules: ``runs`` (which runs, checked comparable), ``selection`` (which cases), ``cases`` (their frames),
``encode`` (WebM and PNG files), ``page`` (``index.html``), ``figure`` (a still for a paper), ``build``
(all of it into one folder), ``cli`` (the ``gallery`` command).
"""

SELECTIONS = ("worst", "best", "random", "ids")  # how cases are chosen (selection.choose_cases)
