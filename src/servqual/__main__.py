"""``python -m servqual`` runs the command line (same as the ``servqual`` script)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
