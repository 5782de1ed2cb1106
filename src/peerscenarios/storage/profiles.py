"""Trainee profiles: create, list, rename and delete (with everything that belongs to one)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from peerscenarios.storage.database import Database, get_or_raise, not_found, rowcount
from peerscenarios.storage.errors import InvalidName, NameTaken
from peerscenarios.storage.mappers import profile_record
from peerscenarios.storage.models import PROFILE_NAME_MAX, Profile
from peerscenarios.storage.records import Change, ChangeKind, ProfileRecord
from peerscenarios.storage.reflections import purge_deleted_words


def clean_name(name: str) -> str:
    """``name`` with its whitespace tidied; InvalidName if empty or too long."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidName("A profile needs a name.", "Type a name or initials.")
    if len(cleaned) > PROFILE_NAME_MAX:
        raise InvalidName(f"A profile name can be at most {PROFILE_NAME_MAX} characters.",
                          "Use a shorter name.")
    return cleaned


def _taken(name: str) -> NameTaken:
    return NameTaken(f"There is already a profile called “{name}”.",
                     "Choose a different name, or pick that profile from the list.")


class Profiles(Database):
    """The profile operations of Storage."""

    def create_profile(self, name: str) -> ProfileRecord:
        """Create a profile. Whitespace is tidied; names are unique ignoring case."""
        cleaned = clean_name(name)
        try:
            with self._writing() as s:
                profile = Profile(name=cleaned, created_at=self._now())
                s.add(profile)
                s.flush()
                record = profile_record(profile)
        except IntegrityError as exc:
            # The NOCASE unique index is the one judge of "same name", even
            # against another window creating the same profile at once.
            raise _taken(cleaned) from exc
        self._notify(Change(ChangeKind.PROFILES, (record.id,), record.id))
        return record

    def list_profiles(self) -> list[ProfileRecord]:
        """All profiles, alphabetically."""
        with self._reading() as s:
            rows = s.scalars(select(Profile).order_by(Profile.name, Profile.id))
            return [profile_record(p) for p in rows]

    def get_profile(self, profile_id: int) -> ProfileRecord:
        """One profile; NotFound if it was deleted."""
        with self._reading() as s:
            return profile_record(get_or_raise(s, Profile, profile_id, "profile"))

    def rename_profile(self, profile_id: int, name: str) -> ProfileRecord:
        """Rename a profile (NameTaken if another profile has that name)."""
        cleaned = clean_name(name)
        try:
            with self._writing() as s:
                profile = get_or_raise(s, Profile, profile_id, "profile")
                profile.name = cleaned
                s.flush()
                record = profile_record(profile)
        except IntegrityError as exc:
            raise _taken(cleaned) from exc
        self._notify(Change(ChangeKind.PROFILES, (profile_id,), profile_id))
        return record

    def delete_profile(self, profile_id: int) -> None:
        """Delete a profile with all its attempts, choices, reflections and drafts.

        The words of its reflections also leave the search index's pages.
        """
        with self._writing() as s:
            # Core DELETE: the database cascades (and its FTS triggers follow);
            # nothing is loaded into the session.
            result = s.execute(delete(Profile).where(Profile.id == profile_id))
            if rowcount(result) == 0:
                raise not_found("profile")
            purge_deleted_words(s)
        self._notify(Change(ChangeKind.PROFILES, (profile_id,), profile_id))
