"""Phone widgets of facilitator mode: the presenter's "Phones" panel, the audience's join card.

:class:`PhonesPanel` sits in the presenter view: the Phones switch, the
network to use when there are several, "N phones joined / M votes", and a
plain message when phones cannot work here. It owns the phone session
(:class:`PhoneBridge` and :class:`PhoneVoting`). :class:`JoinCard` floats
over the audience view with the QR code, the link and the join code; it
shows nothing else, so nothing private can reach the projector through it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QByteArray, QEvent, QObject, QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from peerscenarios.app.group.stage_state import Blank
from peerscenarios.ui.present.audience import AudienceWindow
from peerscenarios.ui.present.controller import PresentationController
from peerscenarios.ui.present.phones import (
    NO_NETWORK,
    NOBODY_JOINED,
    NetKind,
    NetworkAddress,
    PhoneBridge,
    PhoneVoting,
    usable_addresses,
)
from peerscenarios.ui.present.theme import colours

# How long to wait for the first phone before suggesting the network may keep phones out.
NOBODY_JOINED_AFTER_MS = 60_000


def counts_text(phones: int, votes: int) -> str:
    """``3 phones joined / 2 votes``, honest singulars included."""
    return (f"{phones} phone{'' if phones == 1 else 's'} joined / "
            f"{votes} vote{'' if votes == 1 else 's'}")


class JoinCard(QWidget):
    """The QR code, link and join code: a column at the right of the audience view.

    The audience window lays it out beside the stage, so the stage fits
    itself into the rest of the screen and nothing on it is covered. The
    card is dark on white whatever the projector theme (scanners want that);
    the rest of the column takes the stage's own background colour.
    """

    def __init__(self, audience: AudienceWindow) -> None:
        super().__init__(audience)
        self._audience = audience
        # Drawn from SVG at paint time: sharp at any projector resolution.
        self._renderer = QSvgRenderer(self)
        self._background = self._stage_background()
        self.url = ""
        self.code = ""
        self.hide()
        audience.add_side_panel(self)
        # The stage's repaint says when its theme (and so the column's colour) may have changed.
        audience.canvas.installEventFilter(self)

    def set_join(self, url: str, code: str, svg: str) -> None:
        """What to show: the join link, its code, and the link's QR code as SVG."""
        self.url, self.code = url, code
        self._renderer.load(QByteArray(svg.encode("utf-8")))
        self._fit()
        self.update()

    def lines(self) -> tuple[str, str, str]:
        """The card's words: a title, the link's address part, and its path with the code."""
        host, _, path = self.url.removeprefix("http://").partition("/")
        return ("Vote from your phone", f"http://{host}", f"/{path}")

    def visible_text(self) -> str:
        """What the room can read on the card (empty while hidden)."""
        return "\n".join(self.lines()) if self.isVisible() else ""

    def _stage_background(self) -> QColor:
        return colours(self._audience.canvas.renderer.theme).background

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._audience.canvas and event.type() == QEvent.Type.Paint:
            background = self._stage_background()
            if background != self._background:
                self._background = background
                self.update()
        # Only watching: the stage paints as usual.
        return False

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Sized from the window's height: a taller projector gets a bigger code.
        self._fit()

    def showEvent(self, event: QShowEvent) -> None:
        self._fit()

    def _metrics(self) -> tuple[int, int, QFont, QFont]:
        h = self._audience.height() or 720
        # 30% of the window's height, to scan from the back of a room; 120 px at least.
        qr = max(120, round(h * 0.30))
        pad = max(8, qr // 16)
        title = QFont()
        title.setPixelSize(max(10, qr // 10))
        title.setBold(True)
        small = QFont()
        small.setPixelSize(max(9, qr // 13))
        return qr, pad, title, small

    def _card_size(self) -> tuple[int, int, int]:
        """The card's width and height, and the margin around it."""
        qr, pad, title, small = self._metrics()
        texts = self.lines()
        tm, sm = QFontMetrics(title), QFontMetrics(small)
        width = max(qr, tm.horizontalAdvance(texts[0]), sm.horizontalAdvance(texts[1]),
                    sm.horizontalAdvance(texts[2]))
        return width + 2 * pad, tm.height() + qr + 2 * sm.height() + 3 * pad, pad

    def _fit(self) -> None:
        w, _h, margin = self._card_size()
        if self.width() != w + 2 * margin:
            self.setFixedWidth(w + 2 * margin)

    def paintEvent(self, _event: QPaintEvent) -> None:
        qr, pad, title, small = self._metrics()
        w, h, margin = self._card_size()
        texts = self.lines()
        p = QPainter(self)
        p.fillRect(self.rect(), self._background)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = QRectF(margin, self.height() - h - margin, w, h)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#ffffff"))
        p.drawRoundedRect(card, pad, pad)
        p.setPen(QColor("#000000"))
        tm, sm = QFontMetrics(title), QFontMetrics(small)
        y = card.top() + pad
        p.setFont(title)
        p.drawText(QRectF(card.left(), y, w, tm.height()), Qt.AlignmentFlag.AlignCenter,
                   texts[0])
        y += tm.height()
        if self._renderer.isValid():
            self._renderer.render(p, QRectF(card.left() + (w - qr) / 2, y, qr, qr))
        y += qr + pad
        p.setFont(small)
        for text in texts[1:]:
            p.drawText(QRectF(card.left(), y, w, sm.height()), Qt.AlignmentFlag.AlignCenter,
                       text)
            y += sm.height()
        p.end()


class PhonesPanel(QGroupBox):
    """The presenter's phone controls; owns the phone session while facilitator mode runs.

    ``addresses`` is a seam for tests (default: this computer's usable
    addresses, read when the panel is built and again at each switch-on).
    """

    phones_started = Signal(str)  # the join URL, once phones can connect

    def __init__(self, controller: PresentationController, audience: AudienceWindow,
                 addresses: Callable[[], list[NetworkAddress]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Phones", parent)
        self.controller = controller
        self._addresses = addresses if addresses is not None else usable_addresses
        self._given: str | None = None
        self.bridge = PhoneBridge(self)
        self.voting = PhoneVoting(controller, self.bridge, self)
        self.card = JoinCard(audience)
        self.toggle = QCheckBox("Let the class vote from their phones", self)
        self.toggle.setToolTip("Starts a small web server on this laptop, on the room's Wi-Fi "
                               "only, for as long as this session runs")
        self.network_label = QLabel("&Network:", self)
        self.network = QComboBox(self)
        # Qt names a combo box by its current item; the list's purpose is what a reader needs.
        self.network.setAccessibleName("Network for phones")
        self.network_label.setBuddy(self.network)
        self.link = QLabel(self)
        self.link.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.link.setWordWrap(True)
        self.counts = QLabel(self)
        self.counts.setToolTip("A phone counts once per browser: a private tab or a second "
                               "browser counts as another phone.")
        self.show_code = QCheckBox("Show the join code on the audience screen", self)
        self.show_code.setChecked(True)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self._nobody_timer = QTimer(self)
        self._nobody_timer.setSingleShot(True)
        self._nobody_timer.setInterval(NOBODY_JOINED_AFTER_MS)
        layout = QVBoxLayout(self)
        layout.addWidget(self.toggle)
        row = QHBoxLayout()
        row.addWidget(self.network_label)
        row.addWidget(self.network, 1)
        layout.addLayout(row)
        layout.addWidget(self.link)
        layout.addWidget(self.counts)
        layout.addWidget(self.show_code)
        layout.addWidget(self.message)
        self._fill_networks(self._addresses())
        self._refresh()
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.toggle.toggled.connect(self.on_toggle_toggled)
        self.show_code.toggled.connect(self.on_show_code_toggled)
        self.bridge.phones_changed.connect(self.on_bridge_phones_changed)
        self.bridge.failed.connect(self.on_bridge_failed)
        self.controller.blank_changed.connect(self.on_controller_blank_changed)
        self._nobody_timer.timeout.connect(self.on_nobody_timer_timeout)

    # -------------------------------------------------------------- public

    @property
    def running(self) -> bool:
        """True while phones can connect."""
        return self.bridge.running

    def turn_on(self, address: str | None = None) -> str | None:
        """Start phones on ``address`` (default: the network picked in the list); the join URL.

        On failure the panel says why, the switch goes back off, and None is returned.
        """
        if self.bridge.running:
            return self.bridge.url
        if address is None:
            # Read again now: the laptop may have joined the room's Wi-Fi since the panel
            # was built.
            self._fill_networks(self._addresses())
            address = self.network.currentData()
        elif self.network.findData(address) < 0:
            # An address given on the command line stays on offer for switching on again.
            self._given = address
            self._fill_networks(self._addresses())
            self.network.setCurrentIndex(self.network.findData(address))
        if not address:
            self._say(NO_NETWORK)
            self._set_toggle(False)
            return None
        self._say("")
        url = self.bridge.start(str(address))
        if url is None:
            self._set_toggle(False)
            return None
        from peerscenarios.phones.qr import qr_svg

        self.card.set_join(url, self.bridge.code, qr_svg(url))
        self._set_toggle(True)
        # No phone within a minute: the panel then says what usually causes it.
        self._nobody_timer.start()
        self._refresh()
        self.phones_started.emit(url)
        return url

    def turn_off(self) -> None:
        """Stop phones: they show that the session ended, and the port closes."""
        self._nobody_timer.stop()
        self.voting.stop()
        self._set_toggle(False)
        self._refresh()

    def shut_down(self) -> None:
        """The session is ending: stop phones if they run."""
        self.turn_off()

    # -------------------------------------------------------------- slots

    @Slot(bool)
    def on_toggle_toggled(self, checked: bool) -> None:
        if checked:
            self.turn_on()
        else:
            self.turn_off()

    @Slot(bool)
    def on_show_code_toggled(self, _checked: bool) -> None:
        self._refresh()

    @Slot(int, int)
    def on_bridge_phones_changed(self, phones: int, votes: int) -> None:
        self.counts.setText(counts_text(phones, votes))
        if phones:
            self._nobody_timer.stop()
            if self.message.text() == NOBODY_JOINED:
                self._say("")

    @Slot(str)
    def on_bridge_failed(self, message: str) -> None:
        self._say(message)

    @Slot(object)
    def on_controller_blank_changed(self, _blank: object) -> None:
        self._refresh()

    @Slot()
    def on_nobody_timer_timeout(self) -> None:
        if self.bridge.running:
            self._say(NOBODY_JOINED)

    # ------------------------------------------------------------ helpers

    def _fill_networks(self, addresses: list[NetworkAddress]) -> None:
        # The network picked before stays picked if it is still on offer.
        current = self.network.currentData()
        self.network.clear()
        for a in addresses:
            self.network.addItem(a.label, a.address)
        if self._given and self.network.findData(self._given) < 0:
            self.network.addItem(f"Address given at start: {self._given}", self._given)
            addresses = [*addresses, NetworkAddress(self._given, "", NetKind.OTHER)]
        index = self.network.findData(current) if current else -1
        self.network.setCurrentIndex(max(0, index) if addresses else -1)
        # A list to pick from only when there is a choice to make.
        many = len(addresses) > 1
        self.network_label.setVisible(many)
        self.network.setVisible(many)

    def _set_toggle(self, on: bool) -> None:
        # Quiet: making the switch match must not start or stop phones a second time.
        self.toggle.blockSignals(True)
        self.toggle.setChecked(on)
        self.toggle.blockSignals(False)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _refresh(self) -> None:
        on = self.bridge.running
        self.network.setEnabled(not on)
        self.link.setVisible(on)
        self.counts.setVisible(on)
        self.show_code.setVisible(on)
        if on:
            self.link.setText(f"Join at {self.bridge.url}  (code {self.bridge.code})")
            if not self.counts.text():
                self.counts.setText(counts_text(0, 0))
        else:
            self.link.clear()
            self.counts.clear()
        # Never over a blanked screen: blanking means the room sees nothing at all.
        shown = on and self.show_code.isChecked() and self.controller.blank is Blank.NONE
        self.card.setVisible(shown)
