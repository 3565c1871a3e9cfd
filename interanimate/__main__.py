import sys

from interanimate.cli import main

sys.exit(main())
