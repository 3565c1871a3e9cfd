"""``python -m interhf_bench`` is ``interhf-bench``."""

import sys

from interhf_bench.cli import main

sys.exit(main())
