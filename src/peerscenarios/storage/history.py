"""Looking back: the history list, one attempt in full, library status and the boundary profile."""

from __future__ import annotations

from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import case, func, select

from peerscenarios.storage.attempts import open_attempts
from peerscenarios.storage.database import ABANDONED, COMPLETED, Database, not_found
from peerscenarios.storage.mappers import attempt_summary, choice_record, reflection_record
from peerscenarios.storage.models import Attempt, AttemptRoleCount, ChoiceEvent, Reflection
from peerscenarios.storage.records import (
    AttemptDetail,
    AttemptStatus,
    AttemptSummary,
    LastResult,
    ProfileBucket,
)


def _summary_select() -> Any:
    # A correlated count rather than a join + GROUP BY: the page of attempts
    # is chosen by the index first, then only those rows are counted.
    reflections = (
        select(func.count())
        .where(Reflection.attempt_id == Attempt.id)
        .correlate(Attempt)
        .scalar_subquery()
    )
    return select(Attempt, reflections.label("reflection_count"))


def _in_range(stmt: Any, profile_id: int, since: datetime | None, until: datetime | None) -> Any:
    stmt = stmt.where(Attempt.profile_id == profile_id)
    if since is not None:
        stmt = stmt.where(Attempt.started_at >= since)
    if until is not None:
        stmt = stmt.where(Attempt.started_at < until)
    return stmt


class History(Database):
    """The read-only history queries of Storage (History screen, Library status, exports)."""

    def list_attempts(self, profile_id: int, *, offset: int = 0, limit: int = 50,
                      since: datetime | None = None,
                      until: datetime | None = None) -> list[AttemptSummary]:
        """A page of the profile's attempts, newest first, started in [since, until).

        Served by the (profile_id, started_at, id) index, so a page costs the
        same however long the history is.
        """
        stmt = _in_range(_summary_select(), profile_id, since, until)
        stmt = stmt.order_by(Attempt.started_at.desc(), Attempt.id.desc())
        # A negative offset or limit from a scrolling view means an empty page,
        # never a SQL error.
        stmt = stmt.offset(max(offset, 0)).limit(max(limit, 0))
        with self._reading() as s:
            return [attempt_summary(a, n) for a, n in s.execute(stmt)]

    def count_attempts(self, profile_id: int, since: datetime | None = None,
                       until: datetime | None = None) -> int:
        """How many attempts list_attempts would page through."""
        stmt = _in_range(select(func.count()).select_from(Attempt), profile_id, since, until)
        with self._reading() as s:
            return int(s.scalar(stmt) or 0)

    def attempt_detail(self, attempt_id: int) -> AttemptDetail:
        """Summary, every choice (in order) and every saved reflection of one attempt."""
        with self._reading() as s:
            row = s.execute(_summary_select().where(Attempt.id == attempt_id)).first()
            if row is None:
                raise not_found("attempt")
            choices = s.scalars(
                select(ChoiceEvent).where(ChoiceEvent.attempt_id == attempt_id)
                .order_by(ChoiceEvent.seq)
            )
            # In the order they were first written, which is the order of the
            # prompts as the trainee met them (an edit keeps its place).
            reflections = s.scalars(
                select(Reflection).where(Reflection.attempt_id == attempt_id)
                .order_by(Reflection.created_at, Reflection.id)
            )
            return AttemptDetail(
                summary=attempt_summary(row[0], row[1]),
                choices=tuple(choice_record(c) for c in choices),
                reflections=tuple(reflection_record(r) for r in reflections),
            )

    def last_results(self, profile_id: int) -> dict[str, LastResult]:
        """Per scenario: in progress or completed, and the latest completed outcome.

        Scenarios with only abandoned attempts (or none) are absent.
        """
        # SQLite returns the bare columns of the row holding max(): that is
        # documented behaviour and saves a self-join.
        latest = (
            select(
                Attempt.scenario_id,
                func.count(),
                func.sum(case((Attempt.status == COMPLETED, 1), else_=0)),
                func.max(Attempt.started_at),
                Attempt.status,
            )
            .where(Attempt.profile_id == profile_id, Attempt.status != ABANDONED)
            .group_by(Attempt.scenario_id)
        )
        finished = (
            select(
                Attempt.scenario_id,
                func.max(Attempt.finished_at),
                Attempt.ending_node_id,
                Attempt.drift_count,
                Attempt.finished_at,
            )
            .where(Attempt.profile_id == profile_id, Attempt.status == COMPLETED)
            .group_by(Attempt.scenario_id)
        )
        results: dict[str, LastResult] = {}
        with self._reading() as s:
            done = {r[0]: r for r in s.execute(finished)}
            paused: dict[str, int] = {}
            # Newest first, so the first open attempt seen per scenario is the one to resume.
            for attempt in s.scalars(open_attempts(profile_id)):
                paused.setdefault(attempt.scenario_id, attempt.id)
            for scenario_id, count, completed, _, status in s.execute(latest):
                last = done.get(scenario_id)
                results[scenario_id] = LastResult(
                    scenario_id=scenario_id,
                    status=AttemptStatus(status),
                    attempt_count=int(count),
                    completed_count=int(completed or 0),
                    last_finished_at=None if last is None else last[4],
                    ending_node_id=None if last is None else last[2],
                    drift_count=0 if last is None else int(last[3]),
                    paused_attempt_id=paused.get(scenario_id),
                )
        return results

    def boundary_profile(self, profile_id: int, *, bucket: str = "week") -> list[ProfileBucket]:
        """Role counts per ISO week (``"week"``) or per ten attempts (``"ten"``), oldest first.

        Sums the per-attempt role counts kept by record_choice, so the cost
        grows with the number of attempts, never with the number of choices.
        """
        if bucket == "week":
            key: Any = Attempt.week
        elif bucket == "ten":
            # Attempts 1-10 are bucket 0, 11-20 bucket 1, ...: numbers never
            # change, so a bucket's content is stable over time.
            key = ((Attempt.number - 1) // 10).label("bucket")
        else:
            raise ValueError(f"bucket must be 'week' or 'ten', not {bucket!r}")
        attempts = (
            select(key, func.count(), func.min(Attempt.started_at))
            .where(Attempt.profile_id == profile_id)
            .group_by(key)
            .order_by(key)
        )
        roles = (
            select(key, AttemptRoleCount.role, func.sum(AttemptRoleCount.n))
            .join(AttemptRoleCount, AttemptRoleCount.attempt_id == Attempt.id)
            .where(Attempt.profile_id == profile_id)
            .group_by(key, AttemptRoleCount.role)
        )
        with self._reading() as s:
            counts: dict[Any, dict[str, int]] = {}
            for k, role, n in s.execute(roles):
                # A role whose every choice was stepped back sums to 0: leave it out.
                if n:
                    counts.setdefault(k, {})[role] = int(n)
            out = []
            for k, attempt_count, start in s.execute(attempts):
                if bucket == "week":
                    label = str(k)
                else:
                    first = int(k) * 10 + 1
                    label = f"Attempts {first}–{first + 9}"
                out.append(ProfileBucket(
                    label=label, start=start, attempt_count=int(attempt_count),
                    counts=MappingProxyType(counts.get(k, {})),
                ))
        return out
