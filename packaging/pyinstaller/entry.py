"""The frozen app's entry point: the same ``main`` as the ``deskmate`` console script."""

import multiprocessing
import sys

if __name__ == "__main__":
    # A spawned child of the frozen app (the index build's analysis worker, the resource
    # tracker) starts this same executable: freeze_support() turns it into that child and
    # exits, instead of running the app a second time. It must come first.
    multiprocessing.freeze_support()

    from deskmate.core.search.build_pipeline import allow_frozen_workers
    from deskmate.desktop.cli import main

    allow_frozen_workers()
    sys.exit(main())
