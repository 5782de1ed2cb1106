"""The portfolio snapshot: reflections only when ticked, exact round trip, strict reading."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from peerscenarios.core.reporting import Portfolio
from peerscenarios.course.payload import PayloadInvalid
from peerscenarios.course.snapshot import (
    PAYLOAD_VERSION,
    Snapshot,
    portfolio_from_payload,
    portfolio_payload,
    reflection_choices,
)
from peerscenarios.export.markdown import portfolio_markdown


def test_the_fixture_portfolio_has_reflections_to_choose_from(portfolio: Portfolio) -> None:
    choices = reflection_choices(portfolio)
    assert len(portfolio.attempts) == 2
    assert len(choices) >= 3
    assert all(c.text.startswith("Private thought") for c in choices)


def test_no_reflection_is_sent_unless_ticked(portfolio: Portfolio) -> None:
    snap = Snapshot.from_portfolio(portfolio)
    sent = snap.to_json()
    assert "Private thought" not in sent
    assert snap.reflection_count == 0
    assert snap.payload["portfolio"]["totals"]["reflections"] == 0
    # Everything else is there: attempts, decisions with their feedback.
    assert snap.attempt_count == 2
    assert all(a.decisions for a in snap.portfolio.attempts)


def test_only_the_ticked_reflections_are_sent(portfolio: Portfolio) -> None:
    choices = reflection_choices(portfolio)
    ticked = [choices[0].key, choices[2].key]
    snap = Snapshot.from_portfolio(portfolio, include_reflections=ticked)
    sent = snap.to_json()
    assert choices[0].text in sent
    assert choices[2].text in sent
    assert choices[1].text not in sent
    assert snap.reflection_count == 2
    assert snap.payload["portfolio"]["totals"]["reflections"] == 2


def test_all_ticked_round_trips_to_the_same_portfolio(portfolio: Portfolio) -> None:
    everything = [c.key for c in reflection_choices(portfolio)]
    snap = Snapshot.from_portfolio(portfolio, include_reflections=everything)
    assert snap.portfolio == portfolio
    # The same renderer then gives the same document on both sides.
    assert list(portfolio_markdown(snap.portfolio)) == list(portfolio_markdown(portfolio))


def test_payload_is_plain_json_and_reads_back_unchanged(portfolio: Portfolio) -> None:
    data = portfolio_payload(portfolio)
    again = json.loads(json.dumps(data))
    assert Snapshot.from_payload(again).payload == data
    assert again["version"] == PAYLOAD_VERSION


def _broken(data: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)
    target: Any = out
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return out


@pytest.mark.parametrize(("path", "value", "field"), [
    (["format"], "something else", "payload.format"),
    (["version"], PAYLOAD_VERSION + 1, "payload.version"),
    (["version"], "1", "payload.version"),
    (["portfolio", "profile_name"], 5, "portfolio.profile_name"),
    (["portfolio", "since"], "March", "portfolio.since"),
    (["portfolio", "totals", "attempts"], True, "portfolio.totals.attempts"),
    (["portfolio", "attempts", 0, "started_at"], "2026-03-02T12:00:00",
     "portfolio.attempts[0].started_at"),
    (["portfolio", "attempts", 0, "scenario_state"], "gone", "portfolio.attempts[0].scenario_state"),
    (["portfolio", "attempts", 0, "decisions", 0, "stepped_back"], "no",
     "portfolio.attempts[0].decisions[0].stepped_back"),
    (["portfolio", "attempts"], {}, "portfolio.attempts"),
])
def test_a_wrong_field_is_named(portfolio: Portfolio, path: list[Any], value: Any,
                                field: str) -> None:
    bad = _broken(portfolio_payload(portfolio), path, value)
    with pytest.raises(PayloadInvalid) as info:
        portfolio_from_payload(bad)
    assert str(info.value).startswith(field)


def test_not_an_object_is_refused() -> None:
    with pytest.raises(PayloadInvalid, match="expected an object"):
        Snapshot.from_payload([1, 2])
