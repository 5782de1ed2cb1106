"""Allow ``python -m peerscenarios``."""

from peerscenarios.cli import main

# Guarded: the library's worker processes ('spawn') must never start the app.
if __name__ == "__main__":
    raise SystemExit(main())
