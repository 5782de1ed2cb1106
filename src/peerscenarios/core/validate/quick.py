"""yaml-rs, the library's quick YAML reader, made ready on the main thread only.

yaml-rs (0.1.6) crashes the process with a segmentation fault when the thread
that imported it has ended before its first use, which is what would happen
if the app's library load, which runs on a worker thread of a pool, imported
it. So only the main thread imports it: the app does so just after its first
paint, the command line and the tests when they first read a file. Until
then a worker reads files from libyaml's events, which gives the same result
a little more slowly.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any

loads: Callable[..., Any] | None = None  # yaml_rs.loads, once imported
NO_DUPLICATES: Any = None  # its policy that makes a repeated key an error


def ready() -> bool:
    """True if yaml-rs can be used from this thread (importing it, on the main thread)."""
    global loads, NO_DUPLICATES
    if loads is not None:
        return True
    if "yaml_rs" not in sys.modules and threading.current_thread() is not threading.main_thread():
        return False
    try:
        from yaml_rs import DuplicateKeyPolicy
        from yaml_rs import loads as rs_loads
    except ImportError:  # pragma: no cover - an install without it reads every file by events
        return False
    NO_DUPLICATES = DuplicateKeyPolicy.Error
    loads = rs_loads
    return True
