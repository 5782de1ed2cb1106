"""Choosing, creating and switching the local trainee profile."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from peerscenarios.ui.context import AppContext

if TYPE_CHECKING:
    from peerscenarios.storage import InvalidName, NameTaken, ProfileRecord


# Dialogs and storage are imported where they are used: the window paints before either
# is needed, and setting up their classes would only delay that first paint.


def _name_errors() -> tuple[type[InvalidName], type[NameTaken]]:
    """The errors a bad profile name raises (imported late: storage opens after first paint)."""
    from peerscenarios.storage import InvalidName, NameTaken

    return InvalidName, NameTaken


class ProfileController:
    """Picks the profile at start-up (asking on first run) and switches it from the menu."""

    def __init__(self, ctx: AppContext, parent: QWidget) -> None:
        self.ctx = ctx
        self.parent = parent

    def choose_initial(self) -> bool:
        """Select the last used profile, or ask for a name on first run; False if cancelled."""
        profiles = self.ctx.storage.list_profiles()
        if not profiles:
            created = self._create(first_run=True)
            return created is not None
        remembered = self.ctx.settings.profile_id
        # The remembered profile may have been deleted (or the settings copied from
        # another computer): the first one stands in.
        chosen = next((p for p in profiles if p.id == remembered), profiles[0])
        self.ctx.set_profile(chosen)
        return True

    def _create(self, *, first_run: bool) -> ProfileRecord | None:
        from peerscenarios.ui.dialogs import MessageDialog, ProfileNameDialog

        name: str | None = None
        # Asked again after a refused name (taken, or not allowed), the reason shown first.
        while True:
            name = ProfileNameDialog.ask(self.parent, first_run=first_run)
            if name is None:
                return None
            try:
                profile = self.ctx.storage.create_profile(name)
            except _name_errors() as exc:
                MessageDialog.report_error(self.parent, exc, "Choose another name")
                continue
            self.ctx.set_profile(profile)
            return profile

    def new_profile(self) -> bool:
        """Ask for a name and switch to a new profile; True if one was created."""
        return self._create(first_run=False) is not None

    def switch(self) -> bool:
        """Let the trainee pick another profile (or make one); True if it changed."""
        from peerscenarios.ui.dialogs import MessageDialog, ProfilePickerDialog

        profiles = self.ctx.storage.list_profiles()
        current = self.ctx.profile.id if self.ctx.profile else None
        choice = ProfilePickerDialog.ask(self.parent, profiles, current)
        if choice is None:
            return False
        if choice.new_name is not None:
            try:
                profile = self.ctx.storage.create_profile(choice.new_name)
            except _name_errors() as exc:
                MessageDialog.report_error(self.parent, exc, "Choose another name")
                return False
            self.ctx.set_profile(profile)
            return True
        if choice.profile_id == current:
            return False
        self.ctx.set_profile(self.ctx.storage.get_profile(int(choice.profile_id or 0)))
        return True
