"""The quickest reader (yaml-rs) gives exactly what libyaml's events and the full walk give.

yaml-rs reads YAML 1.2 and the full walk (PyYAML) YAML 1.1, and they disagree
on words and numbers such as ``no``, ``017``, ``0o17``, ``1_000`` or ``1:30``.
These tests put every such spelling, bare and in quotes, into every kind of
field and check that the library's load (the fast path) ends with the same
scenario and the same diagnostics as the full walk, and that the two fast
readers agree value for value on every file the quick one accepts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from peerscenarios.core import safeyaml
from peerscenarios.core.validate import fast, plain, quick
from peerscenarios.core.validator import validate_bytes
from scenario_samples import VALID

ROOT = Path(__file__).resolve().parents[2]

# Scalars the two YAML versions read differently, or that PyYAML reads as something
# other than text: truth values, octal and hex, signs, underscores, sexagesimal
# numbers, dates, floats, nulls, big numbers.
SPELLINGS = [
    "no", "No", "yes", "on", "off", "y", "n", "true", "False", "~", "null",
    "017", "0o17", "0x1F", "0b101", "+5", "-0", "-7", "1_000", "1:30", "190:20:30",
    "2001-01-01", "2001-12-14 21:59:43.10 -5", "1.5", ".5", "1e3", "1.0e+3", ".inf",
    "6", "0", "12", "123456789012345678901", "=", "<<",
]
# Where a spelling goes: (text to replace in VALID, the replacement with {} for it).
FIELDS = [
    ('title: "A test scenario"', "title: {}"),
    ("minutes: 6", "minutes: {}"),
    ("competencies: [1, 6]", "competencies: [1, {}]"),
    ("tags: [test]", "tags: [{}]"),
    ('version: "1.0"', "version: {}"),
    ("      - speaker: Dana", "      - speaker: {}"),
    ("        competencies: {6: -1}", "        competencies: {{6: {}}}"),
    ('      notes: "Doing-for is the pull."', "      notes: {}"),
    ('    text: "Dana puts the letter away."', "    text: {}"),
]


def _variants() -> list[str]:
    out = []
    for old, new in FIELDS:
        assert old in VALID, old
        for word in SPELLINGS:
            for written in (word, f"'{word}'", f'"{word}"'):
                out.append(VALID.replace(old, new.format(written)))
    return out


def _same(data: bytes) -> None:
    full = validate_bytes(data, "f.yaml")
    loaded = validate_bytes(data, "f.yaml", spans=False)
    assert loaded.diagnostics == full.diagnostics
    assert loaded.scenario == full.scenario
    if loaded.scenario is not None:
        assert loaded.id_mark == full.id_mark


def test_every_spelling_in_every_field_ends_as_the_full_walk_does() -> None:
    variants = _variants()
    quick_reader = 0
    for text in variants:
        _same(text.encode())
        if quick.plainly_written("\n" + text):
            quick_reader += 1
    # Most of them were read by yaml-rs (the rest were ruled out by their spelling).
    assert quick_reader > len(variants) // 2


def test_the_number_spellings_that_differ_never_reach_the_quick_reader() -> None:
    for word in ("017", "0o17", "0x1F", "0b101", "+5", "-0", "1_000", "-017"):
        text = VALID.replace("minutes: 6", f"minutes: {word}")
        assert not quick.plainly_written("\n" + text), word
    for word in ("6", "-7", "bench-007", "n10", "2001"):
        text = VALID.replace("minutes: 6", f"minutes: {word}")
        assert quick.plainly_written("\n" + text), word


def _unindented(text: str) -> str:
    """The same scenario with its node list written at column 1 ("nodes:" then "- id:")."""
    head, nodes = text.split("nodes:\n", 1)
    return head + "nodes:\n" + "\n".join(line[2:] for line in nodes.split("\n"))


@pytest.mark.parametrize("text", [
    _unindented(VALID),  # list items at column 1 are read the quick way too
    _unindented(VALID).replace("- id: start", "- id: start\n---\n"),  # but not a document end
    VALID.replace("format: 1\n", "# A scenario\n\nformat: 1\n"),  # the id further down
    "# first\n" + VALID.replace("id: test-scenario\n", "") + "id: test-scenario\n",
    VALID.replace("id: test-scenario", "id :  test-scenario"),
])
def test_the_id_is_placed_where_the_full_walk_places_it(text: str) -> None:
    assert quick.plainly_written("\n" + text) == ("---" not in text)
    _same(text.encode())


@pytest.mark.parametrize("text", [
    VALID + "---\nformat: 1\n",  # a second document
    "---\n" + VALID,  # a document start: read by events, not the quick reader
    VALID.replace("title: ", '"title": '),  # a quoted top-level key
    VALID.replace("  - id: calls", "  - id: calls\n    id: again"),  # a repeated key
    VALID.replace('    text: "Dana puts the letter away."',
                  '    text: "Dana puts the letter\nid: away."'),  # an id line in a string
    VALID.replace("title: ", "title: &t ").replace("summary: ", "summary: *t #"),
    VALID.replace("version: \"1.0\"", "version: !!str 1.0"),
    VALID.replace("\n", "\r\n"),
    VALID.replace("tags: [test]", "tags:\n\t- test"),
])
def test_files_the_quick_reader_must_not_decide_end_as_the_full_walk_does(text: str) -> None:
    _same(text.encode())


def _samples() -> list[Path]:
    files = sorted((ROOT / "scenarios").glob("*.yaml"))
    files += sorted((ROOT / "src" / "peerscenarios").rglob("*.yaml"))
    files += sorted((ROOT / "tests").rglob("*.yaml"))
    return files


def test_both_fast_readers_agree_on_every_sample_file() -> None:
    read_quickly = 0
    for path in _samples():
        text = safeyaml.decode(path.read_bytes())
        if not isinstance(text, str) or safeyaml.deep_or_suspicious(text):
            continue
        lined = "\n" + text
        if not quick.plainly_written(lined):
            continue
        read_quickly += 1
        assert quick.ready()
        by_rs = quick.read(text, lined)
        try:
            by_events = plain.load_events(text)
        except plain.UnsureError:
            by_events = None
        assert by_rs == by_events, path
    assert read_quickly >= 20  # most built-in scenarios have neither '&' nor '!'


def test_without_yaml_rs_the_events_reader_gives_the_same(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    monkeypatch.setattr(quick, "loads", None)
    monkeypatch.setattr(quick, "ready", lambda: False)
    for text in _variants()[::7]:
        _same(text.encode())
    data = VALID.encode()
    decoded = safeyaml.decode(data)
    assert isinstance(decoded, str)
    assert fast.fast_scenario(data, decoded, "f.yaml") is not None


WORKER_THREADS = """
import sys, threading
from pathlib import Path
root = Path(sys.argv[1])

def load():
    # What the app's library load does on a worker thread of its pool.
    from peerscenarios.app.library_service import load_library
    lib = load_library([root / "scenarios"], cache_dir=None)
    print(len(lib.scenarios), "quick" if sys.modules.get("yaml_rs") else "events")

for _ in range(3):  # each load on a new thread, the one before it ended
    t = threading.Thread(target=load)
    t.start()
    t.join()
from peerscenarios.core.validate import quick
assert quick.ready()  # the main thread may import it; workers then use it
for _ in range(2):
    t = threading.Thread(target=load)
    t.start()
    t.join()
"""


def test_loads_on_worker_threads_never_crash_the_process(tmp_path: Path) -> None:
    # yaml-rs 0.1.6 segfaults when the thread that imported it has ended before it is
    # used: a worker must never be the one to import it.
    import subprocess
    import sys

    script = tmp_path / "workers.py"
    script.write_text(WORKER_THREADS)
    done = subprocess.run([sys.executable, str(script), str(ROOT)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.split()
    count = len(list((ROOT / "scenarios").glob("*.yaml")))
    assert lines == [str(count), "events"] * 3 + [str(count), "quick"] * 2
