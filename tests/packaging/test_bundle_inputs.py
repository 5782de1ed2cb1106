"""What the built app is made from, checked without building it (fast; runs every time).

The bundle itself is tested in test_bundle.py, only when asked for.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

from peerscenarios import paths
from peerscenarios.course import admin
from peerscenarios.storage import migrate

ROOT = Path(__file__).resolve().parents[2]


def _bundle_contents() -> ModuleType:
    # Loaded from its file: the folder is called "packaging", like the PyPI package.
    spec = importlib.util.spec_from_file_location(
        "bundle_contents", ROOT / "packaging" / "bundle_contents.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_qt_module_the_code_imports_is_bundled() -> None:
    bc = _bundle_contents()
    assert bc.unlisted_qt_modules(ROOT / "src" / "peerscenarios") == [], (
        "add the module to QT_MODULES in packaging/bundle_contents.py")
    assert {"QtCore", "QtGui", "QtWidgets"} <= bc.pyside6_modules_in_use(ROOT / "src")


def test_unlisted_qt_module_is_reported(tmp_path: Path) -> None:
    bc = _bundle_contents()
    (tmp_path / "viewer.py").write_text("from PySide6.QtPdf import QPdfDocument\n"
                                        "import PySide6.QtCore\n")
    assert bc.unlisted_qt_modules(tmp_path) == ["QtPdf"]
    assert bc.pyside6_excludes(["QtCore", "QtPdf", "QtQml"]) == ["PySide6.QtPdf",
                                                                 "PySide6.QtQml"]


@pytest.mark.parametrize(("dest", "dropped"), [
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", True),
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", True),
    ("PySide6/Qt/plugins/tls/libqopensslbackend.so", True),
    ("PySide6/plugins/tls/qschannelbackend.dll", True),
    ("PySide6/Qt/plugins/platforms/libqxcb.so", False),
    ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
    # Headless starts (CI, the bundle test) need it.
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", False),
    ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", False),
    ("PySide6/Qt/lib/libQt6Core.so.6", False),
])
def test_qt_plugins_left_out(dest: str, dropped: bool) -> None:
    assert _bundle_contents().drop_qt_plugin(dest) is dropped


def test_source_checkout_uses_its_own_folders(monkeypatch: pytest.MonkeyPatch) -> None:
    # As in an editable install (CI installs the package into site-packages instead).
    monkeypatch.setattr(paths, "__file__", str(ROOT / "src" / "peerscenarios" / "paths.py"))
    assert paths.frozen_root() is None
    assert paths.assets_dir() == ROOT / "assets"
    assert paths.builtin_scenarios_dir() == ROOT / "scenarios"
    assert paths.migrations_dir() == ROOT / "src" / "peerscenarios" / "storage" / "migrations"
    assert paths.scenario_schema_path() == (
        ROOT / "src" / "peerscenarios" / "schema" / "scenario.schema.json")
    for source, dest in paths.bundled_resources():
        assert source.exists(), source
        assert dest.startswith("peerscenarios/")


def test_built_app_finds_everything_inside_its_bundle(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # What PyInstaller's bootloader sets before any of our code runs.
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.frozen_root() == tmp_path
    package = tmp_path / "peerscenarios"
    assert paths.package_root() == package
    assert paths.assets_dir() == package / "assets"
    assert paths.builtin_scenarios_dir() == package / "builtin_scenarios"
    assert paths.migrations_dir() == package / "storage" / "migrations"
    assert paths.scenario_schema_path() == package / "schema" / "scenario.schema.json"
    assert migrate.script_location() == str(package / "storage" / "migrations")
    assert admin.script_location() == str(package / "course" / "migrations")
    # The build copies each resource to exactly where the frozen app then looks.
    looked_up = {paths.assets_dir(), paths.builtin_scenarios_dir(), paths.migrations_dir(),
                 paths.course_migrations_dir(), paths.scenario_schema_path()}
    assert {tmp_path / dest for _source, dest in paths.bundled_resources()} == looked_up


def test_frozen_without_meipass_uses_the_executables_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "peerscenarios"))
    assert paths.frozen_root() == tmp_path
    assert paths.assets_dir() == tmp_path / "peerscenarios" / "assets"


def test_installed_package_uses_its_package_data(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "lib" / "python3.11" / "site-packages" / "peerscenarios"
    monkeypatch.setattr(paths, "__file__", str(site / "paths.py"))
    assert paths.frozen_root() is None
    assert paths.assets_dir() == site / "assets"
    assert paths.builtin_scenarios_dir() == site / "builtin_scenarios"
    assert paths.migrations_dir() == site / "storage" / "migrations"


@pytest.mark.parametrize(("before", "after"), [
    ({"LD_LIBRARY_PATH": "/opt/app/_internal:/opt/mine", "LD_LIBRARY_PATH_ORIG": "/opt/mine"},
     {"LD_LIBRARY_PATH": "/opt/mine"}),
    ({"LD_LIBRARY_PATH": "/opt/app/_internal"}, {}),
])
def test_programs_a_built_app_starts_get_the_users_library_path(
        before: dict[str, str], after: dict[str, str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LD_LIBRARY_PATH", "LD_LIBRARY_PATH_ORIG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in before.items():
        monkeypatch.setenv(name, value)
    paths.restore_library_path_for_children()  # not frozen: nothing changes
    assert {k: os.environ[k] for k in before} == before
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    paths.restore_library_path_for_children()
    assert {k: v for k, v in os.environ.items() if k.startswith("LD_LIBRARY_PATH")} == after
