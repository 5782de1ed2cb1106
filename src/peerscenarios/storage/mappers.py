"""Turning ORM rows into the frozen records of records.py, inside the transaction that read them."""

# Kept apart from records.py so that the records stay importable without
# SQLAlchemy (the app layer and the UI use them; only storage knows the ORM).

from __future__ import annotations

import json
from types import MappingProxyType

from peerscenarios.storage.models import (
    Attempt,
    ChoiceEvent,
    GroupDecision,
    GroupSession,
    Profile,
    Reflection,
)
from peerscenarios.storage.records import (
    AttemptMode,
    AttemptRecord,
    AttemptStatus,
    AttemptSummary,
    ChoiceEventRecord,
    GroupDecisionRecord,
    GroupSessionRecord,
    ProfileRecord,
    ReflectionRecord,
)


def profile_record(p: Profile) -> ProfileRecord:
    """A profile row as a record."""
    return ProfileRecord(id=p.id, name=p.name, created_at=p.created_at)


def attempt_record(a: Attempt) -> AttemptRecord:
    """An attempt row as a record."""
    return AttemptRecord(
        id=a.id, profile_id=a.profile_id, number=a.number, scenario_id=a.scenario_id,
        content_hash=a.content_hash, mode=AttemptMode(a.mode), status=AttemptStatus(a.status),
        started_at=a.started_at, finished_at=a.finished_at, ending_node_id=a.ending_node_id,
        order_seed=a.order_seed,
    )


def attempt_summary(a: Attempt, reflection_count: int | None) -> AttemptSummary:
    """An attempt row plus its reflection count as one history-list row."""
    return AttemptSummary(
        id=a.id, profile_id=a.profile_id, number=a.number, scenario_id=a.scenario_id,
        content_hash=a.content_hash, mode=AttemptMode(a.mode), status=AttemptStatus(a.status),
        started_at=a.started_at, finished_at=a.finished_at, ending_node_id=a.ending_node_id,
        choice_count=a.choice_count, drift_count=a.drift_count,
        reflection_count=int(reflection_count or 0), order_seed=a.order_seed,
    )


def choice_record(c: ChoiceEvent) -> ChoiceEventRecord:
    """A choice-event row as a record (its JSON effects parsed back into numbers)."""
    return ChoiceEventRecord(
        id=c.id, attempt_id=c.attempt_id, seq=c.seq, node_id=c.node_id, choice_id=c.choice_id,
        role=c.role, effects=parse_effects(c.effects), feedback=c.feedback,
        created_at=c.created_at, stepped_back=bool(c.stepped_back),
    )


def parse_effects(effects_json: str) -> MappingProxyType[int, int]:
    """The stored ``{"competency": effect}`` JSON as a read-only int mapping."""
    return MappingProxyType({int(k): int(v) for k, v in json.loads(effects_json).items()})


def reflection_record(r: Reflection) -> ReflectionRecord:
    """A reflection row as a record."""
    return ReflectionRecord(id=r.id, attempt_id=r.attempt_id, prompt_id=r.prompt_id,
                            text=r.text, created_at=r.created_at, updated_at=r.updated_at)


def group_record(g: GroupSession) -> GroupSessionRecord:
    """A group-session row as a record."""
    return GroupSessionRecord(id=g.id, scenario_id=g.scenario_id, content_hash=g.content_hash,
                              started_at=g.started_at, finished_at=g.finished_at,
                              ending_node_id=g.ending_node_id, notes=g.notes,
                              order_seed=g.order_seed)


def decision_record(d: GroupDecision) -> GroupDecisionRecord:
    """A group-decision row as a record (its JSON vote counts parsed back)."""
    votes = {str(k): int(v) for k, v in json.loads(d.votes).items()}
    return GroupDecisionRecord(id=d.id, session_id=d.session_id, seq=d.seq, node_id=d.node_id,
                               votes=MappingProxyType(votes),
                               chosen_choice_id=d.chosen_choice_id,
                               revealed_all=bool(d.revealed_all), created_at=d.created_at)
