"""Model helpers and the role taxonomy."""

from __future__ import annotations

import pytest

from peerscenarios.core.model import NodeKind
from peerscenarios.core.taxonomy import COMPETENCIES, ROLE_INFO, Role, role_from_tag
from peerscenarios.core.validator import validate_bytes
from scenario_samples import VALID


def test_node_kinds_and_lookups() -> None:
    sc = validate_bytes(VALID.encode(), "s").scenario
    assert sc is not None
    assert [n.kind for n in sc.iter_nodes()] == [NodeKind.DECISION, NodeKind.NARRATIVE,
                                                 NodeKind.NARRATIVE, NodeKind.ENDING]
    assert sc.decision_count == 1
    node, prompt = sc.prompt("r-end")
    assert node.id == "end"
    assert prompt.prompt == "What would you say next time?"
    with pytest.raises(KeyError):
        sc.prompt("nope")
    with pytest.raises(KeyError):
        sc.node("start").choice("nope")


def test_taxonomy_is_complete() -> None:
    assert set(ROLE_INFO) == set(Role)
    assert sorted(COMPETENCIES) == list(range(1, 13))
    assert role_from_tag("clinical-drift") is Role.CLINICAL
    assert role_from_tag("clinical") is None
    assert Role.PEER.label == "Peer-aligned"
    assert not Role.PEER.is_drift
    assert Role.BOUNDARY.is_drift
    # Every role is shown with a symbol and words, never colour alone.
    assert all(info.symbol and info.label for info in ROLE_INFO.values())
