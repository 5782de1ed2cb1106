"""The quicker PySide6 import check gives PySide6's own answer for every kind of module."""

from __future__ import annotations

import importlib
import sys
import types
from pathlib import Path

import pytest

from peerscenarios.ui import import_check

MODULES = ("peerscenarios.ui.mainwindow", "peerscenarios.ui.widgets.columns",
           "peerscenarios.core.model", "peerscenarios.cli", "json", "sys", "math", "_io",
           "PySide6.QtCore")


def hook() -> object:
    return getattr(sys.modules[import_check._FEATURE_MODULE], import_check._HOOK)


def test_the_app_package_installs_it_once() -> None:
    importlib.import_module("peerscenarios.ui")
    installed = hook()
    assert getattr(installed, "quick", False)
    assert import_check.install()
    assert hook() is installed  # a second install wraps nothing twice


@pytest.mark.parametrize("name", MODULES)
def test_same_answer_as_pyside6(name: str) -> None:
    import_check.install()
    module = importlib.import_module(name)
    quick = hook()
    original = quick.__closure__[0].cell_contents  # type: ignore[attr-defined]
    assert callable(quick)
    assert quick(module) == original(module)


def test_modules_that_use_pyside6_are_told_apart(tmp_path: Path) -> None:
    import_check.install()
    quick = hook()
    assert callable(quick)
    uses = tmp_path / "uses_qt.py"
    uses.write_text("from PySide6.QtCore import QObject\n", encoding="utf-8")
    plain = tmp_path / "plain.py"
    plain.write_text("VALUE = 1\n", encoding="utf-8")
    gone = types.ModuleType("gone")
    gone.__file__ = str(tmp_path / "deleted.py")  # no file to read: PySide6's check answers
    for path, expected in ((uses, True), (plain, False)):
        module = types.ModuleType(path.stem)
        module.__file__ = str(path)
        assert quick(module) is expected
    assert quick(gone) is False
