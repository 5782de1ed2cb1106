"""Allow ``python -m peerscenarios``."""

from peerscenarios.cli import main

raise SystemExit(main())
