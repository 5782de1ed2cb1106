"""The hand-written package list in pyproject.toml must name every package under src/."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_is_listed_for_the_wheel() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT / "src").parts)
        for p in (ROOT / "src").rglob("__init__.py")
    }
    assert found - listed == set(), "add these to [tool.setuptools] packages"
    mapped = set(config["package-dir"]) - {""}
    assert listed - found - mapped == set(), "listed packages that do not exist"
