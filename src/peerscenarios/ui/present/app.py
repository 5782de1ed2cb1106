"""Entry points of facilitator mode: from the library window, and ``peerscenarios present``."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from peerscenarios import paths
from peerscenarios.app.library_service import load_library
from peerscenarios.core.model import Scenario
from peerscenarios.errors import PeerScenariosError
from peerscenarios.storage import Storage
from peerscenarios.ui.present.audience import AudienceWindow
from peerscenarios.ui.present.controller import PresentationController
from peerscenarios.ui.present.dialogs import ErrorMessage, ScenarioPicker
from peerscenarios.ui.present.presenter import PresenterWindow
from peerscenarios.ui.present.screens import PresentSettings, ScreenManager, ScreenProvider


def start_presentation(parent: QWidget | None, scenario: Scenario, storage: Storage, *,
                       screens: ScreenProvider | None = None,
                       settings: PresentSettings | None = None,
                       phones: str | None = None) -> PresenterWindow:
    """Open the presenter view (shown, returned) and the audience view for ``scenario``.

    A group session is started in ``storage`` at once and recorded as the
    group goes. ``screens`` and ``settings`` are seams for tests; by default
    the real screens and the data folder's settings file are used.
    ``phones`` turns phone voting on at once: an address, or "" for the best
    network found (None leaves it off).
    """
    settings = settings or PresentSettings()
    provider = screens or ScreenProvider()
    controller = PresentationController(scenario, storage,
                                        timer_seconds=settings.timer_seconds)
    audience = AudienceWindow()
    presenter: PresenterWindow

    def laptop() -> object:
        # The presenter's own screen; before it is shown, the primary screen.
        own = presenter.screen() if presenter.isVisible() else None
        return own if own is not None and own in provider.screens() else provider.primary()

    manager = ScreenManager(audience, provider, settings, laptop)
    presenter = PresenterWindow(controller, audience, manager, settings, parent)
    # The presenter owns the session's objects, so they live and die with it. The flags
    # go along: setParent() alone would make the audience view a child drawn inside it.
    audience.setParent(presenter, audience.windowFlags())
    controller.setParent(presenter)
    manager.setParent(presenter)
    if screens is None:  # a provider a test passed in stays the test's
        provider.setParent(presenter)
    # Shown before begin(): placing the audience view asks which screen the presenter is on.
    presenter.show()
    presenter.begin()
    if phones is not None:
        presenter.phones.turn_on(phones or None)
    # The full-screen audience view opened last; the laptop's keyboard belongs to the presenter.
    presenter.raise_()
    presenter.activateWindow()
    return presenter


def run_present(args: argparse.Namespace) -> int:
    """``peerscenarios present [SCENARIO_ID]``: pick a scenario and run it with a group.

    Returns the exit code: 0 when the facilitator closes the session, 1 for a
    storage problem or an unknown scenario id, 0 if the picker is cancelled.
    """
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("PeerScenarios")
    app.setApplicationDisplayName("PeerScenarios facilitator mode")
    QGuiApplication.setQuitOnLastWindowClosed(True)
    try:
        storage = Storage.open(getattr(args, "db", None))
    except PeerScenariosError as exc:
        ErrorMessage.show(None, "PeerScenarios cannot open its database", exc.message, exc.hint)
        return 1
    try:
        library = load_library([paths.user_scenarios_dir()],
                               builtin=[paths.builtin_scenarios_dir()],
                               cache_dir=paths.cache_dir())
        scenario_id = getattr(args, "scenario_id", None)
        if scenario_id:
            scenario = library.by_id(scenario_id)
            if scenario is None:
                # Started from a terminal: say it there too, not only in the dialog.
                print(f"peerscenarios present: no scenario with the id '{scenario_id}'",
                      file=sys.stderr)
                ErrorMessage.show(None, "No such scenario",
                                  f"There is no scenario with the id “{scenario_id}”.",
                                  "Run “peerscenarios present” without an id to pick one "
                                  "from a list.")
                return 1
        else:
            scenario = ScenarioPicker.ask(None, library.scenarios)
            if scenario is None:
                return 0
        phones = getattr(args, "phones", None)
        presenter = start_presentation(None, scenario, storage, phones=phones)
        if phones is not None:
            # Scripts and tests read the link from here; a problem goes to stderr.
            if presenter.phones.running:
                print(f"Phones join at {presenter.phones.bridge.url}", flush=True)
            else:
                print(f"peerscenarios present: {presenter.phones.message.text()}",
                      file=sys.stderr, flush=True)
        presenter.left.connect(app.quit)
        return int(app.exec())
    finally:
        storage.close()
