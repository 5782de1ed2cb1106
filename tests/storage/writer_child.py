"""A child process for the crash and concurrency tests: writes through Storage, reports each write."""

# Usage: ``python writer_child.py DB_PATH TAG [ATTEMPT_ID COUNT | backup]``. It imports
# everything, prints READY, waits for a line on stdin, then writes. Each line it
# prints names a write whose call had already returned:
#
#     C <choice id>            record_choice returned
#     D <attempt id> <n>       save_draft returned with text "draft <n>"
#     R <reflection id> <n>    save_reflection returned with text "reflection <n> ..."
#
# Without ATTEMPT_ID it loops forever (the test kills it with SIGKILL); with
# ATTEMPT_ID and COUNT it writes COUNT choices to that attempt and exits. With
# ``backup`` it backs the database up again and again (``B <path>`` after each)
# until it is killed.

from __future__ import annotations

import sys

from peerscenarios.storage import NameTaken, Storage


def _emit(*parts: object) -> None:
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


def main() -> int:
    db_path, tag = sys.argv[1], sys.argv[2]
    if sys.argv[3:] == ["backup"]:
        return _back_up_forever(db_path)
    fixed_attempt = int(sys.argv[3]) if len(sys.argv) > 3 else None
    count = int(sys.argv[4]) if len(sys.argv) > 4 else -1
    _emit("READY")
    sys.stdin.readline()
    storage = Storage.open(f"sqlite:///{db_path}", backup=False)
    if fixed_attempt is None:
        profiles = [p for p in storage.list_profiles() if p.name == "crash"]
        try:
            profile_id = profiles[0].id if profiles else storage.create_profile("crash").id
        except NameTaken:
            profile_id = next(p.id for p in storage.list_profiles() if p.name == "crash")
        current = storage.unfinished_attempt(profile_id)
        attempt_id = (current or storage.start_attempt(profile_id, "s", "h", "practice")).id
    else:
        attempt_id = fixed_attempt
    n = 0
    serial = int(tag) * 1_000_000
    while count < 0 or n < count:
        choice = storage.record_choice(attempt_id, f"n{n}", f"c{n}", "peer-aligned", {1: 1},
                                       f"feedback {tag} {n}")
        _emit("C", choice.id)
        serial += 1
        storage.save_draft(attempt_id, f"draft-{tag}", f"draft {serial}")
        _emit("D", attempt_id, tag, serial)
        if n % 3 == 0:
            text = f"reflection {serial} " + "words about my day " * 20
            reflection = storage.save_reflection(attempt_id, f"p-{tag}-{n}", text)
            _emit("R", reflection.id, serial)
        if fixed_attempt is None and n % 10 == 9:
            storage.finish_attempt(attempt_id, "end")
            attempt_id = storage.start_attempt(profile_id, "s", "h", "practice").id
            _emit("A", attempt_id)
        n += 1
    storage.close()
    _emit("DONE")
    return 0


def _back_up_forever(db_path: str) -> int:
    _emit("READY")
    sys.stdin.readline()
    storage = Storage.open(f"sqlite:///{db_path}", backup=False)
    while True:
        _emit("B", storage.backup_now(label="daily"))


if __name__ == "__main__":
    sys.exit(main())
