"""The export dialog's page size: the locale's paper first, a labelled choice, PDF only."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFormLayout, QLabel
from pytestqt.qtbot import QtBot

from peerscenarios.export.pdf_layout import PAGE_SIZE_ENV
from peerscenarios.ui.export_dialog import ExportDialog


@pytest.mark.parametrize(("paper", "shown"), [("letter", "US Letter"), ("a4", "A4")])
def test_page_size_starts_on_the_locales_paper(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
                                               paper: str, shown: str) -> None:
    monkeypatch.setenv(PAGE_SIZE_ENV, paper)
    dialog = ExportDialog(None, "Robin")
    qtbot.addWidget(dialog)
    assert dialog.page_combo.currentText() == shown
    request = dialog.request()
    assert request is not None
    assert request.fmt == "pdf"
    assert request.page_size == paper


def test_page_size_is_labelled_and_only_for_pdf(qtbot: QtBot,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PAGE_SIZE_ENV, "a4")
    dialog = ExportDialog(None, "Robin")
    qtbot.addWidget(dialog)
    form = dialog.layout()
    assert isinstance(form, QFormLayout)
    label = form.labelForField(dialog.page_combo)
    assert isinstance(label, QLabel)
    assert label.text() == "&Page size:"
    assert label.buddy() is dialog.page_combo  # Alt+P reaches it; screen readers name it
    dialog.page_combo.setCurrentIndex(dialog.page_combo.findData("letter"))
    request = dialog.request()
    assert request is not None
    assert request.page_size == "letter"

    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("md"))
    assert not dialog.page_combo.isEnabled()
    request = dialog.request()
    assert request is not None
    assert (request.fmt, request.page_size) == ("md", None)
    assert request.path.suffix == ".md"
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("pdf"))
    assert dialog.page_combo.isEnabled()


def test_every_field_label_has_its_field_as_buddy(qtbot: QtBot) -> None:
    """A label without a buddy shows its '&' as text and its Alt key does nothing."""
    dialog = ExportDialog(None, "Robin")
    qtbot.addWidget(dialog)
    labels = [w for w in dialog.findChildren(QLabel) if "&" in w.text()]
    assert {label.text() for label in labels} >= {"F&rom:", "&Until:", "&Save as:"}
    for label in labels:
        assert label.buddy() is not None, label.text()
    save = next(label for label in labels if label.text() == "&Save as:")
    assert save.buddy() is dialog.path_edit
