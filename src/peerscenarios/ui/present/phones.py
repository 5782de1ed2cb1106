"""Phones in facilitator mode, Qt side: which address to offer, the bridge to the server thread, and
the glue that opens questions for phones and adds their votes to the presenter's counts.

The server itself (:mod:`peerscenarios.phones`) knows nothing of Qt; here
:class:`PhoneBridge` turns its thread callback into queued, typed signals on
the GUI thread, and :class:`PhoneVoting` follows the group flow: when the
choices are up it opens a question on the phones with the projector's
letters and texts, when votes close it closes it, and every change in the
phones' counts is added to the decision's tally as a difference, so typed
hands and phone votes add up and the facilitator can still override.
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtNetwork import QNetworkInterface

from peerscenarios.app.group.flow import Visit
from peerscenarios.errors import PeerScenariosError
from peerscenarios.phones.state import PhoneTally
from peerscenarios.ui.present.controller import PresentationController

if TYPE_CHECKING:
    from peerscenarios.phones.server import PhoneServer

NO_NETWORK = ("This laptop is not on a network phones can reach (it has no private Wi-Fi or "
              "wired address). Connect it to the room's Wi-Fi, or turn on the laptop's own "
              "hotspot and let the class join that. Letter keys still count hands.")
NOBODY_JOINED = ("No phone has joined yet. If phones cannot open the link, the Wi-Fi may keep "
                 "devices apart from each other (guest and public networks often do). A small "
                 "travel router, or the laptop's own hotspot, gives the room a network where "
                 "they can. Letter keys still count hands.")

# Names of virtual adapters (containers, VMs, VPNs): phones are never on those networks.
_VIRTUAL_PREFIXES = ("docker", "br-", "veth", "virbr", "vmnet", "vboxnet", "tun", "tap", "wg",
                     "utun", "zt", "tailscale", "lxc", "lxd", "podman", "cni", "flannel")
# Private networks only: phones in the room share the laptop's local network, and a
# public address would put the class's vote on the internet (the server refuses it too).
_PRIVATE = tuple(ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12",
                                                     "192.168.0.0/16"))


class NetKind(IntEnum):
    """How likely phones are on an interface's network; lower is better."""

    WIFI = 0
    ETHERNET = 1
    OTHER = 2
    VIRTUAL = 3


@dataclass(frozen=True, slots=True)
class InterfaceInfo:
    """What the address choice needs to know of one network interface (a test seam)."""

    name: str
    human_name: str
    kind: NetKind
    up: bool
    loopback: bool
    addresses: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NetworkAddress:
    """An address phones could reach the laptop on, with words for the facilitator's list."""

    address: str
    interface: str
    kind: NetKind

    @property
    def label(self) -> str:
        """E.g. ``Wi-Fi (wlan0): 192.168.1.20``."""
        what = {NetKind.WIFI: "Wi-Fi", NetKind.ETHERNET: "Wired",
                NetKind.OTHER: "Network", NetKind.VIRTUAL: "Virtual adapter"}[self.kind]
        return f"{what} ({self.interface}): {self.address}"


def is_private_ipv4(text: str) -> bool:
    """True for an RFC 1918 address (10/8, 172.16/12, 192.168/16): a home, office or class LAN."""
    try:
        ip = ipaddress.IPv4Address(text.split("%", 1)[0])
    except ValueError:
        return False
    return any(ip in net for net in _PRIVATE)


def rank_addresses(interfaces: Iterable[InterfaceInfo]) -> list[NetworkAddress]:
    """Usable addresses, best first: up, not loopback, private IPv4; Wi-Fi, then wired."""
    found: list[NetworkAddress] = []
    for iface in interfaces:
        if not iface.up or iface.loopback:
            continue
        kind = iface.kind
        if iface.name.lower().startswith(_VIRTUAL_PREFIXES):
            kind = NetKind.VIRTUAL
        found += [NetworkAddress(a, iface.human_name or iface.name, kind)
                  for a in iface.addresses if is_private_ipv4(a)]
    return sorted(found, key=lambda a: (a.kind, a.interface, a.address))


def read_interfaces() -> list[InterfaceInfo]:
    """This computer's interfaces, from Qt's ``QNetworkInterface``."""
    t = QNetworkInterface.InterfaceType
    flag = QNetworkInterface.InterfaceFlag
    kinds = {t.Wifi: NetKind.WIFI, t.Ieee80211: NetKind.WIFI, t.Ethernet: NetKind.ETHERNET,
             t.Virtual: NetKind.VIRTUAL, t.Loopback: NetKind.OTHER}
    out = []
    for iface in QNetworkInterface.allInterfaces():
        flags = iface.flags()
        out.append(InterfaceInfo(
            name=iface.name(), human_name=iface.humanReadableName(),
            kind=kinds.get(iface.type(), NetKind.OTHER),
            # Up and running: an interface that is up with no link (Wi-Fi off, cable out)
            # reaches no phone.
            up=bool(flags & flag.IsUp) and bool(flags & flag.IsRunning),
            loopback=bool(flags & flag.IsLoopBack),
            addresses=tuple(e.ip().toString() for e in iface.addressEntries()),
        ))
    return out


def usable_addresses() -> list[NetworkAddress]:
    """Addresses phones could use to reach this laptop, best first (empty: only loopback)."""
    return rank_addresses(read_interfaces())


def plain_text(inline_html: str) -> str:
    """The words of a stage text (inert HTML) as one plain line, for a phone."""
    # Plain text: the phone page inserts it with textContent, where markup would show as tags.
    return " ".join(QTextDocumentFragment.fromHtml(inline_html).toPlainText().split())


class PhoneBridge(QObject):
    """Owns a :class:`~peerscenarios.phones.server.PhoneServer` and brings its news to the GUI.

    The server calls back on its own thread; the bridge keeps only the latest
    tally and posts one queued wake-up, so a burst of forty votes costs the
    GUI one or two updates, not forty.
    """

    counts_changed = Signal(object)  # PhoneTally
    phones_changed = Signal(int, int)  # phones joined, votes on the current question
    started = Signal(str)  # the join URL
    stopped = Signal()
    failed = Signal(str)  # a plain-language message

    _arrived = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server: PhoneServer | None = None
        self._lock = threading.Lock()
        self._latest: PhoneTally | None = None
        self._pending = False
        self._last_numbers = (0, 0)
        self.url = ""
        self.code = ""
        self._connect_signals()

    def _connect_signals(self) -> None:
        # Queued even if emitted on the GUI thread: the slot always runs from the event loop.
        self._arrived.connect(self.on_arrived, Qt.ConnectionType.QueuedConnection)

    @property
    def running(self) -> bool:
        """True while phones can connect."""
        return self._server is not None

    def start(self, address: str, port: int = 0) -> str | None:
        """Start the server on ``address``; the join URL, or None (``failed`` says why)."""
        if self._server is not None:
            return self.url
        # Imported here: aiohttp is loaded only when a facilitator turns phones on.
        from peerscenarios.phones.server import PhoneServer

        server = PhoneServer(self._on_tally)
        try:
            url = server.start(address, port)
        except PeerScenariosError as exc:
            self.failed.emit(f"Phones could not start. {exc.message} {exc.hint}".strip())
            return None
        self._server = server
        self._last_numbers = (0, 0)
        self.url, self.code = url, server.code
        self.started.emit(url)
        return url

    def open_question(self, question_id: str, options: list[tuple[str, str]]) -> None:
        """Show phones this question's letters and texts, in this order."""
        if self._server is not None:
            self._server.open_question(question_id, options)

    def close_question(self) -> None:
        """Phones show "Votes closed"."""
        if self._server is not None:
            self._server.close_question()

    def stop(self) -> None:
        """End the phone session: phones are told, the port closes."""
        # Cleared first, so a tally still on its way from the server thread is dropped.
        server, self._server = self._server, None
        if server is None:
            return
        server.end()
        with self._lock:
            self._latest = None
        self.url = self.code = ""
        self.stopped.emit()

    def _on_tally(self, tally: PhoneTally) -> None:
        # Server thread: keep the newest, wake the GUI once.
        with self._lock:
            self._latest = tally
            if self._pending:
                return
            self._pending = True
        self._arrived.emit()

    @Slot()
    def on_arrived(self) -> None:
        """Hand the newest tally to the GUI; queued here from the server's thread."""
        with self._lock:
            tally, self._latest = self._latest, None
            self._pending = False
        if tally is None or self._server is None:
            return
        self.counts_changed.emit(tally)
        numbers = (tally.phones, tally.votes)
        if numbers != self._last_numbers:
            self._last_numbers = numbers
            self.phones_changed.emit(*numbers)


class PhoneVoting(QObject):
    """Keeps the phones in step with the group flow and adds their votes to the tally."""

    def __init__(self, controller: PresentationController, bridge: PhoneBridge,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.bridge = bridge
        self._ids: list[tuple[Visit, str]] = []
        self._made = 0  # question ids made so far: a new server never sees an old id again
        self._open: str | None = None
        self._letters: list[str] = []  # the open question's letters, in the projector's order
        # Phone counts already added to each question's tally, by letter.
        self._added: dict[str, dict[str, int]] = {}
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.controller.stage_changed.connect(self.on_controller_stage_changed)
        self.bridge.counts_changed.connect(self.on_bridge_counts_changed)
        self.bridge.started.connect(self.on_bridge_started)
        self.bridge.stopped.connect(self.on_bridge_stopped)

    def _question_id(self, visit: Visit) -> str:
        for known, qid in self._ids:
            if known is visit:
                return qid
        # Opaque to phones: "q3" says nothing about the scenario.
        self._made += 1
        qid = f"q{self._made}"
        self._ids.append((visit, qid))
        return qid

    def sync(self) -> None:
        """Open the current decision on the phones while votes are open; close it otherwise."""
        if not self.bridge.running:
            return
        flow = self.controller.flow
        visit = flow.current.visit
        if flow.votes_open and visit is not None:
            qid = self._question_id(visit)
            if qid != self._open:
                choices = flow.stage_state().choices
                self._letters = [c.letter for c in choices]
                self.bridge.open_question(qid, [(c.letter, plain_text(c.text_html))
                                                for c in choices])
                self._open = qid
        elif self._open is not None:
            self.bridge.close_question()
            self._open = None

    @Slot(object)
    def on_controller_stage_changed(self, _state: object) -> None:
        self.sync()

    @Slot(str)
    def on_bridge_started(self, _url: str) -> None:
        # A new server counts from zero: its questions get new ids, so the counts an earlier
        # server added stay in the tally and are never taken away again.
        self._ids.clear()
        self._open = None
        self.sync()

    @Slot()
    def on_bridge_stopped(self) -> None:
        self._open = None

    @Slot(object)
    def on_bridge_counts_changed(self, tally: PhoneTally) -> None:
        self.apply(tally)

    def apply(self, tally: PhoneTally) -> bool:
        """Add what changed in the phones' counts to the open decision; True if anything did.

        Counts for a question that is no longer open are not added: the
        group has moved on and its tally is what the room saw.
        """
        flow = self.controller.flow
        visit = flow.current.visit
        if (tally.question_id is None or tally.question_id != self._open
                or visit is None or not flow.votes_open
                or self._question_id(visit) != tally.question_id):
            return False
        added = self._added.setdefault(tally.question_id, {})
        deltas: dict[int, int] = {}
        for letter, count in tally.counts:
            delta = count - added.get(letter, 0)
            if delta and letter in self._letters:
                added[letter] = count
                deltas[self._letters.index(letter)] = delta
        # One update of the presenter for the whole batch, however many letters moved.
        return bool(deltas) and self.controller.add_votes(deltas)

    def stop(self) -> None:
        """End the phone session (the port closes)."""
        self.bridge.stop()
