"""Before Qt opens a window: say plainly what is missing, instead of Qt's abort.

On Linux, Qt 6.5 and newer need the system library libxcb-cursor to talk to
an X11 display; without it Qt prints "could not load the Qt platform plugin
xcb" and aborts the process, which a trainee cannot act on. With no display
at all (an SSH session, a server) it aborts the same way. Both are checked
here first, with words and a command that fix them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping

# The library Qt's xcb plugin cannot load without (its soname on every distribution).
XCB_CURSOR = "libxcb-cursor.so.0"


def _loadable(name: str) -> bool:
    # Loading it as Qt's plugin would is the sure test: its path differs per distribution.
    # ctypes is imported here, not at the top: most starts never get this far.
    import ctypes

    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def display_problem(env: Mapping[str, str] | None = None, platform: str | None = None,
                    loadable: Callable[[str], bool] = _loadable) -> str | None:
    """A plain message if Qt could not open a window here, else None.

    Only Linux is checked; an explicit ``QT_QPA_PLATFORM`` (offscreen, wayland,
    a test run) is taken as the user's choice.
    """
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux") or env.get("QT_QPA_PLATFORM"):
        return None
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        return ("PeerScenarios cannot open its window: no screen was found (neither DISPLAY "
                "nor WAYLAND_DISPLAY is set). Start it from your desktop, not from a remote "
                "terminal. The command-line tools (validate, export, backup, where) work "
                "without a screen.")
    # Only a plain X11 session needs it: under Wayland Qt can use its wayland plugin.
    if env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY") and not loadable(XCB_CURSOR):
        return ("PeerScenarios cannot open its window: the system library libxcb-cursor "
                "is missing (Qt needs it on X11 desktops). Install it, then start again:\n"
                "  Debian, Ubuntu, Mint:  sudo apt install libxcb-cursor0\n"
                "  Fedora:                sudo dnf install xcb-util-cursor\n"
                "  Arch:                  sudo pacman -S xcb-util-cursor")
    return None
