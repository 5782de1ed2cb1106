"""Without PostgreSQL installed the course tests fail with a message saying what to install."""

from __future__ import annotations

import pytest

from . import pgcluster


def test_missing_postgres_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pgcluster.glob, "glob", lambda pattern: [])
    monkeypatch.setattr(pgcluster.shutil, "which", lambda name: None)
    with pytest.raises(pgcluster.PostgresMissingError) as info:
        pgcluster.find_bindir()
    assert "apt-get install -y postgresql" in str(info.value)
    assert "PEERSCENARIOS_NO_POSTGRES=1" in str(info.value)
