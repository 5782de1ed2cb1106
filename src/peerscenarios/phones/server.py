"""``PhoneServer``: the phone web server on its own thread and event loop, driven from the GUI.

The GUI thread calls :meth:`PhoneServer.start`, :meth:`~PhoneServer.open_question`,
:meth:`~PhoneServer.close_question` and :meth:`~PhoneServer.end`; each hands its
work to the server's loop and waits (a few milliseconds) until it is done, so
when a call returns every phone that asks sees the change. Counts come back
through the ``on_change`` callback, called on the server's thread; the Qt
adapter turns that into a queued signal. The socket is bound to the one
address chosen, only between ``start`` and ``end``.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import ipaddress
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

from aiohttp import web

from peerscenarios.errors import PeerScenariosError
from peerscenarios.phones.app import HUB, Hub, Limits, make_app
from peerscenarios.phones.state import PhoneTally, VoteBox, make_join_code

T = TypeVar("T")

# How long a GUI call waits for the server's loop before giving up (it normally takes < 5 ms).
CALL_TIMEOUT_S = 5.0
# How long phones get to receive "the session has ended" before their connections are closed.
ENDED_GRACE_S = 0.5


class PhoneServerError(PeerScenariosError):
    """The phone server could not start (the message says why in plain words)."""


class _Refuse(asyncio.Protocol):
    """Closes a connection over the cap at once, before a byte is read."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.close()


class PhoneServer:
    """One phone session: a join code, a vote box, and the web server while it runs.

    ``on_change(tally)`` is called on the server's thread whenever the counts
    or the number of phones change. ``code`` is a seam for tests; by default
    a fresh random join code is made.
    """

    def __init__(self, on_change: Callable[[PhoneTally], None] | None = None, *,
                 limits: Limits | None = None, code: str | None = None) -> None:
        self.code = code or make_join_code()
        self.limits = limits or Limits()
        self._on_change = on_change
        self._box = VoteBox()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._listener: asyncio.Server | None = None
        self._hub: Hub | None = None
        self.url = ""
        self.address = ""
        self.port = 0

    @property
    def running(self) -> bool:
        """True between a successful ``start`` and ``end``."""
        return self._listener is not None

    # ---------------------------------------------------------- lifecycle

    def start(self, address: str, port: int = 0) -> str:
        """Listen on ``address`` (an IPv4 address of this computer); returns the join URL.

        ``port`` 0 picks a free one. Raises :class:`PhoneServerError` with a
        plain-language message when the address cannot be used.
        """
        if self._thread is not None:
            raise RuntimeError("this phone server was already started")
        try:
            ip = ipaddress.IPv4Address(address)
        except ValueError:
            raise PhoneServerError(
                f"“{address}” is not a network address phones can use.",
                "Give an IPv4 address of this computer, like 192.168.1.20.") from None
        if ip.is_unspecified or ip.is_multicast or ip.is_global:
            # Listening everywhere, or on the internet, would let anyone reach the class's vote.
            raise PhoneServerError(
                f"Phones only listen on one local network, and {ip} is not one.",
                "Pick the laptop's Wi-Fi address (like 192.168.1.20), or 127.0.0.1 to try "
                "it on this computer.")
        ready: Future[int] = Future()
        # A daemon thread: phones left on must never keep the app from exiting.
        self._thread = threading.Thread(target=self._run, args=(str(ip), port, ready),
                                        name="phone-server", daemon=True)
        self._thread.start()
        try:
            bound = ready.result(timeout=CALL_TIMEOUT_S * 2)
        except OSError as exc:
            self._thread.join(CALL_TIMEOUT_S)
            raise _start_error(str(ip), port, exc) from exc
        self.address = str(ip)
        self.port = bound
        self.url = f"http://{self.address}:{bound}/j/{self.code}"
        return self.url

    def _run(self, address: str, port: int, ready: Future[int]) -> None:
        # A loop of its own on this thread: Qt's event loop owns the GUI thread.
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            try:
                bound = loop.run_until_complete(self._up(address, port))
            except BaseException as exc:
                ready.set_exception(exc)
                return
            ready.set_result(bound)
            loop.run_forever()
        finally:
            loop.close()

    async def _up(self, address: str, port: int) -> int:
        app = make_app(self._box, self.code, limits=self.limits, on_change=self._on_change)
        self._hub = app[HUB]
        # No access log: the class's phones leave no trace on the laptop.
        # Keep-alive outlasts the page's 3-second polling, so a polling phone reuses one socket.
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0,
                               keepalive_timeout=30.0)
        await runner.setup()
        handler = runner.server
        assert handler is not None
        cap = self.limits.connections

        # The cap is applied as a connection is accepted, before aiohttp reads a byte, so
        # a flood of idle sockets cannot grow the server's memory.
        def protocol() -> asyncio.BaseProtocol:
            if len(handler.connections) >= cap:
                return _Refuse()
            return handler()

        try:
            listener = await asyncio.get_running_loop().create_server(
                protocol, address, port, backlog=128)
        except BaseException:
            await runner.cleanup()
            raise
        bound = int(listener.sockets[0].getsockname()[1])
        # Only now is the Host check armed: until the port is known every request is refused.
        self._hub.host = f"{address}:{bound}"
        self._runner = runner
        self._listener = listener
        return bound

    def end(self) -> None:
        """Tell the phones the session has ended, stop listening and close every connection.

        Safe to call more than once, or when the server never started.
        """
        loop, thread = self._loop, self._thread
        if loop is None or thread is None or not thread.is_alive():
            self._listener = None
            return
        # If the loop is stuck or gone, stopping it below still closes the socket.
        with contextlib.suppress(TimeoutError, RuntimeError):
            asyncio.run_coroutine_threadsafe(self._down(), loop).result(CALL_TIMEOUT_S)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(CALL_TIMEOUT_S)
        self._listener = None

    stop = end

    async def _down(self) -> None:
        hub, listener, runner = self._hub, self._listener, self._runner
        if listener is None or hub is None or runner is None:
            return
        # Stop listening first, so no new phone gets in while the others are told.
        listener.close()
        self._box.end()
        hub.announce()
        # A phone that does not read its stream is cut off by the cleanup below.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(hub.streams_done.wait(), ENDED_GRACE_S)
        await runner.cleanup()
        await listener.wait_closed()

    # ---------------------------------------------------------- questions

    def open_question(self, question_id: str, options: list[tuple[str, str]]) -> None:
        """Open a question: (letter, plain text) pairs in the order the projector shows them.

        The same ``question_id`` again reopens that question with its votes kept.
        """
        options = [(str(letter), str(text)) for letter, text in options]

        def apply() -> None:
            self._box.open(question_id, options)

        self._apply(apply)

    def close_question(self) -> None:
        """Stop taking votes; phones show "Votes closed"."""
        self._apply(self._box.close)

    def tally(self) -> PhoneTally:
        """The counts now (read on the server's loop)."""
        result = self._call(self._box.tally)
        return result if result is not None else self._box.tally()

    def _apply(self, change: Callable[[], None]) -> None:
        def run() -> None:
            change()
            assert self._hub is not None
            self._hub.announce()
            self._hub.tell_presenter()

        self._call(run)

    def _call(self, fn: Callable[[], T]) -> T | None:
        """Run ``fn`` on the server's loop and wait for it; None when the server is not running."""
        loop = self._loop
        if loop is None or self._listener is None or loop.is_closed():
            return None
        # Already on the loop's thread: waiting for our own loop would never return.
        if threading.current_thread() is self._thread:
            return fn()
        done: Future[T] = Future()

        def job() -> None:
            try:
                done.set_result(fn())
            except BaseException as exc:
                done.set_exception(exc)

        try:
            loop.call_soon_threadsafe(job)
        except RuntimeError:
            return None  # the loop closed between the check and the call
        return done.result(CALL_TIMEOUT_S)


def _start_error(address: str, port: int, exc: OSError) -> PhoneServerError:
    """A plain-language reason the server could not listen."""
    if exc.errno == errno.EADDRNOTAVAIL:
        return PhoneServerError(
            f"This computer has no network address {address} (any more).",
            "Check that the laptop is on the room's Wi-Fi, then pick the network again.")
    if exc.errno == errno.EADDRINUSE:
        return PhoneServerError(
            f"Port {port} on {address} is already in use by another program.",
            "Start phones again; a free port is picked when none is given.")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return PhoneServerError(
            f"This computer does not allow listening on {address}:{port}.",
            "Use a port above 1024, or let the app pick one.")
    return PhoneServerError(f"Phones could not start on {address}: {exc.strerror or exc}.",
                            "Letter keys still count votes. Try another network.")
