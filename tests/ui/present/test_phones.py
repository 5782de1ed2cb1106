"""Phones in facilitator mode: the address offered, phone votes adding up with hands, the record."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from pytestqt.qtbot import QtBot

from peerscenarios.app.group.stage_state import Blank, Step
from peerscenarios.core.markup import to_plain
from peerscenarios.core.model import Scenario
from peerscenarios.phones.state import PhoneTally
from peerscenarios.storage import Storage
from peerscenarios.ui.present import phones_panel as panel_module
from peerscenarios.ui.present import start_presentation
from peerscenarios.ui.present.phones import (
    NO_NETWORK,
    NOBODY_JOINED,
    InterfaceInfo,
    NetKind,
    NetworkAddress,
    PhoneBridge,
    rank_addresses,
    usable_addresses,
)
from peerscenarios.ui.present.presenter import PresenterWindow
from peerscenarios.ui.present.screens import PresentSettings

from .helpers import OFFSCREEN_NOISE, FakeScreens, widget_texts
from .phone_client import SyncPhone

pytestmark = OFFSCREEN_NOISE


def _iface(name: str, kind: NetKind, *addresses: str, up: bool = True,
           loopback: bool = False) -> InterfaceInfo:
    return InterfaceInfo(name, name, kind, up, loopback, addresses)


def _open(qtbot: QtBot, scenario: Scenario, storage: Storage, screens: FakeScreens,
          settings: PresentSettings, phones: str | None = "127.0.0.1") -> PresenterWindow:
    p = start_presentation(None, scenario, storage, screens=screens, settings=settings,
                           phones=phones)
    qtbot.addWidget(p)
    qtbot.addWidget(p.audience)
    return p


def _plain(text: str) -> str:
    return " ".join(to_plain(text).split())


def test_private_ipv4_on_a_live_interface_is_offered_wifi_first() -> None:
    found = rank_addresses([
        _iface("lo", NetKind.OTHER, "127.0.0.1", "::1", loopback=True),
        _iface("eth0", NetKind.ETHERNET, "10.0.0.5", "fe80::1%eth0"),
        _iface("docker0", NetKind.ETHERNET, "172.17.0.1"),
        _iface("wlan0", NetKind.WIFI, "192.168.1.20", "2001:db8::20"),
        _iface("wlan1", NetKind.WIFI, "192.168.7.3", up=False),
        _iface("eth1", NetKind.ETHERNET, "169.254.3.3", "203.0.113.9", "192.0.2.2",
               "100.64.0.1", "172.32.0.1"),
    ])
    assert [a.address for a in found] == ["192.168.1.20", "10.0.0.5", "172.17.0.1"]
    assert found[0].label == "Wi-Fi (wlan0): 192.168.1.20"
    assert found[2].kind is NetKind.VIRTUAL
    assert rank_addresses([_iface("lo", NetKind.OTHER, "127.0.0.1", loopback=True)]) == []


def test_this_computers_loopback_is_never_offered() -> None:
    assert all(not a.address.startswith("127.") for a in usable_addresses())


def test_a_whole_session_with_phones_and_hands(
        qtbot: QtBot, crowded: Scenario, storage: Storage, two_screens: FakeScreens,
        settings: PresentSettings) -> None:
    p = _open(qtbot, crowded, storage, two_screens, settings)
    panel = p.phones
    assert panel.running
    assert panel.toggle.isChecked()
    url = panel.bridge.url
    assert url.startswith("http://127.0.0.1:")
    assert url.endswith("/j/" + panel.bridge.code)
    assert panel.card.isVisible()
    assert panel.bridge.code in panel.card.visible_text()

    phones = [SyncPhone(url) for _ in range(3)]
    for phone in phones:
        assert phone.join() == 200
    qtbot.waitUntil(lambda: panel.counts.text() == "3 phones joined / 0 votes")
    assert phones[0].state()["state"] == "waiting"  # the situation: nothing to vote on

    # The choices: phones get the projector's letters and texts, in its order.
    qtbot.keyClick(p, Qt.Key.Key_PageDown)
    node = crowded.node("long-node")
    view = phones[0].state()
    assert view["state"] == "open"
    assert [(o["letter"], o["text"]) for o in view["options"]] == [
        (c.letter, _plain(ch.text))
        for c, ch in zip(p.controller.stage_state().choices, node.choices, strict=True)]

    # Phones and hands add up.
    visit = p.controller.flow.current.visit
    assert visit is not None
    assert [ph.vote(v) for ph, v in zip(phones, "AAB", strict=True)] == [200, 200, 200]
    qtbot.keyClick(p, Qt.Key.Key_B)
    qtbot.waitUntil(lambda: visit.votes == [2, 2, 0])
    assert panel.counts.text() == "3 phones joined / 3 votes"
    # A phone changes its mind.
    assert phones[1].vote("C") == 200
    qtbot.waitUntil(lambda: visit.votes == [1, 2, 1])
    # The facilitator overrides a count; later phone changes apply on top of it.
    p.decision.rows[0][1].setValue(5)
    assert visit.votes == [5, 2, 1]
    assert phones[0].vote("B") == 200
    qtbot.waitUntil(lambda: visit.votes == [4, 3, 1])
    # ...and can still pick the path the group follows.
    p.controller.set_path("go-home")

    # The tally keeps votes open; the feedback closes them.
    qtbot.keyClick(p, Qt.Key.Key_PageDown)
    assert p.controller.flow.current.step is Step.TALLY
    assert phones[2].vote("A") == 200  # from B to A
    qtbot.waitUntil(lambda: visit.votes == [5, 2, 1])
    qtbot.keyClick(p, Qt.Key.Key_PageDown)
    assert p.controller.flow.current.step is Step.FEEDBACK
    assert phones[2].state() == {"state": "closed", "question": "q1", "options": [],
                                 "vote": "A"}
    assert phones[2].vote("C") == 409
    qtbot.keyClick(p, Qt.Key.Key_PageDown)  # on to the next node: the decision is recorded

    # The next decision is a new question for the phones, with empty counts.
    qtbot.keyClick(p, Qt.Key.Key_PageDown)
    view = phones[0].state()
    assert view["state"] == "open"
    assert view["question"] == "q2"
    assert view["vote"] is None
    assert len(view["options"]) == 6

    # The record stores counts only, as before phones.
    assert p.controller.session_id is not None
    detail = storage.group_session_detail(p.controller.session_id)
    first = detail.decisions[0]
    assert dict(first.votes) == {"ask-what-she-wants": 5, "my-family-story": 2, "go-home": 1}
    assert first.chosen_choice_id == "go-home"

    # Nothing a phone was ever sent carries feedback, roles or the facilitator's words.
    sent = "\n".join(b for ph in phones for b in ph.bodies)
    private = ["SECRET-FACILITATOR-NOTE", "SECRET-DISCUSSION-QUESTION", "drift", "Peer-aligned"]
    for n in crowded.iter_nodes():
        for c in n.choices:
            private.append(_plain(c.feedback.why))
            if c.feedback.better:
                private.append(_plain(c.feedback.better))
    for text in private:
        assert text not in sent, text

    # Ending the session tells the phones and closes the port.
    port = panel.bridge._server.port if panel.bridge._server else 0
    assert p.request_leave()
    assert not panel.running
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), 2):
        pass


def test_without_a_network_the_panel_says_so_and_letter_keys_still_count(
        qtbot: QtBot, crowded: Scenario, storage: Storage, two_screens: FakeScreens,
        settings: PresentSettings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(panel_module, "usable_addresses", list)
    p = _open(qtbot, crowded, storage, two_screens, settings, phones=None)
    assert not p.phones.network.isVisibleTo(p)
    p.phones.toggle.click()
    assert not p.phones.running
    assert not p.phones.toggle.isChecked()
    assert p.phones.message.text() == NO_NETWORK
    assert "hotspot" in NO_NETWORK
    assert "Letter keys still count" in NO_NETWORK
    assert not p.phones.card.isVisible()
    qtbot.keyClick(p, Qt.Key.Key_PageDown)
    qtbot.keyClick(p, Qt.Key.Key_A)
    visit = p.controller.flow.current.visit
    assert visit is not None
    assert visit.votes[0] == 1


def test_an_address_that_cannot_be_used_is_explained_and_the_switch_goes_off(
        qtbot: QtBot, crowded: Scenario, storage: Storage, two_screens: FakeScreens,
        settings: PresentSettings) -> None:
    p = _open(qtbot, crowded, storage, two_screens, settings, phones="203.0.113.254")
    assert not p.phones.running
    assert not p.phones.toggle.isChecked()
    assert p.phones.message.text().startswith("Phones could not start. This computer has no "
                                              "network address 203.0.113.254")


def test_several_networks_are_offered_as_a_list_best_first(
        qtbot: QtBot, crowded: Scenario, storage: Storage, two_screens: FakeScreens,
        settings: PresentSettings, monkeypatch: pytest.MonkeyPatch) -> None:
    offered = [NetworkAddress("192.168.1.20", "wlan0", NetKind.WIFI),
               NetworkAddress("10.0.0.5", "eth0", NetKind.ETHERNET)]
    monkeypatch.setattr(panel_module, "usable_addresses", lambda: list(offered))
    p = _open(qtbot, crowded, storage, two_screens, settings, phones=None)
    combo = p.phones.network
    assert combo.isVisibleTo(p)
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Wi-Fi (wlan0): 192.168.1.20", "Wired (eth0): 10.0.0.5"]
    assert p.phones.network_label.buddy() is combo
    offered.pop()
    p.phones._fill_networks(offered)
    assert not combo.isVisibleTo(p)


def test_the_join_card_hides_in_a_blackout_and_when_unticked(
        qtbot: QtBot, crowded: Scenario, storage: Storage, two_screens: FakeScreens,
        settings: PresentSettings) -> None:
    p = _open(qtbot, crowded, storage, two_screens, settings)
    card = p.phones.card
    assert card.isVisible()
    assert card.parentWidget() is p.audience
    # Beside the stage, never over it: the stage fits itself into the rest of the screen.
    assert p.audience.canvas.geometry().right() < card.geometry().left()
    assert card.geometry().right() == p.audience.width() - 1
    p.controller.toggle_blank(Blank.BLACK)
    assert not card.isVisible()
    p.controller.toggle_blank(Blank.BLACK)
    assert card.isVisible()
    p.phones.show_code.click()
    assert not card.isVisible()
    assert card.visible_text() == ""
    qtbot.waitUntil(lambda: p.audience.canvas.width() == p.audience.width())
    p.phones.toggle.click()  # phones off
    assert not p.phones.running
    assert not card.isVisible()
    assert "Join at" not in widget_texts(p.phones)


def test_when_no_phone_joins_the_presenter_hears_what_to_try(
        qtbot: QtBot, crowded: Scenario, storage: Storage, two_screens: FakeScreens,
        settings: PresentSettings) -> None:
    p = _open(qtbot, crowded, storage, two_screens, settings, phones=None)
    p.phones._nobody_timer.setInterval(1)
    p.phones.turn_on("127.0.0.1")
    qtbot.waitUntil(lambda: p.phones.message.text() == NOBODY_JOINED)
    assert "travel router" in NOBODY_JOINED
    assert "hotspot" in NOBODY_JOINED
    SyncPhone(p.phones.bridge.url).join()
    qtbot.waitUntil(lambda: p.phones.message.isHidden())
    assert p.phones.counts.text() == "1 phone joined / 0 votes"


def test_a_burst_of_tallies_reaches_the_gui_thread_as_one_queued_signal(qtbot: QtBot) -> None:
    bridge = PhoneBridge()
    assert bridge.start("127.0.0.1")
    got: list[PhoneTally] = []
    bridge.counts_changed.connect(got.append)
    tallies = [PhoneTally("q1", (("A", n),), phones=n, votes=n) for n in range(1, 6)]

    def from_server_thread() -> None:
        for t in tallies:
            bridge._on_tally(t)

    worker = threading.Thread(target=from_server_thread)
    worker.start()
    worker.join()
    assert got == []  # nothing runs on the other thread's behalf
    with qtbot.waitSignal(bridge.phones_changed) as blocker:
        pass
    assert blocker.args == [5, 5]
    assert got == [tallies[-1]]
    bridge.stop()
    assert not bridge.running


@pytest.mark.slow
def test_the_command_line_prints_one_join_line_once_listening(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "peerscenarios", "--data-dir", str(tmp_path / "cli-data"),
         "present", "back-to-school", "--phones", "127.0.0.1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("Phones join at http://127.0.0.1:"), line
        url = line.removeprefix("Phones join at ").strip()
        phone = SyncPhone(url)
        assert phone.join() == 200
        assert phone.state()["state"] == "waiting"
    finally:
        proc.terminate()
        out, _err = proc.communicate(timeout=30)
    assert out == ""  # exactly one line on stdout


def test_every_phone_control_has_a_name_and_role_for_screen_readers(
        qtbot: QtBot, crowded: Scenario, storage: Storage, two_screens: FakeScreens,
        settings: PresentSettings, monkeypatch: pytest.MonkeyPatch) -> None:
    offered = [NetworkAddress("192.168.1.20", "wlan0", NetKind.WIFI),
               NetworkAddress("10.0.0.5", "eth0", NetKind.ETHERNET)]
    monkeypatch.setattr(panel_module, "usable_addresses", lambda: list(offered))
    p = _open(qtbot, crowded, storage, two_screens, settings, phones="127.0.0.1")
    panel = p.phones
    role = QAccessible.Role
    expected = {panel.toggle: (role.CheckBox, "Let the class vote from their phones"),
                panel.show_code: (role.CheckBox, "Show the join code on the audience screen")}
    for widget, (kind, name) in expected.items():
        face = QAccessible.queryAccessibleInterface(widget)
        assert face is not None
        assert face.role() is kind
        assert face.text(QAccessible.Text.Name) == name
    # The network list is labelled by its buddy (how Qt names combo boxes on Linux) and has
    # an accessible name (how it does elsewhere).
    combo = QAccessible.queryAccessibleInterface(panel.network)
    assert combo is not None
    assert combo.role() is role.ComboBox
    labels = combo.relations(QAccessible.RelationFlag.Label)
    # (The group box's title labels it too.)
    assert [face.text(QAccessible.Text.Name) for face, _ in labels] == ["Network:", "Phones"]
    assert panel.network.accessibleName() == "Network for phones"
    # Labels keep their own text for the accessibility tree (no name replaces it).
    for label in (panel.link, panel.counts):
        face = QAccessible.queryAccessibleInterface(label)
        assert face is not None
        assert face.text(QAccessible.Text.Name) == label.text()
    assert panel.counts.text() == "0 phones joined / 0 votes"


def test_turning_phones_off_and_on_keeps_the_votes_counted_and_starts_afresh(
        qtbot: QtBot, crowded: Scenario, storage: Storage, two_screens: FakeScreens,
        settings: PresentSettings) -> None:
    p = _open(qtbot, crowded, storage, two_screens, settings)
    qtbot.keyClick(p, Qt.Key.Key_PageDown)
    visit = p.controller.flow.current.visit
    assert visit is not None
    first = SyncPhone(p.phones.bridge.url)
    first.join()
    assert first.vote("A") == 200
    qtbot.waitUntil(lambda: visit.votes == [1, 0, 0])
    old_url = p.phones.bridge.url
    p.phones.toggle.click()
    p.phones.toggle.click()
    assert p.phones.running
    assert p.phones.bridge.url != old_url  # a new code
    again = SyncPhone(p.phones.bridge.url)
    again.join()
    assert again.state()["question"] == "q2"
    assert again.vote("B") == 200
    qtbot.waitUntil(lambda: visit.votes == [1, 1, 0])
    assert again.vote("C") == 200
    qtbot.waitUntil(lambda: visit.votes == [1, 0, 1])
