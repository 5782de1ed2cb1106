"""Command-line entry: starts the app, and the author and admin subcommands.

``peerscenarios``                  the desktop app
``peerscenarios validate PATH...``  check scenario files (``--strict``, ``--json``, ``--coverage``)
``peerscenarios paths FILE``        every route through a scenario (``--graph`` for a map)
``peerscenarios where``             where data, scenarios and backups live
``peerscenarios export ...``        a learner portfolio as PDF, Markdown or CSV, or a group
                                   session's record (``--group-session ID|latest``)
``peerscenarios present [ID]``      facilitator mode
``peerscenarios backup|restore``    database backups
``peerscenarios course ...``        set up a course server (see peerscenarios.course.cli)

Exit codes: 0 fine, 1 problems found (or an expected error), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from peerscenarios import __version__

if TYPE_CHECKING:
    from peerscenarios.core.model import Scenario
    from peerscenarios.core.routes import RouteMap


def _add_location_args(p: argparse.ArgumentParser, *, sub: bool = True) -> None:
    # On subcommands the default is SUPPRESS, so `--data-dir X where` keeps X
    # instead of the subparser resetting it to None.
    default = argparse.SUPPRESS if sub else None
    p.add_argument("--data-dir", metavar="DIR", type=Path, default=default,
                   help="folder for the database, your scenarios and backups "
                        "(default: your user data folder; env PEERSCENARIOS_DATA_DIR)")
    p.add_argument("--db", metavar="URL", default=default,
                   help="SQLAlchemy database URL (default: the SQLite file in the data folder)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="peerscenarios",
        description="Offline branching-scenario trainer for peer support specialists.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_location_args(parser, sub=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    v = sub.add_parser("validate", help="check scenario files and folders")
    v.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    v.add_argument("--strict", action="store_true", help="treat warnings as errors")
    v.add_argument("--json", action="store_true", help="print diagnostics as JSON")
    v.add_argument("--coverage", action="store_true",
                   help="also print coverage (competencies, drift kinds, settings) and "
                        "how often the peer-aligned response stands out")
    v.add_argument("--no-lint", action="store_true", help="skip the language and content lint")

    r = sub.add_parser("paths", help="list every route through a scenario")
    r.add_argument("file", type=Path, metavar="FILE")
    r.add_argument("--json", action="store_true", help="print routes as JSON")
    r.add_argument("--graph", choices=("mermaid", "dot"),
                   help="print the branch map as Mermaid or Graphviz (dot) text instead")

    w = sub.add_parser("where", help="show where data, scenarios and backups live")
    _add_location_args(w)

    e = sub.add_parser("export", help="export a learner portfolio or a group session's record")
    _add_location_args(e)
    e.add_argument("--format", choices=("pdf", "md", "csv"), required=True)
    e.add_argument("--out", type=Path, required=True, metavar="FILE")
    e.add_argument("--group-session", metavar="ID|latest",
                   help="export this group session (pdf or csv) instead of a portfolio")
    # str.lower runs before the choices are checked: "A4" and "Letter" work as printed.
    e.add_argument("--page-size", choices=("a4", "letter"), type=str.lower,
                   help="PDF paper size (default: Letter in the US, Canada and other "
                        "Letter countries of your locale, A4 elsewhere)")
    e.add_argument("--profile", metavar="NAME", help="profile name (default: the only one)")
    e.add_argument("--since", metavar="DATE", help="only attempts on or after YYYY-MM-DD")
    e.add_argument("--until", metavar="DATE", help="only attempts on or before YYYY-MM-DD")

    pr = sub.add_parser("present", help="run a scenario with a group (facilitator mode)")
    _add_location_args(pr)
    pr.add_argument("scenario_id", nargs="?", metavar="SCENARIO_ID")
    # Three states: no --phones leaves voting off (None); a bare --phones ("") picks the
    # laptop's own address; --phones ADDRESS uses that one.
    pr.add_argument("--phones", nargs="?", const="", default=None, metavar="ADDRESS",
                    help="let the class vote from their phones, on this laptop's address "
                         "(default: its Wi-Fi or wired address; 127.0.0.1 for a demo)")

    b = sub.add_parser("backup", help="make a backup of the database now")
    _add_location_args(b)
    b.add_argument("--list", action="store_true", help="list existing backups instead")
    rs = sub.add_parser("restore", help="restore the database from a backup file")
    _add_location_args(rs)
    rs.add_argument("backup_file", type=Path, metavar="BACKUP")

    # The course commands define their own options; their module imports no driver.
    from peerscenarios.course.cli import configure_parser

    configure_parser(sub.add_parser("course", help="set up a course server and its people"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    # Before any command runs: every path is resolved from the data folder this sets.
    _apply_locations(args)
    # Each command imports what it needs inside it: validating a file must not wait for
    # SQLAlchemy, and nothing but the windows needs Qt.
    cmd = args.command
    if cmd == "validate":
        return cmd_validate(args)
    if cmd == "paths":
        return cmd_paths(args)
    if cmd == "where":
        return cmd_where(args)
    if cmd == "export":
        from peerscenarios.cli.export import cmd_export

        return cmd_export(args)
    if cmd in ("backup", "restore"):
        return cmd_backup(args)
    if cmd == "course":
        from peerscenarios.course.cli import cmd_course

        return cmd_course(args)
    # No command, or "present": both open windows, and run_app tells them apart.
    from peerscenarios.ui.app import run_app

    return run_app(args)


def _apply_locations(args: argparse.Namespace) -> None:
    data_dir = getattr(args, "data_dir", None)
    if data_dir is not None:
        from peerscenarios import paths

        paths.set_data_dir_override(data_dir.expanduser().resolve())


def cmd_validate(args: argparse.Namespace) -> int:
    """``validate``: print every diagnostic; exit 1 on errors (or warnings with --strict)."""
    from peerscenarios import paths
    from peerscenarios.app.library_service import load_library
    from peerscenarios.core import library as core_library
    from peerscenarios.core.coverage import coverage
    from peerscenarios.core.diagnostics import Severity, diagnostics_to_json
    from peerscenarios.core.tells import library_tells, tells_dict, tells_text

    missing = [p for p in args.paths if not p.exists()]
    if missing:
        for p in missing:
            print(f"peerscenarios validate: no such file or folder: {p}", file=sys.stderr)
        return 2
    lib = load_library(args.paths, with_lint=not args.no_lint)
    # The app refuses a file whose id a built-in scenario already uses: say so here too.
    builtins = core_library.load_library([], builtin=[paths.builtin_scenarios_dir()])
    lib = core_library.with_builtin_clashes(lib, builtins)
    diags = list(lib.diagnostics)
    if args.strict:
        # Under --strict a warning fails the run, so it is reported as what it is then.
        diags = [replace(d, severity=Severity.ERROR) for d in diags]
    if args.json:
        _print(diagnostics_to_json(diags))
    else:
        for d in diags:
            _print(d.format())
    errors = sum(1 for d in diags if d.severity is Severity.ERROR)
    warnings = len(diags) - errors
    if not args.json:
        print(f"{len(lib.files)} file(s), {len(lib.scenarios)} scenario(s) loaded: "
              f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
    if args.coverage:
        report = coverage(lib.scenarios)
        tells = library_tells(lib.scenarios)
        if args.json:
            _print(json.dumps({**report.to_dict(), "answer_tells": tells_dict(tells)}, indent=2))
        else:
            _print("")
            _print(report.to_text())
            _print("")
            _print(tells_text(tells))
    # Finding nothing fails: a mistyped folder in a CI step must not pass silently.
    if not lib.files:
        print("peerscenarios validate: no scenario files (*.yaml, *.yml) found", file=sys.stderr)
        return 1
    if errors or (args.strict and warnings):
        return 1
    return 0


def _print(text: str) -> None:
    """Print to stdout; a reader that went away (``| head``) ends the output quietly."""
    try:
        print(text)
    except BrokenPipeError:
        # Point stdout at nothing so the interpreter's final flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(0) from None


def cmd_paths(args: argparse.Namespace) -> int:
    """``paths``: every route through one scenario, what loops leave out, or its branch map."""
    from peerscenarios.core.branchmap import branch_map
    from peerscenarios.core.library import check_file
    from peerscenarios.core.routes import explore_routes

    if not args.file.is_file():
        what = "not a plain file" if args.file.exists() else "no such file"
        print(f"peerscenarios paths: {what}: {args.file}", file=sys.stderr)
        return 2
    # Routes do not depend on the wording, so the language lint is skipped.
    loaded = check_file(args.file, with_lint=False)
    if loaded.scenario is None:
        for d in loaded.diagnostics:
            print(d.format(), file=sys.stderr)
        return 1
    sc = loaded.scenario
    if args.graph:
        _print(branch_map(sc, args.graph).rstrip("\n"))
        return 0
    found = explore_routes(sc)
    if args.json:
        _print(json.dumps({
            "scenario": sc.id, "routes": [r.to_dict() for r in found.routes],
            "loops": [{"node": e.node_id, "choice": e.choice_id, "to": e.target}
                      for e in found.loops],
            "truncated": found.truncated,
            "unlisted_choices": [{"node": n, "choice": c} for n, c in found.unlisted],
        }, indent=2))
        return 0
    for line in _route_lines(sc, found):
        _print(line)
    return 0


def _route_lines(sc: Scenario, found: RouteMap) -> list[str]:
    """The text ``paths`` prints: each route, then what was left out and why."""
    out = [f"{sc.title} ({sc.id}): {len(found.routes)} route(s)"]
    endings: dict[str, int] = {}
    for i, route in enumerate(found.routes, 1):
        endings[route.ending] = endings.get(route.ending, 0) + 1
        ending = sc.node(route.ending).ending
        title = f"{ending.title} ({route.ending})" if ending is not None else route.ending
        tally = ", ".join(f"{r.label} {n}" for r, n in route.roles) or "no decisions"
        out.append(f"{i:>3}. {' > '.join(route.choice_ids) or '(no choices)'}")
        out.append(f"     ending: {title}   roles: {tally}")
    never = [n.id for n in sc.iter_nodes() if n.ending and n.id not in endings]
    out.append("endings reached: " + ", ".join(f"{k} ({v})" for k, v in endings.items()))
    if never:
        out.append("endings never reached: " + ", ".join(never))
    if found.truncated:
        out.append(f"(listing stopped after {len(found.routes)} routes)")
    if found.loops:
        ways = ", ".join(f"{e.choice_id or 'next'} at {e.node_id} (back to {e.target})"
                         for e in found.loops)
        out.append(f"loops: routes are listed without repeating a node, so routes that go "
                   f"round a loop are left out. Ways back: {ways}")
    if found.unlisted:
        out.append("choices on no listed route: "
                   + ", ".join(f"{c} (at {n})" for n, c in found.unlisted))
    return out


def cmd_where(args: argparse.Namespace) -> int:
    """``where``: print the folders and database the app would use (exit 1 if one is unusable)."""
    from peerscenarios import paths

    problem: OSError | None = None
    for label, where in (
        ("data folder", paths.data_dir),
        ("database", lambda: args.db or paths.default_database_url()),
        ("your scenarios", paths.user_scenarios_dir),
        ("built-in scenarios", paths.builtin_scenarios_dir),
        ("scenario schema", paths.scenario_schema_path),
        ("backups", paths.backups_dir),
        ("logs", paths.log_dir),
    ):
        try:
            value = str(where())
        except OSError as exc:  # each folder is created on first use, which may be refused
            problem = problem or exc
            value = f"{exc.filename} (cannot be used: {exc.strerror})"
        print(f"{label + ':':<20}{value}")
    if problem is not None:
        print(f"peerscenarios where: {_folder_problem(problem)}", file=sys.stderr)
        return 1
    return 0


def _folder_problem(exc: OSError) -> str:
    return (f"PeerScenarios cannot use {exc.filename}: {exc.strerror}. Make the data folder "
            "yours and writable, or choose another with --data-dir.")


def cmd_backup(args: argparse.Namespace) -> int:
    """``backup`` / ``restore``: database backups through SQLite's backup API."""
    from peerscenarios import paths
    from peerscenarios.errors import PeerScenariosError
    from peerscenarios.storage import RestoreRefused, Storage, list_backups, restore_backup
    from peerscenarios.storage.engine import sqlite_file

    try:
        if args.command == "backup" and args.list:
            for info in list_backups(paths.backups_dir()):
                print(f"{info.created_at:%Y-%m-%d %H:%M}  {info.size // 1024:>8} KiB  {info.path}")
        elif args.command == "backup":
            storage = Storage.open(args.db)
            try:
                print(storage.backup_now())
            finally:
                storage.close()
        else:
            target = sqlite_file(args.db) if args.db else paths.database_path()
            if target is None:
                raise RestoreRefused("A backup cannot be restored into an in-memory database.",
                                     "Name a database file with --db, or leave --db out.")
            kept = restore_backup(args.backup_file, target)
            print(f"restored {args.backup_file} to {target}")
            if kept is not None:
                print(f"the database as it was before is kept in {kept}; "
                      "restore that file to undo")
    except PeerScenariosError as exc:
        print(f"peerscenarios {args.command}: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"peerscenarios {args.command}: {_folder_problem(exc)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONUTF8", "1")
    raise SystemExit(main())
