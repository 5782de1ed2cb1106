"""A quicker version of PySide6's check on every module imported after it.

Once ``PySide6.QtCore`` is imported, PySide6 looks at each module imported
afterwards to see whether it uses PySide6 (for its opt-in ``__feature__``
switches, which this app does not use). It finds out with
``inspect.getsource``, which goes through ``linecache`` and ``tokenize``:
about 0.1 ms a module, some 15 ms of the app's start-up on a two-core laptop
(about 130 modules are imported before the first paint).

``install()`` swaps in the same test, the text "PySide6" in the module's
source, read as bytes straight from its ``.py`` file. Anything else (no file,
a compiled module, an unreadable file) still goes to PySide6's own check, so
the answer is the same for every module. If a PySide6 release no longer has
the hook, nothing is changed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

_FEATURE_MODULE = "shibokensupport.feature"
_HOOK = "_mod_uses_pyside"


def _quick_check(original: Callable[[ModuleType], bool]) -> Callable[[ModuleType], bool]:
    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return original(module)

    uses_pyside.quick = True  # type: ignore[attr-defined]
    return uses_pyside


def install() -> bool:
    """Use the quick check from now on; True if PySide6's hook was there to replace."""
    import PySide6.QtCore  # noqa: F401 - loads the module that holds the hook

    feature = sys.modules.get(_FEATURE_MODULE)
    original = getattr(feature, _HOOK, None)
    if feature is None or not callable(original):
        return False
    if getattr(original, "quick", False):
        return True
    setattr(feature, _HOOK, _quick_check(original))
    return True
