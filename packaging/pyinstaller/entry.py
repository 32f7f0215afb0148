"""The frozen app's entry point: the same ``main`` as the ``deskmate`` console script."""

import sys

from deskmate.desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
