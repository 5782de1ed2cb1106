"""``peerscenarios export``: a learner portfolio, or a group session's record, from a terminal.

``export --format pdf|md|csv --out FILE [--profile NAME] [--since D] [--until D]``
``export --group-session ID|latest --format pdf|csv --out FILE``
Both take ``--page-size a4|letter`` for PDF (default: the computer's locale).
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from peerscenarios.errors import PeerScenariosError

if TYPE_CHECKING:
    from peerscenarios.core.library import Library
    from peerscenarios.storage import Storage

# Python 3.11's fromisoformat also takes "20260302" and "2026-W10-1"; the flags promise
# YYYY-MM-DD, so that is the only form they accept.
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Sessions named in the message when an id is not found.
_SHOWN_SESSIONS = 5


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


def _check_usage(args: argparse.Namespace) -> tuple[date | None, date | None]:
    """The date range; _UsageError for values that do not go together."""
    fmt = args.format
    if getattr(args, "page_size", None) is not None and fmt != "pdf":
        raise _UsageError("--page-size applies to PDF only.")
    if getattr(args, "group_session", None) is not None:
        if fmt not in ("pdf", "csv"):
            raise _UsageError("a group session is exported as pdf or csv.")
        given = [flag for flag, name in (("--profile", "profile"), ("--since", "since"),
                                         ("--until", "until"))
                 if getattr(args, name, None) is not None]
        if given:
            raise _UsageError(f"{', '.join(given)} applies to a portfolio, not to a group "
                              "session.")
        return None, None
    since = _parse_date(getattr(args, "since", None), "--since")
    until = _parse_date(getattr(args, "until", None), "--until")
    if since is not None and until is not None and since > until:
        raise _UsageError(f"--since ({since}) is after --until ({until}).")
    return since, until


def cmd_export(args: argparse.Namespace) -> int:
    """Run ``export``: 0 written, 1 expected problem (message on stderr), 2 bad usage."""
    # Usage is checked before the database is opened: a wrong combination costs nothing.
    try:
        since, until = _check_usage(args)
    except _UsageError as exc:
        print(f"peerscenarios export: {exc}", file=sys.stderr)
        return 2
    try:
        if getattr(args, "group_session", None) is not None:
            return _export_group(args)
        return _export(args, since, until)
    except _UsageError as exc:
        print(f"peerscenarios export: {exc}", file=sys.stderr)
        return 2
    except PeerScenariosError as exc:
        return _fail(str(exc))
    except PermissionError as exc:
        return _fail(f"PeerScenarios is not allowed to use {exc.filename}. Make the folder yours "
                     "and readable, or point at another with --data-dir, --db or --out.")


def _open_storage(args: argparse.Namespace) -> Storage | None:
    """The database, or None (message printed) when there is none to read."""
    from peerscenarios import paths
    from peerscenarios.storage import Storage

    db_url = getattr(args, "db", None)
    if db_url is None and not paths.database_path().exists():
        # Opening would create an empty database; there is nothing to export.
        _fail(f"no practice history found in {paths.data_dir()}. "
              "Use --data-dir or --db to point at another one.")
        return None
    return Storage.open(db_url)


def _library() -> Library:
    from peerscenarios import paths
    from peerscenarios.app.library_service import load_library

    # The app's own sources and cache: titles and words come from the files the trainee
    # played, and a missing or edited file is reported as the app reports it.
    return load_library([paths.user_scenarios_dir()], builtin=[paths.builtin_scenarios_dir()],
                        cache_dir=paths.cache_dir())


def _export(args: argparse.Namespace, since: date | None, until: date | None) -> int:
    from peerscenarios.app.exports import export_portfolio
    from peerscenarios.core.reporting import local_bounds, range_text

    storage = _open_storage(args)
    if storage is None:
        return 1
    try:
        profiles = storage.list_profiles()
        names = ", ".join(p.name for p in profiles)
        wanted = getattr(args, "profile", None)
        if not profiles:
            return _fail("there are no profiles yet, so there is nothing to export.")
        if wanted is not None:
            # The database holds names unique regardless of case, so this finds one at most.
            key = " ".join(wanted.split()).casefold()
            match = [p for p in profiles if p.name.casefold() == key]
            if not match:
                return _fail(f"there is no profile called “{wanted}”. Profiles: {names}.")
            profile = match[0]
        # Never a guess on a shared laptop: with several profiles the person names theirs.
        elif len(profiles) > 1:
            return _fail(f"there are several profiles; choose one with --profile NAME. "
                         f"Profiles: {names}.")
        else:
            profile = profiles[0]
        start, end = local_bounds(since, until)
        count = storage.count_attempts(profile.id, start, end)
        # An empty portfolio is more likely a wrong --since or --until than a wish: say so.
        if count == 0:
            return _fail(f"“{profile.name}” has no attempts ({range_text(since, until)}).")
        out = Path(args.out).expanduser()
        written = export_portfolio(storage, _library(), profile.id, args.format, out,
                                   since=since, until=until,
                                   page_size=getattr(args, "page_size", None))
    finally:
        storage.close()
    print(f"Wrote the portfolio of “{profile.name}” ({count} attempt(s)) to {written}")
    return 0


def _session_id(value: str) -> int | None:
    """The session number asked for, or None for ``latest``."""
    text = value.strip().casefold()
    if text == "latest":
        return None
    if not text.isdigit():
        raise _UsageError(f"--group-session takes a session number or “latest”, not “{value}”.")
    return int(text)


def _export_group(args: argparse.Namespace) -> int:
    from peerscenarios.app.exports import export_group_session
    from peerscenarios.export.text import fmt_time
    from peerscenarios.storage import NotFound

    wanted = _session_id(args.group_session)
    storage = _open_storage(args)
    if storage is None:
        return 1
    try:
        # The newest few: "latest" is the first, and a wrong number lists them to pick from.
        recent = storage.list_group_sessions(limit=_SHOWN_SESSIONS)
        if not recent:
            return _fail("there are no group sessions yet, so there is nothing to export. "
                         "Run one with: peerscenarios present")
        if wanted is None:
            wanted = recent[0].id
        try:
            session = storage.group_session_detail(wanted).session
        except NotFound:
            listed = "; ".join(f"{s.id} ({s.scenario_id}, {fmt_time(s.started_at)})"
                               for s in recent)
            return _fail(f"there is no group session number {wanted}. The latest: {listed}.")
        out = Path(args.out).expanduser()
        written = export_group_session(storage, _library(), session.id, args.format, out,
                                       page_size=getattr(args, "page_size", None))
    finally:
        storage.close()
    print(f"Wrote group session {session.id} ({session.scenario_id}, "
          f"{fmt_time(session.started_at)}) to {written}")
    return 0
