"""A missing screen or a missing X11 library gets a plain message, not Qt's abort."""

from __future__ import annotations

import os
import subprocess
import sys

from peerscenarios.ui.platform_check import XCB_CURSOR, display_problem


def test_no_screen_at_all_is_explained() -> None:
    msg = display_problem({}, "linux", lambda _name: True)
    assert msg is not None
    assert msg.startswith("PeerScenarios cannot open its window: no screen was found")


def test_missing_xcb_cursor_names_the_package_for_each_system() -> None:
    asked: list[str] = []

    def loadable(name: str) -> bool:
        asked.append(name)
        return False

    msg = display_problem({"DISPLAY": ":0"}, "linux", loadable)
    assert asked == [XCB_CURSOR]
    assert msg is not None
    assert "sudo apt install libxcb-cursor0" in msg
    assert "sudo dnf install xcb-util-cursor" in msg


def test_nothing_to_say_when_the_window_can_open() -> None:
    assert display_problem({"DISPLAY": ":0"}, "linux", lambda _name: True) is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux", lambda _n: False) is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux", lambda _n: False) is None
    assert display_problem({}, "win32", lambda _n: False) is None


def test_starting_without_a_screen_ends_with_the_message_and_exit_1() -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    proc = subprocess.run([sys.executable, "-m", "peerscenarios"], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 1
    assert "no screen was found" in proc.stderr
    assert "Traceback" not in proc.stderr
