"""The author-facing CLI: validate (text, JSON, strict, coverage), paths and where."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from peerscenarios.cli import main
from scenario_samples import VALID

BUILTIN = Path(__file__).resolve().parents[1] / "scenarios"


def test_validate_clean_file(tmp_path: Path, capsys) -> None:
    f = tmp_path / "ok.yaml"
    f.write_text(VALID)
    assert main(["validate", str(f)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "1 scenario(s) loaded: 0 error(s), 0 warning(s)" in err


def test_validate_reports_every_problem_one_per_line(tmp_path: Path, capsys) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(VALID.replace("summary:", "sumary:").replace("role: directive-drift", "role: nope"))
    assert main(["validate", str(tmp_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert f"{f}:4:1: error: unknown key 'sumary' in the scenario; did you mean 'summary'? [PS002]" in lines
    assert any("[PS014]" in ln for ln in lines)
    assert any("[PS003]" in ln for ln in lines)


def test_strict_turns_warnings_into_errors(tmp_path: Path, capsys) -> None:
    f = tmp_path / "warn.yaml"
    f.write_text(VALID.replace('text: "Dana puts the letter away."', 'text: "He feels crazy."'))
    assert main(["validate", str(f)]) == 0
    assert ": warning: 'crazy'" in capsys.readouterr().out
    assert main(["validate", "--strict", str(f)]) == 1
    assert ": error: 'crazy'" in capsys.readouterr().out


def test_json_output(tmp_path: Path, capsys) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(VALID.replace("minutes: 6", "minutes: 0"))
    assert main(["validate", "--json", str(f)]) == 1
    (d,) = json.loads(capsys.readouterr().out)
    assert d["code"] == "PS022"
    assert d["line"] == 5
    assert d["severity"] == "error"


def test_usage_errors_exit_2(tmp_path: Path, capsys) -> None:
    assert main(["validate", str(tmp_path / "missing.yaml")]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["validate"])
    assert exc.value.code == 2
    assert main(["paths", str(tmp_path / "missing.yaml")]) == 2


def test_empty_folder_is_an_error(tmp_path: Path, capsys) -> None:
    assert main(["validate", str(tmp_path)]) == 1
    assert "no scenario files" in capsys.readouterr().err


def test_builtin_library_strict_and_coverage(capsys) -> None:
    assert main(["validate", "--strict", "--coverage", str(BUILTIN)]) == 0
    out = capsys.readouterr().out
    assert "Competency focus" in out
    assert "Gaps: none" in out


def test_paths_lists_routes(tmp_path: Path, capsys) -> None:
    f = tmp_path / "ok.yaml"
    f.write_text(VALID)
    assert main(["paths", str(f)]) == 0
    out = capsys.readouterr().out
    assert "3 route(s)" in out
    assert "plan" in out
    assert "Case-management drift 1" in out
    assert main(["paths", "--json", str(f)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["ending"] for r in data["routes"]] == ["end", "end", "end"]


LOOP = VALID.replace('''  - id: waits
    text: "Dana puts the letter away."
    next: end''', '''  - id: waits
    text: "Dana puts the letter away."
    choices:
      - id: again
        text: "Want to try the call again together?"
        role: peer-aligned
        feedback:
          why: "You offer to go alongside again, so Dana keeps the choice of when to call."
        next: start
      - id: leave
        text: "The rules say you have to sort it out yourself."
        role: authority-drift
        feedback:
          why: "Quoting the program's rule puts the agency before Dana and what she wants."
          better: "Ask her what would help."
        next: end''')


def test_paths_says_which_choices_loops_leave_out(tmp_path: Path, capsys) -> None:
    f = tmp_path / "loop.yaml"
    f.write_text(LOOP)
    assert main(["paths", str(f)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "     ending: A week later (end)   roles: Peer-aligned 1" in out
    assert ("loops: routes are listed without repeating a node, so routes that go round a "
            "loop are left out. Ways back: again at waits (back to start)") in out
    assert "choices on no listed route: again (at waits)" in out
    assert main(["paths", "--json", str(f)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["loops"] == [{"node": "waits", "choice": "again", "to": "start"}]
    assert data["unlisted_choices"] == [{"node": "waits", "choice": "again"}]


def test_paths_graph_mermaid_and_dot(tmp_path: Path, capsys) -> None:
    f = tmp_path / "loop.yaml"
    f.write_text(LOOP)
    assert main(["paths", "--graph", "mermaid", str(f)]) == 0
    mermaid = capsys.readouterr().out.splitlines()
    assert mermaid[0] == "flowchart TD"
    assert '  n0{"start"}' in mermaid
    assert '  n3(["end: A week later"])' in mermaid
    assert '  n0 -->|"plan (Peer-aligned)"| n1' in mermaid
    assert '  n2 -.->|"again (Peer-aligned)"| n0' in mermaid  # the loop, dashed
    assert main(["paths", "--graph", "dot", str(f)]) == 0
    dot = capsys.readouterr().out
    assert dot.startswith('digraph "test-scenario" {')
    assert '"waits" -> "start" [label="again (Peer-aligned)", style=dashed];' in dot
    assert '"end" [label="end: A week later", style="rounded,bold"];' in dot
    assert dot.rstrip().endswith("}")


def test_paths_json_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    f = tmp_path / "ok.yaml"
    f.write_text(VALID)
    # Like 'paths --json | head -1': the reader stops early and closes the pipe.
    proc = subprocess.Popen([sys.executable, "-m", "peerscenarios", "paths", "--json", str(f)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.readline()
    proc.stdout.close()
    _out, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err
    assert proc.returncode == 0


def test_validate_warns_when_an_id_clashes_with_a_built_in(tmp_path: Path, capsys) -> None:
    builtin = sorted(BUILTIN.glob("*.yaml"))[0]
    copy = tmp_path / "my-copy.yaml"
    # An author's edited copy that kept the id: the app would set it aside.
    copy.write_text(builtin.read_text(encoding="utf-8").replace("title: ", "title: My ", 1),
                    encoding="utf-8")
    assert main(["validate", str(copy)]) == 0
    out = capsys.readouterr().out
    sid = builtin.stem
    assert (f"{copy}:1:1: warning: scenario id '{sid}' is already used by the built-in "
            "scenario") in out
    assert "so the app will refuse this file: give it its own id" in out
    assert main(["validate", "--strict", str(copy)]) == 1
    # Checking the built-in folder itself is no clash, and neither is an unchanged copy:
    # the same bytes are the built-in (this is how the repository's scenarios/ looks
    # next to an installed, not editable, copy of the app).
    capsys.readouterr()
    assert main(["validate", str(builtin)]) == 0
    unchanged = tmp_path / "unchanged" / builtin.name
    unchanged.parent.mkdir()
    unchanged.write_bytes(builtin.read_bytes())
    assert main(["validate", "--strict", str(unchanged)]) == 0
    assert "PS024" not in capsys.readouterr().out


def test_validate_on_a_fifo_does_not_hang(tmp_path: Path, capsys) -> None:
    import os

    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    proc = subprocess.run([sys.executable, "-m", "peerscenarios", "validate", str(fifo)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "is not an ordinary file" in proc.stdout


def test_paths_on_broken_file(tmp_path: Path, capsys) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text("id: [")
    assert main(["paths", str(f)]) == 1
    assert "[PS001]" in capsys.readouterr().err


def test_where_respects_data_dir(tmp_path: Path, capsys) -> None:
    target = tmp_path / "elsewhere"
    assert main(["--data-dir", str(target), "where"]) == 0
    out = capsys.readouterr().out
    assert f"data folder:        {target}" in out
    assert oct(target.stat().st_mode & 0o777) == "0o700"
    other = tmp_path / "other"
    assert main(["where", "--data-dir", str(other)]) == 0
    assert f"data folder:        {other}" in capsys.readouterr().out


def test_python_dash_m_entry_point(tmp_path: Path) -> None:
    f = tmp_path / "ok.yaml"
    f.write_text(VALID)
    proc = subprocess.run([sys.executable, "-m", "peerscenarios", "validate", str(f)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_backup_list_and_restore_round_trip(capsys) -> None:
    from peerscenarios.storage import Storage

    with Storage.open() as storage:
        storage.create_profile("Ana")
    assert main(["backup"]) == 0
    backup = Path(capsys.readouterr().out.strip())
    assert backup.is_file()
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    assert main(["backup", "--list"]) == 0
    assert str(backup) in capsys.readouterr().out
    with Storage.open() as storage:
        storage.create_profile("Ben")
    assert main(["restore", str(backup)]) == 0
    with Storage.open(backup=False) as storage:
        assert [p.name for p in storage.list_profiles()] == ["Ana"]
    assert main(["restore", str(backup.with_name("missing.sqlite3"))]) == 1


def test_coverage_prints_the_answer_tell_figures(tmp_path: Path, capsys) -> None:
    f = tmp_path / "ok.yaml"
    f.write_text(VALID)
    assert main(["validate", "--coverage", str(f)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "  it is the longest response: 0 of 1 decisions (0%; target at most 40%)" in out
    assert main(["validate", "--coverage", "--json", str(f)]) == 0
    raw = capsys.readouterr().out
    decoder = json.JSONDecoder()
    diags, end = decoder.raw_decode(raw)
    data, _ = decoder.raw_decode(raw[end:].lstrip())
    assert diags == []
    assert data["answer_tells"] == {"decisions": 1, "peer_longest": 0, "peer_longest_share": 0.0,
                                    "peer_only_question": 0, "peer_only_question_share": 0.0,
                                    "target_share": 0.4}
