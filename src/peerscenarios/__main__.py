"""Allow ``python -m peerscenarios``; also the entry script of the built app (packaging/)."""

import multiprocessing

from peerscenarios import paths
from peerscenarios.cli import main

# Guarded: the library's worker processes ('spawn') must never start the app.
if __name__ == "__main__":
    # In a built app a worker process is this same executable started with
    # '--multiprocessing-fork ...': freeze_support() runs the worker's job and
    # exits before the command line is parsed. Outside a built app it does nothing.
    multiprocessing.freeze_support()
    paths.restore_library_path_for_children()
    raise SystemExit(main())
