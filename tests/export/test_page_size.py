"""Paper size: the locale's by default (US Letter where that is the usual paper), or chosen."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale

from peerscenarios.core.reporting import Portfolio, Totals, tally
from peerscenarios.export import ExportError
from peerscenarios.export.pdf import write_pdf
from peerscenarios.export.pdf_layout import PAGE_SIZE_ENV, default_page_size, page_size_key


@pytest.mark.parametrize(("name", "expected"), [
    ("en_US", "letter"), ("en_CA", "letter"), ("fr_CA", "letter"), ("es_MX", "letter"),
    ("en_PH", "letter"), ("en_GB", "a4"), ("de_DE", "a4"), ("fr_FR", "a4"), ("en_AU", "a4"),
    ("ja_JP", "a4"),
])
def test_locale_picks_the_paper(name: str, expected: str,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PAGE_SIZE_ENV, raising=False)
    assert default_page_size(QLocale(name)) == expected


def test_environment_overrides_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PAGE_SIZE_ENV, "Letter")
    assert default_page_size(QLocale("de_DE")) == "letter"
    monkeypatch.setenv(PAGE_SIZE_ENV, "tabloid")  # not a size we make: the locale decides
    assert default_page_size(QLocale("de_DE")) == "a4"


@pytest.mark.parametrize(("value", "key"), [
    ("a4", "a4"), ("A4", "a4"), (" Letter ", "letter"), ("US Letter", "letter"),
])
def test_page_size_spellings(value: str, key: str) -> None:
    assert page_size_key(value) == key


def test_unknown_page_size_is_a_plain_error(tmp_path: Path, qapp: object) -> None:
    portfolio_path = tmp_path / "p.pdf"
    with pytest.raises(ExportError, match="“legal” is not a page size") as info:
        write_pdf(_empty_portfolio(), portfolio_path, page_size="legal")
    assert "A4 or Letter" in info.value.hint
    assert not portfolio_path.exists()


def _empty_portfolio() -> Portfolio:
    return Portfolio(profile_id=1, profile_name="Robin",
                     generated_at=datetime(2026, 3, 2, tzinfo=UTC), since=None, until=None,
                     totals=Totals(0, 0, 0, 0, 0, 0, 0, 0, 0), attempts=(),
                     boundary_profile=tally(()))
