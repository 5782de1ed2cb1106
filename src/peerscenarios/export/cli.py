"""``peerscenarios export``: write a learner portfolio from the command line."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path

from peerscenarios.errors import PeerScenariosError

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class _UsageError(Exception):
    """A bad command-line value (exit code 2)."""


def _parse_date(value: str | None, flag: str) -> date | None:
    if value is None:
        return None
    try:
        if not _DATE.fullmatch(value.strip()):
            raise ValueError(value)
        return date.fromisoformat(value.strip())
    except ValueError:
        raise _UsageError(f"{flag} must be a date written YYYY-MM-DD, not “{value}”.") from None


def _fail(message: str) -> int:
    print(f"peerscenarios export: {message}", file=sys.stderr)
    return 1


def cmd_export(args: argparse.Namespace) -> int:
    """Run ``export``: 0 written, 1 expected problem (message on stderr), 2 bad date."""
    try:
        since = _parse_date(getattr(args, "since", None), "--since")
        until = _parse_date(getattr(args, "until", None), "--until")
    except _UsageError as exc:
        print(f"peerscenarios export: {exc}", file=sys.stderr)
        return 2
    if since is not None and until is not None and since > until:
        print(f"peerscenarios export: --since ({since}) is after --until ({until}).",
              file=sys.stderr)
        return 2
    try:
        return _export(args, since, until)
    except PeerScenariosError as exc:
        return _fail(str(exc))
    except PermissionError as exc:
        return _fail(f"PeerScenarios is not allowed to use {exc.filename}. Make the folder yours "
                     "and readable, or point at another with --data-dir, --db or --out.")


def _export(args: argparse.Namespace, since: date | None, until: date | None) -> int:
    from peerscenarios import paths
    from peerscenarios.app.exports import export_portfolio
    from peerscenarios.app.library_service import load_library
    from peerscenarios.core.reporting import local_bounds, range_text
    from peerscenarios.storage import Storage

    db_url = getattr(args, "db", None)
    if db_url is None and not paths.database_path().exists():
        # Opening would create an empty database; there is nothing to export.
        return _fail(f"no practice history found in {paths.data_dir()}. "
                     "Use --data-dir or --db to point at another one.")
    storage = Storage.open(db_url)
    try:
        profiles = storage.list_profiles()
        names = ", ".join(p.name for p in profiles)
        wanted = getattr(args, "profile", None)
        if not profiles:
            return _fail("there are no profiles yet, so there is nothing to export.")
        if wanted is not None:
            key = " ".join(wanted.split()).casefold()
            match = [p for p in profiles if p.name.casefold() == key]
            if not match:
                return _fail(f"there is no profile called “{wanted}”. Profiles: {names}.")
            profile = match[0]
        elif len(profiles) > 1:
            return _fail(f"there are several profiles; choose one with --profile NAME. "
                         f"Profiles: {names}.")
        else:
            profile = profiles[0]
        start, end = local_bounds(since, until)
        count = storage.count_attempts(profile.id, start, end)
        if count == 0:
            return _fail(f"“{profile.name}” has no attempts ({range_text(since, until)}).")
        library = load_library([paths.user_scenarios_dir()],
                               builtin=[paths.builtin_scenarios_dir()],
                               cache_dir=paths.cache_dir())
        out = Path(args.out).expanduser()
        written = export_portfolio(storage, library, profile.id, args.format, out,
                                   since=since, until=until)
    finally:
        storage.close()
    print(f"Wrote the portfolio of “{profile.name}” ({count} attempt(s)) to {written}")
    return 0
