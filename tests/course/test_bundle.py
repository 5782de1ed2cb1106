"""The submission file: private, the same content as a server submission, checked on reading."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from peerscenarios.core.reporting import Portfolio
from peerscenarios.course import bundle
from peerscenarios.course.bundle import MAX_BUNDLE_BYTES, read_bundle, write_bundle
from peerscenarios.course.errors import BundleError
from peerscenarios.course.snapshot import Snapshot, reflection_choices


def test_written_private_and_read_back_the_same(portfolio: Portfolio, tmp_path: Path) -> None:
    pick = reflection_choices(portfolio)[1]
    snap = Snapshot.from_portfolio(portfolio, include_reflections=[pick.key])
    path = write_bundle(tmp_path / "ana.psportfolio", snap)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = read_bundle(path)
    assert again.payload == snap.payload
    assert again.portfolio == snap.portfolio
    assert pick.text in path.read_text(encoding="utf-8")
    others = [c.text for c in reflection_choices(portfolio) if c.key != pick.key]
    assert not any(t in path.read_text(encoding="utf-8") for t in others)


def _doc(portfolio: Portfolio) -> dict[str, object]:
    return json.loads(bundle.bundle_bytes(Snapshot.from_portfolio(portfolio)))


@pytest.mark.parametrize(("content", "message"), [
    (b"\x89PNG\r\n\x1a\n", "damaged or is another kind of file"),
    (b"{not json", "damaged or is another kind of file"),
    (b"[]", "another kind of file"),
    (b'{"format": "something.else", "version": 1}', "another kind of file"),
    (b'{"format": "peerscenarios.submission-file"}', "has no version"),
])
def test_other_files_are_refused_by_name(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "odd.psportfolio"
    path.write_bytes(content)
    with pytest.raises(BundleError) as info:
        read_bundle(path)
    assert str(path) in info.value.message
    assert message in info.value.message


def test_a_damaged_field_is_named(portfolio: Portfolio, tmp_path: Path) -> None:
    doc = _doc(portfolio)
    doc["submission"]["portfolio"]["attempts"][0]["number"] = "one"  # type: ignore[index]
    path = tmp_path / "bad.psportfolio"
    path.write_text(json.dumps(doc))
    with pytest.raises(BundleError, match=r"portfolio.attempts\[0\].number"):
        read_bundle(path)


def test_a_newer_file_asks_for_an_update(portfolio: Portfolio, tmp_path: Path) -> None:
    doc = _doc(portfolio)
    doc["version"] = bundle.BUNDLE_VERSION + 1
    path = tmp_path / "new.psportfolio"
    path.write_text(json.dumps(doc))
    with pytest.raises(BundleError) as info:
        read_bundle(path)
    assert "newer version" in info.value.message
    assert "Update" in info.value.hint


def test_a_huge_file_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.psportfolio"
    with path.open("wb") as fh:
        fh.truncate(MAX_BUNDLE_BYTES + 1)  # sparse: no real disk used
    with pytest.raises(BundleError, match="too big"):
        read_bundle(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="does not exist"):
        read_bundle(tmp_path / "gone.psportfolio")
    with pytest.raises(BundleError, match="not a file"):
        read_bundle(tmp_path)


def test_an_unwritable_target_is_plain(portfolio: Portfolio, tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="does not exist"):
        write_bundle(tmp_path / "no" / "such" / "x.psportfolio",
                     Snapshot.from_portfolio(portfolio))
