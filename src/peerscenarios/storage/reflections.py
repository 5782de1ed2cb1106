"""Reflections: autosaved drafts, saved answers, deleting them, and full-text search."""

from __future__ import annotations

from sqlalchemy import column, delete, func, literal_column, select, table, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from peerscenarios.storage.database import Database, get_or_raise, not_found
from peerscenarios.storage.models import Attempt, Reflection, ReflectionDraft
from peerscenarios.storage.records import Change, ChangeKind, ReflectionHit, ReflectionRecord
from peerscenarios.storage.search import MATCH_END, MATCH_START, fts_query, split_snippet

# The FTS5 table is created by hand in the migrations (no ORM model), so
# queries name it through a lightweight table clause.
_fts = table("reflection_fts", column("rowid"))


def purge_deleted_words(s: Session) -> None:
    """Rewrite the search index so words of deleted reflections leave the file.

    A delete in an FTS5 index only adds a "deleted" marker; the words stay in
    the index's pages until those are merged. 'optimize' merges everything
    now, and secure_delete (set on every connection) zeroes the freed pages.
    It rewrites the whole index: tens of milliseconds for thousands of
    reflections, about a second for 100,000, and only on an explicit delete.
    """
    s.execute(text("INSERT INTO reflection_fts(reflection_fts) VALUES ('optimize')"))


class Reflections(Database):
    """The draft, reflection and search operations of Storage."""

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
                # The only foreign key is the attempt: it was deleted meanwhile.
                raise not_found("attempt") from exc
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
            # Looked up first for the listener's profile id, and so that a
            # deleted attempt is NotFound rather than a foreign-key error.
            attempt = get_or_raise(s, Attempt, attempt_id, "attempt")
            # RETURNING gives the id of the inserted or updated row in the same
            # statement; created_at stays the first save's time on an update.
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
        """Delete a saved reflection; its words also leave the search index's pages."""
        with self._writing() as s:
            # Read before deleting: listeners are told which attempt and profile changed.
            row = s.execute(
                select(Reflection.attempt_id, Attempt.profile_id)
                .join(Attempt, Attempt.id == Reflection.attempt_id)
                .where(Reflection.id == reflection_id)
            ).first()
            if row is None:
                raise not_found("reflection")
            s.execute(delete(Reflection).where(Reflection.id == reflection_id))
            purge_deleted_words(s)
        self._notify(Change(ChangeKind.REFLECTIONS, (reflection_id,), row[1], row[0]))

    def search_reflections(self, profile_id: int, query: str, *,
                           limit: int = 50) -> list[ReflectionHit]:
        """Full-text search of one profile's reflections, newest first.

        ``query`` is taken as plain words (any punctuation or FTS syntax is
        harmless); all words must match and the last also matches as a prefix.
        """
        # Never pass user text to MATCH as is: FTS5 syntax errors would raise,
        # and column filters could reach other columns.
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
