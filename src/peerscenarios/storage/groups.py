"""Facilitated group sessions: anonymous vote counts per decision, and the facilitator's notes."""

from __future__ import annotations

import json
from collections.abc import Mapping

from sqlalchemy import func, select, update

from peerscenarios.storage.database import (
    Database,
    checked_seed,
    get_or_raise,
    not_found,
    rowcount,
)
from peerscenarios.storage.mappers import decision_record, group_record
from peerscenarios.storage.models import GroupDecision, GroupSession
from peerscenarios.storage.records import (
    Change,
    ChangeKind,
    GroupDecisionRecord,
    GroupSessionDetail,
    GroupSessionRecord,
    GroupSessionSummary,
)


class Groups(Database):
    """The group-session operations of Storage. No personal identity is ever stored here."""

    def start_group_session(self, scenario_id: str, content_hash: str, *,
                            order_seed: int | None = None) -> GroupSessionRecord:
        """Begin a facilitated group run (no personal identities are stored).

        ``order_seed`` is the seed of the answer order shown to the room (a
        signed 64-bit integer); None means the file's order.
        """
        seed = checked_seed(order_seed)
        with self._writing() as s:
            session = GroupSession(scenario_id=scenario_id, content_hash=content_hash,
                                   started_at=self._now(), finished_at=None,
                                   ending_node_id=None, notes="", order_seed=seed)
            s.add(session)
            s.flush()
            record = group_record(session)
        self._notify(Change(ChangeKind.GROUP_SESSIONS, (record.id,)))
        return record

    def record_group_decision(self, session_id: int, node_id: str, votes: Mapping[str, int],
                              chosen_choice_id: str, revealed_all: bool) -> GroupDecisionRecord:
        """Record the room's vote counts at a decision and the choice the group followed."""
        # Only counts per choice id: the room's votes are anonymous by design.
        votes_json = json.dumps({str(k): int(v) for k, v in votes.items()}, sort_keys=True)
        with self._writing() as s:
            get_or_raise(s, GroupSession, session_id, "group session")
            # Under BEGIN IMMEDIATE max() + 1 is safe: no other writer runs between.
            seq = s.scalar(
                select(func.coalesce(func.max(GroupDecision.seq), 0))
                .where(GroupDecision.session_id == session_id)
            ) or 0
            decision = GroupDecision(session_id=session_id, seq=seq + 1, node_id=node_id,
                                     votes=votes_json, chosen_choice_id=chosen_choice_id,
                                     revealed_all=revealed_all, created_at=self._now())
            s.add(decision)
            s.flush()
            record = decision_record(decision)
        self._notify(Change(ChangeKind.GROUP_SESSIONS, (session_id,)))
        return record

    def set_group_notes(self, session_id: int, notes: str) -> None:
        """Replace the facilitator's notes for a session."""
        # A Core UPDATE: notes are saved as the facilitator types, so the row
        # is never loaded; rowcount tells whether the session still exists.
        with self._writing() as s:
            result = s.execute(
                update(GroupSession).where(GroupSession.id == session_id).values(notes=notes)
            )
            if rowcount(result) == 0:
                raise not_found("group session")
        self._notify(Change(ChangeKind.GROUP_SESSIONS, (session_id,)))

    def finish_group_session(self, session_id: int, ending_node_id: str | None) -> None:
        """Close a group session (``ending_node_id`` None if it stopped before an ending)."""
        with self._writing() as s:
            result = s.execute(
                update(GroupSession).where(GroupSession.id == session_id)
                .values(finished_at=self._now(), ending_node_id=ending_node_id)
            )
            if rowcount(result) == 0:
                raise not_found("group session")
        self._notify(Change(ChangeKind.GROUP_SESSIONS, (session_id,)))

    def list_group_sessions(self, *, offset: int = 0,
                            limit: int = 50) -> list[GroupSessionSummary]:
        """A page of group sessions, newest first."""
        decisions = (
            select(func.count()).where(GroupDecision.session_id == GroupSession.id)
            .correlate(GroupSession).scalar_subquery()
        )
        stmt = (
            select(GroupSession, decisions)
            .order_by(GroupSession.started_at.desc(), GroupSession.id.desc())
            .offset(max(offset, 0)).limit(max(limit, 0))
        )
        with self._reading() as s:
            return [
                GroupSessionSummary(
                    id=g.id, scenario_id=g.scenario_id, content_hash=g.content_hash,
                    started_at=g.started_at, finished_at=g.finished_at,
                    ending_node_id=g.ending_node_id, decision_count=int(n),
                )
                for g, n in s.execute(stmt)
            ]

    def group_session_detail(self, session_id: int) -> GroupSessionDetail:
        """A group session with its decisions in order."""
        with self._reading() as s:
            session = get_or_raise(s, GroupSession, session_id, "group session")
            decisions = s.scalars(
                select(GroupDecision).where(GroupDecision.session_id == session_id)
                .order_by(GroupDecision.seq)
            )
            return GroupSessionDetail(session=group_record(session),
                                      decisions=tuple(decision_record(d) for d in decisions))
