"""The operations the UI and CLI call: one short transaction each, immutable records out."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

from sqlalchemy import (
    Engine,
    case,
    column,
    delete,
    func,
    literal_column,
    select,
    table,
    text,
    update,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from peerscenarios import paths
from peerscenarios.core.taxonomy import Role
from peerscenarios.storage import backup as _backup
from peerscenarios.storage import engine as _engine
from peerscenarios.storage import migrate as _migrate
from peerscenarios.storage.errors import (
    InvalidName,
    NameTaken,
    NotFound,
    StorageError,
)
from peerscenarios.storage.models import (
    PROFILE_NAME_MAX,
    Attempt,
    AttemptRoleCount,
    ChoiceEvent,
    GroupDecision,
    GroupSession,
    Profile,
    Reflection,
    ReflectionDraft,
)
from peerscenarios.storage.records import (
    AttemptDetail,
    AttemptMode,
    AttemptRecord,
    AttemptStatus,
    AttemptSummary,
    BackupInfo,
    Change,
    ChangeKind,
    ChoiceEventRecord,
    GroupDecisionRecord,
    GroupSessionDetail,
    GroupSessionRecord,
    GroupSessionSummary,
    LastResult,
    ProfileBucket,
    ProfileRecord,
    ReflectionHit,
    ReflectionRecord,
)
from peerscenarios.storage.search import MATCH_END, MATCH_START, fts_query, split_snippet

log = logging.getLogger(__name__)

Listener = Callable[[Change], None]
Clock = Callable[[], datetime]

PEER = Role.PEER.value
_KNOWN_ROLES = frozenset(r.value for r in Role)
_IN_PROGRESS = AttemptStatus.IN_PROGRESS.value
_COMPLETED = AttemptStatus.COMPLETED.value
_ABANDONED = AttemptStatus.ABANDONED.value
DAILY_BACKUP_AGE = timedelta(days=1)

_fts = table("reflection_fts", column("rowid"))


def _utcnow() -> datetime:
    return datetime.now(UTC)


def iso_week(moment: datetime) -> str:
    """ISO week label of ``moment`` in the computer's local time, e.g. ``"2026-W47"``."""
    year, week, _ = moment.astimezone().isocalendar()
    return f"{year}-W{week:02d}"


class Storage:
    """The PeerScenarios database: open it once at start-up and pass it to whoever needs it.

    Every method is one user action and one short transaction; writes start
    with BEGIN IMMEDIATE and, after they commit, tell every listener what
    changed. Methods return frozen records, never ORM objects, and raise
    StorageError subclasses with plain-language messages for environmental
    failures (disk full, read-only, damaged, busy). Methods may be called from
    a worker thread; listeners run on the calling thread.
    """

    def __init__(self, engine: Engine, *, path: Path | None, backups_dir: Path | None = None,
                 keep_backups: int = _backup.DEFAULT_KEEP, clock: Clock | None = None) -> None:
        """Wrap an engine from :func:`engine.create_sqlite_engine`; use :meth:`open` instead."""
        self._engine = engine
        self._path = path
        self._backups_dir = backups_dir
        self._keep_backups = keep_backups
        self._now: Clock = clock or _utcnow
        self._listeners: list[Listener] = []
        self._reads = sessionmaker(engine, expire_on_commit=False)
        self._writes = sessionmaker(
            engine.execution_options(**{_engine.WRITE_OPTION: True}), expire_on_commit=False
        )
        self._closed = False

    # ----------------------------------------------------------------- opening

    @classmethod
    def open(cls, url: str | None = None, *, migrate: bool = True, backup: bool = True,
             backups_dir: Path | None = None, keep_backups: int = _backup.DEFAULT_KEEP,
             clock: Clock | None = None) -> Storage:
        """Open (creating if needed) and upgrade the database at ``url``.

        ``url`` is any SQLite SQLAlchemy URL; the default is the file in the data
        directory. With ``migrate`` the schema is upgraded (after a backup when
        ``backup`` is set and the file already holds data). With ``backup`` a
        daily rotating backup is also taken if the newest is over a day old.

        Raises DatabaseCorrupt (file untouched), DatabaseTooNew (untouched),
        DatabaseReadOnly, DiskFull, DatabaseBusy, MigrationFailed or
        UnsupportedDatabase.
        """
        url = url or paths.default_database_url()
        db_path = _engine.sqlite_file(url)
        revision: str | None = None
        if db_path is not None:
            _engine.prepare_file(db_path)
            _engine.check_header(db_path)
            revision = _engine.probe(db_path).revision
            if revision is not None and not _migrate.is_known(revision):
                raise _migrate.too_new(revision, db_path)
        engine = _engine.create_sqlite_engine(url, memory=db_path is None)
        try:
            if db_path is not None:
                _engine.set_wal(engine)
            if backups_dir is None and db_path is not None and backup:
                backups_dir = paths.backups_dir()
            storage = cls(engine, path=db_path, backups_dir=backups_dir,
                          keep_backups=keep_backups, clock=clock)
            if migrate and revision != _migrate.head_revision():
                backup_path = None
                if backup and revision is not None and backups_dir is not None:
                    backup_path = storage.backup_now(label=f"before-upgrade-from-{revision}")
                _migrate.upgrade(engine, backup_path=backup_path)
            if backup and db_path is not None and revision is not None:
                storage.backup_if_due()
        except DBAPIError as exc:
            engine.dispose()
            translated = _engine.translate(exc, db_path)
            if isinstance(translated, StorageError):
                raise translated from exc
            raise
        except BaseException:
            engine.dispose()
            raise
        return storage

    @property
    def path(self) -> Path | None:
        """The database file, or None for an in-memory database."""
        return self._path

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for tests and maintenance commands; the UI never needs it)."""
        return self._engine

    def close(self) -> None:
        """Close every connection; the last one checkpoints the WAL back into the file."""
        if self._closed:
            return
        self._closed = True
        try:
            _engine.raw_call(self._engine, lambda raw: raw.execute("PRAGMA optimize"))
        except (DBAPIError, sqlite3.Error):
            log.debug("PRAGMA optimize skipped", exc_info=True)
        self._engine.dispose()

    def __enter__(self) -> Storage:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --------------------------------------------------------------- listeners

    def add_listener(self, callback: Listener) -> Callable[[], None]:
        """Call ``callback(change)`` after each committed write; returns a remover function."""
        self._listeners.append(callback)

        def remove() -> None:
            self.remove_listener(callback)

        return remove

    def remove_listener(self, callback: Listener) -> None:
        """Stop calling ``callback`` (no error if it was not registered)."""
        with suppress(ValueError):
            self._listeners.remove(callback)

    def _notify(self, change: Change) -> None:
        # The write is already committed. A failing listener is a bug: it must
        # not stop the others from hearing about the change, but it is raised.
        first_error: BaseException | None = None
        for listener in list(self._listeners):
            try:
                listener(change)
            except Exception as exc:
                log.exception("storage listener failed")
                first_error = first_error or exc
        if first_error is not None:
            raise first_error

    # ------------------------------------------------------------ transactions

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        """One write transaction (BEGIN IMMEDIATE); SQLite failures become StorageErrors."""
        try:
            with self._writes.begin() as session:
                yield session
        except IntegrityError:
            raise
        except DBAPIError as exc:
            translated = _engine.translate(exc, self._path)
            if isinstance(translated, StorageError):
                raise translated from exc
            raise

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        """One read transaction (deferred BEGIN: readers never block writers in WAL)."""
        try:
            with self._reads.begin() as session:
                yield session
        except DBAPIError as exc:
            translated = _engine.translate(exc, self._path)
            if isinstance(translated, StorageError):
                raise translated from exc
            raise

    # ---------------------------------------------------------------- profiles

    @staticmethod
    def _clean_name(name: str) -> str:
        cleaned = " ".join(name.split())
        if not cleaned:
            raise InvalidName("A profile needs a name.", "Type a name or initials.")
        if len(cleaned) > PROFILE_NAME_MAX:
            raise InvalidName(f"A profile name can be at most {PROFILE_NAME_MAX} characters.",
                              "Use a shorter name.")
        return cleaned

    @staticmethod
    def _taken(name: str) -> NameTaken:
        return NameTaken(f"There is already a profile called “{name}”.",
                         "Choose a different name, or pick that profile from the list.")

    def create_profile(self, name: str) -> ProfileRecord:
        """Create a profile. Whitespace is tidied; names are unique ignoring case."""
        cleaned = self._clean_name(name)
        try:
            with self._writing() as s:
                profile = Profile(name=cleaned, created_at=self._now())
                s.add(profile)
                s.flush()
                record = _profile(profile)
        except IntegrityError as exc:
            raise self._taken(cleaned) from exc
        self._notify(Change(ChangeKind.PROFILES, (record.id,), record.id))
        return record

    def list_profiles(self) -> list[ProfileRecord]:
        """All profiles, alphabetically."""
        with self._reading() as s:
            rows = s.scalars(select(Profile).order_by(Profile.name, Profile.id))
            return [_profile(p) for p in rows]

    def get_profile(self, profile_id: int) -> ProfileRecord:
        """One profile; NotFound if it was deleted."""
        with self._reading() as s:
            return _profile(_get(s, Profile, profile_id, "profile"))

    def rename_profile(self, profile_id: int, name: str) -> ProfileRecord:
        """Rename a profile (NameTaken if another profile has that name)."""
        cleaned = self._clean_name(name)
        try:
            with self._writing() as s:
                profile = _get(s, Profile, profile_id, "profile")
                profile.name = cleaned
                s.flush()
                record = _profile(profile)
        except IntegrityError as exc:
            raise self._taken(cleaned) from exc
        self._notify(Change(ChangeKind.PROFILES, (profile_id,), profile_id))
        return record

    def delete_profile(self, profile_id: int) -> None:
        """Delete a profile with all its attempts, choices, reflections and drafts."""
        with self._writing() as s:
            # Core DELETE: the database cascades (and its FTS triggers follow);
            # nothing is loaded into the session.
            result = s.execute(delete(Profile).where(Profile.id == profile_id))
            if _rowcount(result) == 0:
                raise _not_found("profile")
        self._notify(Change(ChangeKind.PROFILES, (profile_id,), profile_id))

    # ---------------------------------------------------------------- attempts

    def start_attempt(self, profile_id: int, scenario_id: str, content_hash: str,
                      mode: str | AttemptMode) -> AttemptRecord:
        """Begin a play-through; ``mode`` is ``"practice"`` or ``"assessment"``."""
        try:
            mode_value = AttemptMode(mode).value
        except ValueError:
            raise ValueError(f"mode must be 'practice' or 'assessment', not {mode!r}") from None
        now = self._now()
        with self._writing() as s:
            _get(s, Profile, profile_id, "profile")
            number = s.scalar(
                select(func.coalesce(func.max(Attempt.number), 0))
                .where(Attempt.profile_id == profile_id)
            ) or 0
            attempt = Attempt(
                profile_id=profile_id, number=number + 1, scenario_id=scenario_id,
                content_hash=content_hash, mode=mode_value, status=_IN_PROGRESS,
                started_at=now, finished_at=None, ending_node_id=None, week=iso_week(now),
                choice_count=0, drift_count=0,
            )
            s.add(attempt)
            s.flush()
            record = _attempt(attempt)
        self._notify(Change(ChangeKind.ATTEMPTS, (record.id,), profile_id, record.id))
        return record

    def get_attempt(self, attempt_id: int) -> AttemptRecord:
        """One attempt; NotFound if it was deleted."""
        with self._reading() as s:
            return _attempt(_get(s, Attempt, attempt_id, "attempt"))

    def finish_attempt(self, attempt_id: int, ending_node_id: str) -> AttemptRecord:
        """Mark an attempt completed at ``ending_node_id`` (finishing twice changes nothing)."""
        with self._writing() as s:
            attempt = _get(s, Attempt, attempt_id, "attempt")
            changed = attempt.status != _COMPLETED
            if changed:
                attempt.status = _COMPLETED
                attempt.finished_at = self._now()
                attempt.ending_node_id = ending_node_id
            record = _attempt(attempt)
        if changed:
            self._notify(Change(ChangeKind.ATTEMPTS, (attempt_id,), record.profile_id, attempt_id))
        return record

    def abandon_attempt(self, attempt_id: int) -> AttemptRecord:
        """Mark an unfinished attempt abandoned; its choices and reflections stay in history."""
        with self._writing() as s:
            attempt = _get(s, Attempt, attempt_id, "attempt")
            changed = attempt.status == _IN_PROGRESS
            if changed:
                attempt.status = _ABANDONED
            record = _attempt(attempt)
        if changed:
            self._notify(Change(ChangeKind.ATTEMPTS, (attempt_id,), record.profile_id, attempt_id))
        return record

    def unfinished_attempt(self, profile_id: int) -> AttemptRecord | None:
        """The profile's most recent attempt still in progress (to offer resuming), or None."""
        with self._reading() as s:
            attempt = s.scalars(
                select(Attempt)
                .where(Attempt.profile_id == profile_id, Attempt.status == _IN_PROGRESS)
                .order_by(Attempt.started_at.desc(), Attempt.id.desc())
                .limit(1)
            ).first()
            return None if attempt is None else _attempt(attempt)

    def attempt_choices(self, attempt_id: int) -> list[ChoiceEventRecord]:
        """Every choice of an attempt in order, stepped-back ones included (to replay a path)."""
        with self._reading() as s:
            rows = s.scalars(
                select(ChoiceEvent).where(ChoiceEvent.attempt_id == attempt_id)
                .order_by(ChoiceEvent.seq)
            )
            return [_choice(c) for c in rows]

    @staticmethod
    def _summary_select() -> Any:
        reflections = (
            select(func.count())
            .where(Reflection.attempt_id == Attempt.id)
            .correlate(Attempt)
            .scalar_subquery()
        )
        return select(Attempt, reflections.label("reflection_count"))

    @staticmethod
    def _range(stmt: Any, profile_id: int, since: datetime | None, until: datetime | None) -> Any:
        stmt = stmt.where(Attempt.profile_id == profile_id)
        if since is not None:
            stmt = stmt.where(Attempt.started_at >= since)
        if until is not None:
            stmt = stmt.where(Attempt.started_at < until)
        return stmt

    def list_attempts(self, profile_id: int, *, offset: int = 0, limit: int = 50,
                      since: datetime | None = None,
                      until: datetime | None = None) -> list[AttemptSummary]:
        """A page of the profile's attempts, newest first, started in [since, until).

        Served by the (profile_id, started_at, id) index, so a page costs the
        same however long the history is.
        """
        stmt = self._range(self._summary_select(), profile_id, since, until)
        stmt = stmt.order_by(Attempt.started_at.desc(), Attempt.id.desc())
        stmt = stmt.offset(max(offset, 0)).limit(max(limit, 0))
        with self._reading() as s:
            return [_summary(a, n) for a, n in s.execute(stmt)]

    def count_attempts(self, profile_id: int, since: datetime | None = None,
                       until: datetime | None = None) -> int:
        """How many attempts list_attempts would page through."""
        stmt = self._range(select(func.count()).select_from(Attempt), profile_id, since, until)
        with self._reading() as s:
            return int(s.scalar(stmt) or 0)

    def attempt_detail(self, attempt_id: int) -> AttemptDetail:
        """Summary, every choice (in order) and every saved reflection of one attempt."""
        with self._reading() as s:
            row = s.execute(self._summary_select().where(Attempt.id == attempt_id)).first()
            if row is None:
                raise _not_found("attempt")
            choices = s.scalars(
                select(ChoiceEvent).where(ChoiceEvent.attempt_id == attempt_id)
                .order_by(ChoiceEvent.seq)
            )
            reflections = s.scalars(
                select(Reflection).where(Reflection.attempt_id == attempt_id)
                .order_by(Reflection.created_at, Reflection.id)
            )
            return AttemptDetail(
                summary=_summary(row[0], row[1]),
                choices=tuple(_choice(c) for c in choices),
                reflections=tuple(_reflection(r) for r in reflections),
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
                func.sum(case((Attempt.status == _COMPLETED, 1), else_=0)),
                func.max(Attempt.started_at),
                Attempt.status,
            )
            .where(Attempt.profile_id == profile_id, Attempt.status != _ABANDONED)
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
            .where(Attempt.profile_id == profile_id, Attempt.status == _COMPLETED)
            .group_by(Attempt.scenario_id)
        )
        results: dict[str, LastResult] = {}
        with self._reading() as s:
            done = {r[0]: r for r in s.execute(finished)}
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
                )
        return results

    # ----------------------------------------------------------------- choices

    def record_choice(self, attempt_id: int, node_id: str, choice_id: str, role: str | Role,
                      effects: Mapping[int, int], feedback: str) -> ChoiceEventRecord:
        """Record a choice with its role tag, competency effects and the feedback shown.

        The attempt's per-role counts are updated in the same transaction.
        """
        role_value = role.value if isinstance(role, Role) else str(role)
        if role_value not in _KNOWN_ROLES:
            raise ValueError(f"unknown role tag {role_value!r}")
        effects_json = json.dumps({str(int(k)): int(v) for k, v in effects.items()},
                                  sort_keys=True)
        now = self._now()
        with self._writing() as s:
            attempt = _get(s, Attempt, attempt_id, "attempt")
            if attempt.status != _IN_PROGRESS:
                raise _closed()
            seq = s.scalar(
                select(func.coalesce(func.max(ChoiceEvent.seq), 0))
                .where(ChoiceEvent.attempt_id == attempt_id)
            ) or 0
            event = ChoiceEvent(
                attempt_id=attempt_id, seq=seq + 1, node_id=node_id, choice_id=choice_id,
                role=role_value, effects=effects_json, feedback=feedback, created_at=now,
                stepped_back=False,
            )
            s.add(event)
            self._count_role(s, attempt, role_value, +1)
            s.flush()
            record = _choice(event)
            profile_id = attempt.profile_id
        self._notify(Change(ChangeKind.CHOICES, (record.id,), profile_id, attempt_id))
        return record

    @staticmethod
    def _count_role(s: Session, attempt: Attempt, role: str, delta: int) -> None:
        s.execute(
            sqlite_insert(AttemptRoleCount)
            .values(attempt_id=attempt.id, role=role, n=delta)
            .on_conflict_do_update(
                index_elements=[AttemptRoleCount.attempt_id, AttemptRoleCount.role],
                set_={"n": AttemptRoleCount.n + delta},
            )
        )
        attempt.choice_count += delta
        if role != PEER:
            attempt.drift_count += delta

    def mark_stepped_back(self, event_id: int) -> ChoiceEventRecord:
        """Flag a choice the trainee stepped back from (practice mode); it stays recorded."""
        with self._writing() as s:
            event = _get(s, ChoiceEvent, event_id, "choice")
            attempt = _get(s, Attempt, event.attempt_id, "attempt")
            if attempt.mode != AttemptMode.PRACTICE.value:
                raise ValueError("stepping back is only possible in practice mode")
            changed = not event.stepped_back
            if changed:
                event.stepped_back = True
                self._count_role(s, attempt, event.role, -1)
            s.flush()
            record = _choice(event)
            profile_id = attempt.profile_id
        if changed:
            self._notify(Change(ChangeKind.CHOICES, (event_id,), profile_id, record.attempt_id))
        return record

    # ------------------------------------------------------------- reflections

    def save_draft(self, attempt_id: int, prompt_id: str, text: str) -> None:
        """Autosave unsaved reflection text (insert or replace); durable when this returns."""
        now = self._now()
        with self._writing() as s:
            try:
                s.execute(
                    sqlite_insert(ReflectionDraft)
                    .values(attempt_id=attempt_id, prompt_id=prompt_id, text=text, updated_at=now)
                    .on_conflict_do_update(
                        index_elements=[ReflectionDraft.attempt_id, ReflectionDraft.prompt_id],
                        set_={"text": text, "updated_at": now},
                    )
                )
            except IntegrityError as exc:
                raise _not_found("attempt") from exc
        self._notify(Change(ChangeKind.DRAFTS, (attempt_id,), None, attempt_id))

    def get_draft(self, attempt_id: int, prompt_id: str) -> str | None:
        """The autosaved text for one prompt, or None."""
        with self._reading() as s:
            return s.scalar(
                select(ReflectionDraft.text).where(
                    ReflectionDraft.attempt_id == attempt_id,
                    ReflectionDraft.prompt_id == prompt_id,
                )
            )

    def drafts_for_attempt(self, attempt_id: int) -> dict[str, str]:
        """Every autosaved draft of an attempt, by prompt id (to restore after a crash)."""
        with self._reading() as s:
            rows = s.execute(
                select(ReflectionDraft.prompt_id, ReflectionDraft.text)
                .where(ReflectionDraft.attempt_id == attempt_id)
            )
            return {str(prompt): str(body) for prompt, body in rows}

    def discard_draft(self, attempt_id: int, prompt_id: str) -> None:
        """Forget an autosaved draft (no error if there is none)."""
        with self._writing() as s:
            s.execute(delete(ReflectionDraft).where(
                ReflectionDraft.attempt_id == attempt_id, ReflectionDraft.prompt_id == prompt_id
            ))
        self._notify(Change(ChangeKind.DRAFTS, (attempt_id,), None, attempt_id))

    def save_reflection(self, attempt_id: int, prompt_id: str, text: str) -> ReflectionRecord:
        """Save the reflection for one prompt (replacing an earlier one) and drop its draft.

        Both happen in one transaction: there is never a moment with neither.
        """
        now = self._now()
        with self._writing() as s:
            attempt = _get(s, Attempt, attempt_id, "attempt")
            row = s.execute(
                sqlite_insert(Reflection)
                .values(attempt_id=attempt_id, prompt_id=prompt_id, text=text,
                        created_at=now, updated_at=now)
                .on_conflict_do_update(
                    index_elements=[Reflection.attempt_id, Reflection.prompt_id],
                    set_={"text": text, "updated_at": now},
                )
                .returning(Reflection.id, Reflection.created_at)
            ).one()
            s.execute(delete(ReflectionDraft).where(
                ReflectionDraft.attempt_id == attempt_id, ReflectionDraft.prompt_id == prompt_id
            ))
            profile_id = attempt.profile_id
        record = ReflectionRecord(id=row[0], attempt_id=attempt_id, prompt_id=prompt_id,
                                  text=text, created_at=row[1], updated_at=now)
        self._notify(Change(ChangeKind.REFLECTIONS, (record.id,), profile_id, attempt_id))
        return record

    def delete_reflection(self, reflection_id: int) -> None:
        """Delete a saved reflection (it also leaves the search index)."""
        with self._writing() as s:
            row = s.execute(
                select(Reflection.attempt_id, Attempt.profile_id)
                .join(Attempt, Attempt.id == Reflection.attempt_id)
                .where(Reflection.id == reflection_id)
            ).first()
            if row is None:
                raise _not_found("reflection")
            s.execute(delete(Reflection).where(Reflection.id == reflection_id))
        self._notify(Change(ChangeKind.REFLECTIONS, (reflection_id,), row[1], row[0]))

    def search_reflections(self, profile_id: int, query: str, *,
                           limit: int = 50) -> list[ReflectionHit]:
        """Full-text search of one profile's reflections, newest first.

        ``query`` is taken as plain words (any punctuation or FTS syntax is
        harmless); all words must match and the last also matches as a prefix.
        """
        match = fts_query(query)
        if match is None or limit <= 0:
            return []
        snippet = func.snippet(literal_column("reflection_fts"), 0, MATCH_START, MATCH_END,
                               "…", 12)
        stmt = (
            select(Reflection.id, Reflection.attempt_id, Attempt.scenario_id,
                   Reflection.prompt_id, snippet, Reflection.updated_at)
            .select_from(_fts)
            .join(Reflection, Reflection.id == _fts.c.rowid)
            .join(Attempt, Attempt.id == Reflection.attempt_id)
            .where(text("reflection_fts MATCH :match").bindparams(match=match))
            .where(Attempt.profile_id == profile_id)
            # Newest first lets FTS5 walk its index backwards and stop at `limit`.
            .order_by(_fts.c.rowid.desc())
            .limit(limit)
        )
        hits = []
        with self._reading() as s:
            for rid, aid, scenario_id, prompt_id, marked, updated_at in s.execute(stmt):
                plain, parts = split_snippet(str(marked or ""))
                hits.append(ReflectionHit(
                    reflection_id=rid, attempt_id=aid, scenario_id=scenario_id,
                    prompt_id=prompt_id, snippet=plain, snippet_parts=parts,
                    updated_at=updated_at,
                ))
        return hits

    # --------------------------------------------------------- boundary profile

    def boundary_profile(self, profile_id: int, *, bucket: str = "week") -> list[ProfileBucket]:
        """Role counts per ISO week (``"week"``) or per ten attempts (``"ten"``), oldest first.

        Sums the per-attempt role counts kept by record_choice, so the cost
        grows with the number of attempts, never with the number of choices.
        """
        if bucket == "week":
            key: Any = Attempt.week
        elif bucket == "ten":
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

    # ---------------------------------------------------------- group sessions

    def start_group_session(self, scenario_id: str, content_hash: str) -> GroupSessionRecord:
        """Begin a facilitated group run (no personal identities are stored)."""
        with self._writing() as s:
            session = GroupSession(scenario_id=scenario_id, content_hash=content_hash,
                                   started_at=self._now(), finished_at=None,
                                   ending_node_id=None, notes="")
            s.add(session)
            s.flush()
            record = _group(session)
        self._notify(Change(ChangeKind.GROUP_SESSIONS, (record.id,)))
        return record

    def record_group_decision(self, session_id: int, node_id: str, votes: Mapping[str, int],
                              chosen_choice_id: str, revealed_all: bool) -> GroupDecisionRecord:
        """Record the room's vote counts at a decision and the choice the group followed."""
        votes_json = json.dumps({str(k): int(v) for k, v in votes.items()}, sort_keys=True)
        with self._writing() as s:
            _get(s, GroupSession, session_id, "group session")
            seq = s.scalar(
                select(func.coalesce(func.max(GroupDecision.seq), 0))
                .where(GroupDecision.session_id == session_id)
            ) or 0
            decision = GroupDecision(session_id=session_id, seq=seq + 1, node_id=node_id,
                                     votes=votes_json, chosen_choice_id=chosen_choice_id,
                                     revealed_all=revealed_all, created_at=self._now())
            s.add(decision)
            s.flush()
            record = _decision(decision)
        self._notify(Change(ChangeKind.GROUP_SESSIONS, (session_id,)))
        return record

    def set_group_notes(self, session_id: int, notes: str) -> None:
        """Replace the facilitator's notes for a session."""
        with self._writing() as s:
            result = s.execute(
                update(GroupSession).where(GroupSession.id == session_id).values(notes=notes)
            )
            if _rowcount(result) == 0:
                raise _not_found("group session")
        self._notify(Change(ChangeKind.GROUP_SESSIONS, (session_id,)))

    def finish_group_session(self, session_id: int, ending_node_id: str | None) -> None:
        """Close a group session (``ending_node_id`` None if it stopped before an ending)."""
        with self._writing() as s:
            result = s.execute(
                update(GroupSession).where(GroupSession.id == session_id)
                .values(finished_at=self._now(), ending_node_id=ending_node_id)
            )
            if _rowcount(result) == 0:
                raise _not_found("group session")
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
            session = _get(s, GroupSession, session_id, "group session")
            decisions = s.scalars(
                select(GroupDecision).where(GroupDecision.session_id == session_id)
                .order_by(GroupDecision.seq)
            )
            return GroupSessionDetail(session=_group(session),
                                      decisions=tuple(_decision(d) for d in decisions))

    # ------------------------------------------------------ backups, integrity

    @property
    def backups_dir(self) -> Path:
        """Where this database's backups go."""
        return self._backups_dir if self._backups_dir is not None else paths.backups_dir()

    def backup_now(self, *, label: str = "") -> Path:
        """Write a consistent copy of the database to the backups folder; keep the newest few."""
        directory = paths.ensure_private_dir(self.backups_dir)
        path: Path = _engine.raw_call(
            self._engine,
            lambda raw: _backup.backup_connection(raw, directory, label=label,
                                                  keep=self._keep_backups),
        )
        log.info("database backed up")
        return path

    def list_backups(self) -> list[BackupInfo]:
        """Backups of this database, newest first."""
        return _backup.list_backups(self.backups_dir)

    def backup_if_due(self, max_age: timedelta = DAILY_BACKUP_AGE) -> Path | None:
        """Back up if the newest backup is older than ``max_age`` and there is data to keep."""
        newest = self.list_backups()
        if newest and datetime.now(UTC) - newest[0].created_at < max_age:
            return None
        with self._reading() as s:
            if s.scalar(select(func.count()).select_from(Profile)) == 0:
                return None
        return self.backup_now(label="daily")

    def integrity_check(self) -> str:
        """SQLite's full integrity check plus the search index's own: ``"ok"`` or the problems."""
        def check(raw: sqlite3.Connection) -> str:
            problems = [str(r[0]) for r in raw.execute("PRAGMA integrity_check")]
            if problems == ["ok"]:
                problems = []
            try:
                raw.execute(
                    "INSERT INTO reflection_fts(reflection_fts, rank) VALUES ('integrity-check', 1)"
                )
            except sqlite3.DatabaseError as exc:
                problems.append(f"search index: {exc}")
            return "\n".join(problems) or "ok"

        result: str = _engine.raw_call(self._engine, check)
        return result


# ---------------------------------------------------------------- helpers


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _not_found(what: str) -> NotFound:
    return NotFound(f"That {what} no longer exists.",
                    "It may have been deleted in another window. Refresh and try again.")


def _closed() -> StorageError:
    return StorageError("This attempt has already ended, so the choice was not recorded.",
                        "Start the scenario again to keep playing.")


def _get(s: Session, model: type[Any], ident: int, what: str) -> Any:
    obj = s.get(model, ident)
    if obj is None:
        raise _not_found(what)
    return obj


def _profile(p: Profile) -> ProfileRecord:
    return ProfileRecord(id=p.id, name=p.name, created_at=p.created_at)


def _attempt(a: Attempt) -> AttemptRecord:
    return AttemptRecord(
        id=a.id, profile_id=a.profile_id, number=a.number, scenario_id=a.scenario_id,
        content_hash=a.content_hash, mode=AttemptMode(a.mode), status=AttemptStatus(a.status),
        started_at=a.started_at, finished_at=a.finished_at, ending_node_id=a.ending_node_id,
    )


def _summary(a: Attempt, reflection_count: int | None) -> AttemptSummary:
    return AttemptSummary(
        id=a.id, profile_id=a.profile_id, number=a.number, scenario_id=a.scenario_id,
        content_hash=a.content_hash, mode=AttemptMode(a.mode), status=AttemptStatus(a.status),
        started_at=a.started_at, finished_at=a.finished_at, ending_node_id=a.ending_node_id,
        choice_count=a.choice_count, drift_count=a.drift_count,
        reflection_count=int(reflection_count or 0),
    )


def _choice(c: ChoiceEvent) -> ChoiceEventRecord:
    effects = {int(k): int(v) for k, v in json.loads(c.effects).items()}
    return ChoiceEventRecord(
        id=c.id, attempt_id=c.attempt_id, seq=c.seq, node_id=c.node_id, choice_id=c.choice_id,
        role=c.role, effects=MappingProxyType(effects), feedback=c.feedback,
        created_at=c.created_at, stepped_back=bool(c.stepped_back),
    )


def _reflection(r: Reflection) -> ReflectionRecord:
    return ReflectionRecord(id=r.id, attempt_id=r.attempt_id, prompt_id=r.prompt_id,
                            text=r.text, created_at=r.created_at, updated_at=r.updated_at)


def _group(g: GroupSession) -> GroupSessionRecord:
    return GroupSessionRecord(id=g.id, scenario_id=g.scenario_id, content_hash=g.content_hash,
                              started_at=g.started_at, finished_at=g.finished_at,
                              ending_node_id=g.ending_node_id, notes=g.notes)


def _decision(d: GroupDecision) -> GroupDecisionRecord:
    votes = {str(k): int(v) for k, v in json.loads(d.votes).items()}
    return GroupDecisionRecord(id=d.id, session_id=d.session_id, seq=d.seq, node_id=d.node_id,
                               votes=MappingProxyType(votes),
                               chosen_choice_id=d.chosen_choice_id,
                               revealed_all=bool(d.revealed_all), created_at=d.created_at)


__all__ = ["Storage", "iso_week"]
