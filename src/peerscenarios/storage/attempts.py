"""Play-throughs as they happen: starting, the choices made, stepping back, finishing."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Integer, bindparam, func, insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from peerscenarios.core.taxonomy import Role
from peerscenarios.storage.database import (
    ABANDONED,
    COMPLETED,
    IN_PROGRESS,
    Database,
    checked_seed,
    get_or_raise,
    iso_week,
    not_found,
)
from peerscenarios.storage.errors import StorageError
from peerscenarios.storage.mappers import attempt_record, choice_record, parse_effects
from peerscenarios.storage.models import (
    Attempt,
    AttemptRoleCount,
    ChoiceEvent,
    Profile,
    UTCDateTime,
)
from peerscenarios.storage.records import (
    AttemptMode,
    AttemptRecord,
    Change,
    ChangeKind,
    ChoiceEventRecord,
)

PEER = Role.PEER.value
# Checked in Python rather than by a CHECK constraint, so a role added to the
# taxonomy needs no migration of existing databases.
_KNOWN_ROLES = frozenset(r.value for r in Role)


def open_attempts(profile_id: int) -> Any:
    """SELECT of a profile's attempts still in progress, newest first (ties: newest id)."""
    # Served by the partial index ix_attempt_open, which holds only open
    # attempts: a handful of rows however long the history is.
    return (
        select(Attempt)
        .where(Attempt.profile_id == profile_id, Attempt.status == IN_PROGRESS)
        .order_by(Attempt.started_at.desc(), Attempt.id.desc())
    )


# The three statements of record_choice, built once: on the click path even
# building and cache-keying a statement costs more than SQLite running it.
_BUMP_OPEN_ATTEMPT = (
    update(Attempt)
    .where(Attempt.id == bindparam("owner"), Attempt.status == IN_PROGRESS)
    .values(choice_count=Attempt.choice_count + 1,
            drift_count=Attempt.drift_count + bindparam("drift", type_=Integer()))
    .returning(Attempt.profile_id)
)
# The next seq comes from a subquery on the (attempt_id, seq) unique index,
# inside the INSERT itself; BEGIN IMMEDIATE keeps the sequence gapless.
_INSERT_CHOICE = (
    insert(ChoiceEvent)
    .values(
        attempt_id=bindparam("owner"),
        seq=select(func.coalesce(func.max(ChoiceEvent.seq), 0) + 1)
        .where(ChoiceEvent.attempt_id == bindparam("owner")).scalar_subquery(),
        node_id=bindparam("node"), choice_id=bindparam("choice"), role=bindparam("tag"),
        effects=bindparam("effects_json"), feedback=bindparam("shown"),
        created_at=bindparam("at", type_=UTCDateTime()), stepped_back=False,
    )
    .returning(ChoiceEvent.id, ChoiceEvent.seq)
)
_COUNT_ROLE = (
    sqlite_insert(AttemptRoleCount)
    .values(attempt_id=bindparam("owner"), role=bindparam("tag"), n=bindparam("delta"))
    .on_conflict_do_update(
        index_elements=[AttemptRoleCount.attempt_id, AttemptRoleCount.role],
        set_={"n": AttemptRoleCount.n + bindparam("delta")},
    )
)


def _closed() -> StorageError:
    return StorageError("This attempt has already ended, so the choice was not recorded.",
                        "Start the scenario again to keep playing.")


class Attempts(Database):
    """The attempt and choice operations of Storage."""

    def start_attempt(self, profile_id: int, scenario_id: str, content_hash: str,
                      mode: str | AttemptMode, *,
                      order_seed: int | None = None) -> AttemptRecord:
        """Begin a play-through; ``mode`` is ``"practice"`` or ``"assessment"``.

        ``order_seed`` is the seed of the answer order shown in this attempt
        (stored as given, a signed 64-bit integer); None means the file's order.
        """
        seed = checked_seed(order_seed)
        try:
            mode_value = AttemptMode(mode).value
        except ValueError:
            raise ValueError(f"mode must be 'practice' or 'assessment', not {mode!r}") from None
        now = self._now()
        with self._writing() as s:
            # Checked first so a deleted profile is NotFound, not a foreign-key error.
            get_or_raise(s, Profile, profile_id, "profile")
            # Numbered per profile ("attempt 12"). BEGIN IMMEDIATE serialises
            # writers, so two windows cannot both take the same max() + 1.
            number = s.scalar(
                select(func.coalesce(func.max(Attempt.number), 0))
                .where(Attempt.profile_id == profile_id)
            ) or 0
            attempt = Attempt(
                profile_id=profile_id, number=number + 1, scenario_id=scenario_id,
                content_hash=content_hash, mode=mode_value, status=IN_PROGRESS,
                started_at=now, finished_at=None, ending_node_id=None, week=iso_week(now),
                choice_count=0, drift_count=0, order_seed=seed,
            )
            s.add(attempt)
            s.flush()
            record = attempt_record(attempt)
        self._notify(Change(ChangeKind.ATTEMPTS, (record.id,), profile_id, record.id))
        return record

    def get_attempt(self, attempt_id: int) -> AttemptRecord:
        """One attempt; NotFound if it was deleted."""
        with self._reading() as s:
            return attempt_record(get_or_raise(s, Attempt, attempt_id, "attempt"))

    def finish_attempt(self, attempt_id: int, ending_node_id: str) -> AttemptRecord:
        """Mark an attempt completed at ``ending_node_id`` (finishing twice changes nothing)."""
        with self._writing() as s:
            attempt = get_or_raise(s, Attempt, attempt_id, "attempt")
            # Finishing twice (debrief and crash recovery may both try) keeps
            # the first ending and time.
            changed = attempt.status != COMPLETED
            if changed:
                attempt.status = COMPLETED
                attempt.finished_at = self._now()
                attempt.ending_node_id = ending_node_id
            record = attempt_record(attempt)
        if changed:
            self._notify(Change(ChangeKind.ATTEMPTS, (attempt_id,), record.profile_id, attempt_id))
        return record

    def abandon_attempt(self, attempt_id: int) -> AttemptRecord:
        """Mark an unfinished attempt abandoned; its choices and reflections stay in history."""
        with self._writing() as s:
            attempt = get_or_raise(s, Attempt, attempt_id, "attempt")
            # Only an unfinished attempt can be abandoned: a completed one keeps its result.
            changed = attempt.status == IN_PROGRESS
            if changed:
                attempt.status = ABANDONED
            record = attempt_record(attempt)
        if changed:
            self._notify(Change(ChangeKind.ATTEMPTS, (attempt_id,), record.profile_id, attempt_id))
        return record

    def unfinished_attempt(self, profile_id: int) -> AttemptRecord | None:
        """The profile's most recent attempt still in progress, or None.

        The newest of :meth:`paused_attempts`; kept for callers that offer one resume.
        """
        with self._reading() as s:
            attempt = s.scalars(open_attempts(profile_id).limit(1)).first()
            return None if attempt is None else attempt_record(attempt)

    def paused_attempts(self, profile_id: int) -> list[AttemptRecord]:
        """Every attempt of the profile still in progress (paused or interrupted), newest first."""
        with self._reading() as s:
            return [attempt_record(a) for a in s.scalars(open_attempts(profile_id))]

    def last_order_seed(self, profile_id: int, scenario_id: str) -> int | None:
        """The answer-order seed of the profile's newest attempt at a scenario (None: none yet).

        The next attempt continues from it, so replays rotate each response
        through every position (served by the (profile, scenario, started) index).
        """
        with self._reading() as s:
            return s.scalar(
                select(Attempt.order_seed)
                .where(Attempt.profile_id == profile_id, Attempt.scenario_id == scenario_id,
                       Attempt.order_seed.is_not(None))
                .order_by(Attempt.started_at.desc(), Attempt.id.desc()).limit(1))

    def attempt_choices(self, attempt_id: int) -> list[ChoiceEventRecord]:
        """Every choice of an attempt in order, stepped-back ones included (to replay a path)."""
        with self._reading() as s:
            rows = s.scalars(
                select(ChoiceEvent).where(ChoiceEvent.attempt_id == attempt_id)
                .order_by(ChoiceEvent.seq)
            )
            return [choice_record(c) for c in rows]

    # ----------------------------------------------------------------- choices

    def record_choice(self, attempt_id: int, node_id: str, choice_id: str, role: str | Role,
                      effects: Mapping[int, int], feedback: str) -> ChoiceEventRecord:
        """Record a choice with its role tag, competency effects and the feedback shown.

        The attempt's per-role counts are updated in the same transaction: one
        short BEGIN IMMEDIATE ... COMMIT of three statements, durable (fsynced)
        when this returns.
        """
        role_value = role.value if isinstance(role, Role) else str(role)
        if role_value not in _KNOWN_ROLES:
            raise ValueError(f"unknown role tag {role_value!r}")
        # Sorted keys: the same effects always give the same text, so exports
        # and comparisons of stored rows are stable.
        effects_json = json.dumps({str(int(k)): int(v) for k, v in effects.items()},
                                  sort_keys=True)
        now = self._now()
        # This runs on every click, before the feedback is painted: three
        # prebuilt Core statements on a bare connection, each doing two jobs,
        # instead of ORM loads and flushes (two SELECTs and two flushes before).
        params = {"owner": attempt_id, "drift": int(role_value != PEER), "node": node_id,
                  "choice": choice_id, "tag": role_value, "effects_json": effects_json,
                  "shown": feedback, "at": now, "delta": 1}
        with self._writing_core() as conn:
            # Bumping the counters is also the check that the attempt exists
            # and is still open: no row back means it is not.
            profile_id = conn.scalar(_BUMP_OPEN_ATTEMPT, params)
            if profile_id is None:
                if conn.scalar(select(Attempt.id).where(Attempt.id == attempt_id)) is None:
                    raise not_found("attempt")
                raise _closed()
            event_id, seq = conn.execute(_INSERT_CHOICE, params).one()
            conn.execute(_COUNT_ROLE, params)
        record = ChoiceEventRecord(
            id=event_id, attempt_id=attempt_id, seq=seq, node_id=node_id,
            choice_id=choice_id, role=role_value, effects=parse_effects(effects_json),
            feedback=feedback, created_at=now, stepped_back=False,
        )
        self._notify(Change(ChangeKind.CHOICES, (record.id,), profile_id, attempt_id))
        return record

    def mark_stepped_back(self, event_id: int) -> ChoiceEventRecord:
        """Flag a choice the trainee stepped back from (practice mode); it stays recorded."""
        with self._writing() as s:
            event = get_or_raise(s, ChoiceEvent, event_id, "choice")
            attempt = get_or_raise(s, Attempt, event.attempt_id, "attempt")
            if attempt.mode != AttemptMode.PRACTICE.value:
                raise ValueError("stepping back is only possible in practice mode")
            # The choice itself stays (a supervisor may want the first instinct);
            # only the counts stop including it. Twice is the same as once.
            changed = not event.stepped_back
            if changed:
                event.stepped_back = True
                _count_role(s, attempt, event.role, -1)
            s.flush()
            record = choice_record(event)
            profile_id = attempt.profile_id
        if changed:
            self._notify(Change(ChangeKind.CHOICES, (event_id,), profile_id, record.attempt_id))
        return record


def _count_role(s: Session, attempt: Attempt, role: str, delta: int) -> None:
    """Keep the attempt's denormalised per-role and summary counts in step with its choices."""
    s.execute(_COUNT_ROLE, {"owner": attempt.id, "tag": role, "delta": delta})
    attempt.choice_count += delta
    if role != PEER:
        attempt.drift_count += delta
