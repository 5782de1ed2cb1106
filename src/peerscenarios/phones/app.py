"""The aiohttp application phones talk to: the page, the state, live events, and the vote.

Routes, all under the join code: ``GET /j/CODE`` (the page; sets the phone's
vote-token cookie), ``GET /j/CODE/state`` (polling), ``GET /j/CODE/events``
(server-sent events) and ``POST /j/CODE/vote`` (JSON). Anything else is 404.
Every request first passes a Host-header check (against DNS rebinding), a
per-address rate limit and a body cap; every response carries a strict
Content-Security-Policy and is never cached. Nothing is logged per request.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from peerscenarios.phones.page import CONTENT_SECURITY_POLICY, PAGE
from peerscenarios.phones.state import Phase, PhoneTally, VoteBox, VoteResult

log = logging.getLogger(__name__)

COOKIE = "ps_phone"
_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, slots=True)
class Limits:
    """The server's guards; the defaults suit a class of up to a few hundred phones.

    ``rate`` requests per second per address with bursts of ``burst`` (a
    phone makes a handful per vote; a tapping thumb stays well below);
    ``body_bytes`` caps a request body; ``connections`` caps open sockets;
    ``streams`` caps live event streams; ``keepalive_s`` is how often an idle
    event stream sends a comment so proxies and phones keep it open.
    """

    rate: float = 10.0
    burst: int = 30
    # A vote is some 30 bytes of JSON: 1 KB leaves room, and nothing more.
    body_bytes: int = 1024
    connections: int = 400
    streams: int = 300
    keepalive_s: float = 15.0


class RateLimiter:
    """A token bucket per client address; old buckets are dropped so memory stays bounded."""

    # Keyed on the address, not the cookie: a new cookie costs a script nothing, a new
    # address on the room's network does.

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic,
                 max_addresses: int = 4096) -> None:
        self.rate = rate
        self.burst = float(burst)
        self._clock = clock
        self._max = max_addresses
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, address: str) -> bool:
        """Take one token for ``address``; False when it has none left."""
        now = self._clock()
        tokens, last = self._buckets.get(address, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if len(self._buckets) >= self._max and address not in self._buckets:
            # Full buckets carry no information: forget them before a new address comes in.
            full = [a for a, (t, seen) in self._buckets.items()
                    if t + (now - seen) * self.rate >= self.burst]
            for a in full:
                del self._buckets[a]
            # Every address is busy: refuse the newcomer rather than grow without bound.
            if len(self._buckets) >= self._max:
                return False
        if tokens < 1.0:
            self._buckets[address] = (tokens, now)
            return False
        self._buckets[address] = (tokens - 1.0, now)
        return True


class Hub:
    """What the handlers share: the votes, the expected Host, live streams and the GUI callback."""

    def __init__(self, box: VoteBox, code: str, limits: Limits,
                 on_change: Callable[[PhoneTally], None] | None) -> None:
        self.box = box
        self.code = code
        self.limits = limits
        self.host = ""  # "address:port", set once the socket is bound
        self.streams = 0
        self.limiter = RateLimiter(limits.rate, limits.burst)
        self._on_change = on_change
        self._changed = asyncio.Event()
        # Set while no stream is open, so ending a session nobody joined does not wait.
        self.streams_done = asyncio.Event()
        self.streams_done.set()

    @property
    def origin(self) -> str:
        """The only Origin a vote may come from."""
        return f"http://{self.host}"

    def changed(self) -> asyncio.Event:
        """An event set at the next change phones should hear about."""
        return self._changed

    def announce(self) -> None:
        """Wake every live stream: the phase or the question changed."""
        # A fresh Event per change rather than clear(): each waiting stream wakes exactly
        # once, and any stream that waits from now on waits for the next change.
        self._changed.set()
        self._changed = asyncio.Event()

    def tell_presenter(self) -> None:
        """Hand the current counts to the GUI's callback (on this, the server's, thread)."""
        if self._on_change is None:
            return
        try:
            self._on_change(self.box.tally())
        except Exception:
            # A broken listener must not stop the room voting; the bug is logged once per call.
            log.exception("phone tally listener failed")


HUB = web.AppKey("hub", Hub)


def _plain(status: int, text: str) -> web.Response:
    return web.Response(status=status, text=text + "\n")


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


@web.middleware
async def guard(request: web.Request, handler: _Handler) -> web.StreamResponse:
    """Host check, rate limit and body cap, before any handler runs."""
    hub = request.app[HUB]
    host = (request.headers.get("Host") or "").lower()
    if not hub.host or host != hub.host:
        # A page on another site that a DNS trick points at this laptop sends its own name;
        # only the exact address:port this server bound is accepted.
        return _plain(421, "Misdirected request")
    if not hub.limiter.allow(request.remote or "?"):
        response = _plain(429, "Too many requests: wait a few seconds")
        response.headers["Retry-After"] = "2"
        return response
    # A declared length over the cap is refused before a byte of body is read; a body
    # sent without a length is stopped by client_max_size while it is read.
    length = request.content_length
    if length is not None and length > hub.limits.body_bytes:
        return _plain(413, "Request too large")
    try:
        return await handler(request)
    except web.HTTPException as exc:
        # aiohttp's own refusals (404, 405, 413 while reading) as short plain text.
        return _plain(exc.status, exc.reason)


async def _security_headers(_request: web.Request, response: web.StreamResponse) -> None:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    # no-store: a back button or a shared phone must never show an earlier question.
    response.headers["Cache-Control"] = "no-store"
    # Replaces aiohttp's own, which names its version.
    response.headers["Server"] = "PeerScenarios"


def _code_matches(request: web.Request) -> bool:
    given = request.match_info.get("code", "")
    # Constant time: how long a refusal takes says nothing about how much of a guess was right.
    return secrets.compare_digest(given.encode(), request.app[HUB].code.encode())


def _token(request: web.Request) -> str | None:
    return request.cookies.get(COOKIE)


async def page(request: web.Request) -> web.StreamResponse:
    """The phone page; gives a new phone its vote token."""
    hub = request.app[HUB]
    given = request.match_info.get("code", "")
    if not _code_matches(request):
        if given.upper() == hub.code:
            # A code typed in small letters: send it to the one spelling the cookie path uses.
            return web.Response(status=302, headers={"Location": f"/j/{hub.code}"})
        return _plain(404, "No session here. Check the code on the screen.")
    if hub.box.phase is Phase.ENDED:
        return _plain(410, "This session has ended.")
    response = web.Response(text=PAGE, content_type="text/html", charset="utf-8")
    if not hub.box.knows(_token(request)):
        token = hub.box.issue_token()
        if token is None:
            return _plain(503, "This session is full.")
        # HttpOnly: the page's script never needs the token, so no script can read it.
        # SameSite=Strict: no other site can make a phone vote. Scoped to this session's
        # path. Not Secure: the room's network has plain HTTP only (no trusted certificate
        # can name a laptop's LAN address), and a Secure cookie would never come back.
        # No max-age: it ends with the browser session.
        response.set_cookie(COOKIE, token, path=f"/j/{hub.code}", httponly=True,
                            samesite="Strict")
    return response


def _known_phone(request: web.Request) -> str | None:
    token = _token(request)
    return token if request.app[HUB].box.knows(token) else None


async def state(request: web.Request) -> web.StreamResponse:
    """This phone's view of the session, for polling."""
    hub = request.app[HUB]
    if not _code_matches(request):
        return _error(404, "No session here.")
    token = _known_phone(request)
    if token is None:
        return _error(403, "Open the join link again.")
    # A phone joins when its page first asks, not when the cookie was issued: a link
    # preview that fetches the page but never runs it is not a phone.
    if hub.box.join(token):
        hub.tell_presenter()
    return web.json_response(hub.box.view_for(token))


async def events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: this phone's view, again whenever a question opens or closes."""
    hub = request.app[HUB]
    if not _code_matches(request):
        return _error(404, "No session here.")
    token = _known_phone(request)
    if token is None:
        return _error(403, "Open the join link again.")
    if hub.streams >= hub.limits.streams:
        return _error(503, "Too many phones are connected live; this one will poll.")
    if hub.box.join(token):
        hub.tell_presenter()
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream; charset=utf-8"})
    await response.prepare(request)
    hub.streams += 1
    hub.streams_done.clear()
    try:
        # How long the browser waits before reconnecting if the stream drops.
        await response.write(b"retry: 2000\n\n")
        seen = -1
        while True:
            # The event is taken before the version is read, so a change between the two
            # still wakes this stream.
            wake = hub.changed()
            if hub.box.version != seen:
                seen = hub.box.version
                data = json.dumps(hub.box.view_for(token), separators=(",", ":"))
                await response.write(f"data: {data}\n\n".encode())
                if hub.box.phase is Phase.ENDED:
                    break
                # Look again before waiting: the version may have moved during the write.
                continue
            try:
                await asyncio.wait_for(wake.wait(), hub.limits.keepalive_s)
            except TimeoutError:
                await response.write(b": keep-alive\n\n")
    except ConnectionError:
        pass  # the phone went away (locked screen, closed tab): nothing to do
    finally:
        hub.streams -= 1
        if hub.streams == 0:
            hub.streams_done.set()
    return response


async def vote(request: web.Request) -> web.StreamResponse:
    """One tap: ``{"question": ID, "letter": "B"}`` as JSON; the phone's token says who."""
    hub = request.app[HUB]
    if not _code_matches(request):
        return _error(404, "No session here.")
    # JSON only: another site can post a form here without asking, but a JSON post from
    # another origin needs a CORS preflight, which this server never grants.
    if request.content_type != "application/json":
        return _error(415, "Votes are sent as JSON.")
    # Browsers send Origin with a POST; when it is there it must be this page's own.
    origin = request.headers.get("Origin")
    if origin is not None and origin != hub.origin:
        return _error(403, "Votes come from the session's own page.")
    token = _known_phone(request)
    if token is None:
        return _error(403, "Open the join link again.")
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return _error(413, "Request too large.")
    try:
        data = json.loads(body)
    except ValueError:
        return _error(400, "Not JSON.")
    if not isinstance(data, dict):
        return _error(400, "Expected a JSON object.")
    result = hub.box.vote(token, data.get("question"), data.get("letter"))
    if result is VoteResult.COUNTED:
        hub.tell_presenter()
    if result in (VoteResult.COUNTED, VoteResult.UNCHANGED):
        return web.json_response({"vote": hub.box.vote_of(token)})
    if result in (VoteResult.CLOSED, VoteResult.STALE):
        return _error(409, "Votes are closed for this question.")
    if result is VoteResult.BAD_LETTER:
        return _error(400, "No such response.")
    return _error(403, "Open the join link again.")


def make_app(box: VoteBox, code: str, *, limits: Limits | None = None,
             on_change: Callable[[PhoneTally], None] | None = None,
             host: str = "") -> web.Application:
    """The application for one phone session with join ``code``.

    ``host`` is the exact ``address:port`` phones must name in their Host
    header; the server sets it once its socket is bound (until then every
    request is refused). ``on_change`` is called with a :class:`PhoneTally`
    whenever counts or the number of phones change, on the server's thread.
    """
    limits = limits or Limits()
    app = web.Application(middlewares=[guard], client_max_size=limits.body_bytes)
    hub = Hub(box, code, limits, on_change)
    hub.host = host
    app[HUB] = hub
    app.on_response_prepare.append(_security_headers)
    app.router.add_get("/j/{code}", page)
    app.router.add_get("/j/{code}/state", state)
    app.router.add_get("/j/{code}/events", events)
    app.router.add_post("/j/{code}/vote", vote)
    return app
