"""``peerscenarios course ...``: set up a course server and manage its people (for IT).

``course init --server URL``                 create or upgrade the schema and roles
``course add-trainee NAME``                  a trainee login (password prompted)
``course add-facilitator NAME``              a facilitator login
``course assign TRAINEE FACILITATOR``        put a trainee in a facilitator's cohort
``course set-password NAME``                 give someone a new password
``course people``                            list trainees, facilitators and cohorts

The server URL comes from ``--server`` or PEERSCENARIOS_COURSE_SERVER, as
``postgresql://ADMIN@HOST:PORT/DATABASE``. Leave the administrator's password
out of it: libpq reads PGPASSWORD or ~/.pgpass, and otherwise it is asked
for. A new person's password is asked for twice, read from standard input
with ``--password-stdin``, or made up and printed once with
``--generate-password``. Nothing here imports the PostgreSQL driver until a
command runs.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from typing import TextIO
from urllib.parse import quote

from peerscenarios.course.errors import CourseError, WrongPassword

SERVER_ENV = "PEERSCENARIOS_COURSE_SERVER"


def configure_parser(p: argparse.ArgumentParser) -> None:
    """Add the ``course`` subcommands to ``p`` (the ``course`` subparser)."""
    p.add_argument("--server", metavar="URL", default=os.environ.get(SERVER_ENV),
                   help="the course database as postgresql://ADMIN@HOST:PORT/DATABASE "
                        f"(env {SERVER_ENV}); add ?sslrootcert=CA.pem for your CA")
    sub = p.add_subparsers(dest="course_command", metavar="ACTION", required=True)
    sub.add_parser("init", help="create or upgrade the course schema and roles")
    for verb, what in (("add-trainee", "add a trainee login"),
                       ("add-facilitator", "add a facilitator login"),
                       ("set-password", "give a trainee or facilitator a new password")):
        a = sub.add_parser(verb, help=what)
        a.add_argument("name", metavar="NAME", help="login name, e.g. ana.ruiz")
        how = a.add_mutually_exclusive_group()
        how.add_argument("--password-stdin", action="store_true",
                         help="read the password from the first line of standard input")
        how.add_argument("--generate-password", action="store_true",
                         help="make up a strong password and print it once")
    a = sub.add_parser("assign", help="put a trainee in a facilitator's cohort")
    a.add_argument("trainee", metavar="TRAINEE")
    a.add_argument("facilitator", metavar="FACILITATOR")
    sub.add_parser("people", help="list trainees, facilitators and their cohorts")


def _new_password(args: argparse.Namespace, stdin: TextIO) -> str:
    if args.generate_password:
        # 12 random bytes: 16 characters (96 bits), short enough to read out and type.
        import secrets  # here: the app's start builds this parser, and hmac loads OpenSSL

        password = secrets.token_urlsafe(12)
        print(f"password for {args.name}: {password}")
        print("(shown only now: hand it over privately; they can change it in the app)")
        return password
    if args.password_stdin:
        # Only the line ending goes: spaces may be part of a password.
        return stdin.readline().rstrip("\r\n")
    # A script must say where the password comes from, not block on a prompt no one sees.
    if not stdin.isatty():
        raise CourseError("No password given for the new login.",
                          "Use --password-stdin or --generate-password when not typing at "
                          "a terminal.")
    first = getpass.getpass(f"password for {args.name}: ")
    if first != getpass.getpass("the same again: "):
        raise CourseError("The two passwords were not the same.", "Run the command again.")
    return first


def _with_admin_password(url: str, fn: Callable[[str], object]) -> object:
    """Run ``fn(url)``; if the administrator's password is needed, ask once at a terminal."""
    try:
        return fn(url)
    except WrongPassword:
        # Asked only when someone is at the terminal and the URL names a user; the
        # password goes into the URL percent-encoded, and is never stored or printed.
        if not sys.stdin.isatty() or "@" not in url.split("//", 1)[-1].split("/", 1)[0]:
            raise
        password = getpass.getpass("administrator's password for the course server: ")
        scheme, rest = url.split("//", 1)
        user, host = rest.split("@", 1)
        user = user.split(":", 1)[0]
        return fn(f"{scheme}//{user}:{quote(password, safe='')}@{host}")


def cmd_course(args: argparse.Namespace, *, stdin: TextIO | None = None) -> int:
    """Run one ``course`` action; returns the exit code (1 with a plain message on failure)."""
    # Imported when a course action runs: the app's other commands never load Alembic.
    from peerscenarios.course import admin
    from peerscenarios.course.schema import FACILITATOR_ROLE, TRAINEE_ROLE

    action = args.course_command
    if not args.server:
        print(f"peerscenarios course {action}: say which server with --server URL "
              f"(or set {SERVER_ENV})", file=sys.stderr)
        return 2  # a usage error, as argparse reports one
    stdin = stdin or sys.stdin
    try:
        if action == "init":
            result = _with_admin_password(args.server, admin.init_server)
            assert isinstance(result, admin.InitResult)
            made = " (database created)" if result.created_database else ""
            was = "new" if result.before is None else f"was {result.before}"
            print(f"course database {result.database}{made}: schema {result.after} ({was})")
        elif action in ("add-trainee", "add-facilitator"):
            group = TRAINEE_ROLE if action == "add-trainee" else FACILITATOR_ROLE
            # The name is checked before the password is asked for: a typo costs no typing.
            admin.check_name(args.name)
            password = admin.check_password(_new_password(args, stdin))
            _with_admin_password(args.server,
                                 lambda url: admin.add_person(url, args.name, group, password))
            print(f"added {args.name} as a {group.removeprefix('ps_')}")
        elif action == "set-password":
            admin.check_name(args.name)
            password = admin.check_password(_new_password(args, stdin))
            _with_admin_password(args.server,
                                 lambda url: admin.reset_password(url, args.name, password))
            print(f"new password set for {args.name}")
        elif action == "assign":
            added = _with_admin_password(
                args.server, lambda url: admin.assign(url, args.trainee, args.facilitator))
            print(f"{args.trainee} is {'now' if added else 'already'} in "
                  f"{args.facilitator}'s cohort")
        else:
            people = _with_admin_password(args.server, admin.list_people)
            assert isinstance(people, list)
            for person in people:
                group = person.group.removeprefix("ps_")
                extra = f"  cohort of: {', '.join(person.facilitators)}" \
                    if person.facilitators else ""
                locked = "" if person.can_login else "  (cannot sign in)"
                print(f"{group:<12} {person.name}{locked}{extra}")
            if not people:
                print("no trainees or facilitators yet")
    except CourseError as exc:
        print(f"peerscenarios course {action}: {exc}", file=sys.stderr)
        return 1
    return 0
