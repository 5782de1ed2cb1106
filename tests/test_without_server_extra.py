"""Without the ``server`` extra (no psycopg, no keyring) the app still imports and works."""

from __future__ import annotations

import subprocess
import sys
import textwrap

CHILD = textwrap.dedent("""
    import importlib.abc, sys

    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("psycopg", "psycopg_binary", "keyring"):
                raise ImportError(f"{name} is blocked for this test")
            return None

    sys.meta_path.insert(0, Block())

    import peerscenarios.cli as cli
    import peerscenarios.ui.app  # the app's entry imports fine
    import peerscenarios.ui.course.submit_dialog, peerscenarios.ui.course.course_view
    import peerscenarios.ui.course.settings_dialog, peerscenarios.ui.course.upload_dialog
    from peerscenarios import paths
    from peerscenarios.course.client import connect
    from peerscenarios.course.errors import ServerMissing
    from peerscenarios.course.settings import CourseSettings, load_password

    assert cli.main(["validate", str(paths.builtin_scenarios_dir())]) == 0
    for call in (lambda: connect(CourseSettings(host="/tmp", user="a", sslmode="disable"), "x"),
                 lambda: load_password(CourseSettings(host="h", user="a"))):
        try:
            call()
        except ServerMissing as exc:
            assert "peerscenarios[server]" in exc.hint
        else:
            raise AssertionError("no ServerMissing")
    assert cli.main(["course", "--server", "postgresql://a@/d?host=/tmp&sslmode=disable",
                     "init"]) == 1
    assert "psycopg" not in sys.modules and "keyring" not in sys.modules
    print("OK")
""")


def test_app_and_cli_work_without_psycopg_or_keyring() -> None:
    proc = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().endswith("OK")
    assert "course-server parts of PeerScenarios are not installed" in proc.stderr
