"""A child process for the fresh-database race: opens each database path it is sent."""

# Usage: ``python open_child.py``. It imports everything, prints READY, then for
# every line on stdin (a database file path) opens and closes a Storage there
# and prints ``OK`` or the error's type and message on one line. Several
# children sent the same path at the same moment race to create it.

from __future__ import annotations

import sys

from peerscenarios.storage import Storage


def main() -> int:
    print("READY", flush=True)
    for line in sys.stdin:
        path = line.strip()
        if not path:
            continue
        try:
            Storage.open(f"sqlite:///{path}", backup=False).close()
        except Exception as exc:
            print(f"ERROR {type(exc).__name__}: {exc}".replace("\n", " "), flush=True)
        else:
            print("OK", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
