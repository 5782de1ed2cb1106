"""The phone server over real sockets on 127.0.0.1: join, vote, the guards, and stopping."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import logging
import re
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest

from peerscenarios.phones.app import COOKIE, Limits
from peerscenarios.phones.page import CONTENT_SECURITY_POLICY, PAGE, SCRIPT, STYLE
from peerscenarios.phones.server import PhoneServer, PhoneServerError
from peerscenarios.phones.state import PhoneTally

OPTIONS = [("A", "Ask what she wants from school"), ("B", "Tell her to wait a term")]


class Phone:
    """One phone: its own cookie jar (IP hosts need the 'unsafe' jar to keep cookies)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def join(self) -> aiohttp.ClientResponse:
        async with self.http.get(self.url) as r:
            await r.read()
            return r

    async def state(self) -> tuple[int, dict[str, Any]]:
        async with self.http.get(self.url + "/state") as r:
            return r.status, await r.json()

    async def vote(self, question: object, letter: object) -> tuple[int, dict[str, Any]]:
        async with self.http.post(self.url + "/vote",
                                  json={"question": question, "letter": letter}) as r:
            return r.status, await r.json()

    async def close(self) -> None:
        await self.http.close()


@pytest.fixture
def tallies() -> list[PhoneTally]:
    return []


@pytest.fixture
def server(tallies: list[PhoneTally]) -> Iterator[PhoneServer]:
    s = PhoneServer(tallies.append)
    s.start("127.0.0.1")
    yield s
    s.end()


async def _phones(url: str, n: int) -> AsyncIterator[list[Phone]]:
    phones = [Phone(url) for _ in range(n)]
    try:
        yield phones
    finally:
        for p in phones:
            await p.close()


def test_phones_join_vote_and_change_their_vote(server: PhoneServer,
                                                tallies: list[PhoneTally]) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/j/[2-9A-HJKMNP-Z]{6}", server.url)

    async def go() -> None:
        one, two = Phone(server.url), Phone(server.url)
        try:
            assert (await one.join()).status == 200
            assert (await two.join()).status == 200
            assert await one.state() == (200, {"state": "waiting", "question": None,
                                               "options": [], "vote": None})
            await two.state()
            server.open_question("q1", OPTIONS)
            _status, view = await one.state()
            assert view["options"] == [{"letter": "A", "text": OPTIONS[0][1]},
                                       {"letter": "B", "text": OPTIONS[1][1]}]
            assert await one.vote("q1", "A") == (200, {"vote": "A"})
            assert await two.vote("q1", "A") == (200, {"vote": "A"})
            assert await one.vote("q1", "B") == (200, {"vote": "B"})
            assert (await one.state())[1]["vote"] == "B"
        finally:
            await one.close()
            await two.close()

    asyncio.run(go())
    last = server.tally()
    assert last == PhoneTally("q1", (("A", 1), ("B", 1)), phones=2, votes=2)
    # The callback heard every change, the last one being the tally now.
    assert tallies[-1] == last
    assert [t.phones for t in tallies[:2]] == [1, 2]


def test_a_private_tab_is_another_phone_and_a_page_never_loaded_cannot_vote(
        server: PhoneServer) -> None:
    async def go() -> None:
        server.open_question("q1", OPTIONS)
        phone, private_tab, stranger = Phone(server.url), Phone(server.url), Phone(server.url)
        try:
            await phone.join()
            await private_tab.join()
            assert (await phone.vote("q1", "A"))[0] == 200
            assert (await private_tab.vote("q1", "A"))[0] == 200
            assert await stranger.vote("q1", "A") == (403, {"error": "Open the join link again."})
            assert (await stranger.state())[0] == 403
        finally:
            for p in (phone, private_tab, stranger):
                await p.close()

    asyncio.run(go())
    tally = server.tally()
    assert (tally.phones, tally.votes, tally.count("A")) == (2, 2, 2)


def test_a_wrong_code_is_404_and_small_letters_lead_to_the_code(server: PhoneServer) -> None:
    base = server.url.rsplit("/", 1)[0]
    wrong = "222222" if server.code != "222222" else "333333"

    async def go() -> None:
        async with aiohttp.ClientSession() as http:
            for path in (f"/{wrong}", f"/{wrong}/state", f"/{wrong}/events"):
                async with http.get(base + path) as r:
                    assert r.status == 404
            async with http.post(f"{base}/{wrong}/vote", json={}) as r:
                assert r.status == 404
            for path in ("/", "/j", "/j/", "/favicon.ico", f"/x/{server.code}"):
                async with http.get(base.rsplit("/j", 1)[0] + path) as r:
                    assert r.status == 404, path
            async with http.get(f"{base}/{server.code.lower()}", allow_redirects=False) as r:
                assert r.status == 302
                assert r.headers["Location"] == f"/j/{server.code}"

    asyncio.run(go())


def test_the_page_gives_a_scoped_strict_http_only_token_and_strict_headers(
        server: PhoneServer) -> None:
    async def go() -> None:
        async with aiohttp.ClientSession() as http, http.get(server.url) as r:
            cookie = r.headers["Set-Cookie"]
            assert re.match(rf"{COOKIE}=[0-9a-f]{{32}};", cookie)
            assert "HttpOnly" in cookie
            assert "SameSite=Strict" in cookie
            assert f"Path=/j/{server.code}" in cookie
            assert r.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
            assert r.headers["Cache-Control"] == "no-store"
            assert r.headers["X-Content-Type-Options"] == "nosniff"
            assert r.headers["Referrer-Policy"] == "no-referrer"
            assert "aiohttp" not in r.headers.get("Server", "")
            assert await r.text() == PAGE

    asyncio.run(go())


def test_the_page_loads_nothing_from_outside() -> None:
    # Nothing to fetch: no src/href/url()/@import, and the policy allows only this server.
    lowered = PAGE.lower()
    for needle in ("src=", "href=", "url(", "@import", "https://", "<link", "<img", "<iframe"):
        assert needle not in lowered, needle
    assert "http://" not in lowered
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY
    assert "connect-src 'self'" in CONTENT_SECURITY_POLICY
    for part in (STYLE, SCRIPT):
        digest = base64.b64encode(hashlib.sha256(part.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in CONTENT_SECURITY_POLICY
    # Scenario text only ever goes in as text, never as markup.
    assert "innerHTML" not in SCRIPT
    assert "textContent" in SCRIPT


def test_votes_after_votes_close_are_409(server: PhoneServer) -> None:
    async def go() -> None:
        phone = Phone(server.url)
        try:
            await phone.join()
            assert await phone.vote("q1", "A") == (409, {
                "error": "Votes are closed for this question."})
            server.open_question("q1", OPTIONS)
            assert (await phone.vote("q1", "A"))[0] == 200
            server.close_question()
            assert (await phone.vote("q1", "B"))[0] == 409
            assert (await phone.state())[1] == {"state": "closed", "question": "q1",
                                                "options": [], "vote": "A"}
            server.open_question("q2", OPTIONS)
            assert (await phone.vote("q1", "B"))[0] == 409  # a page still showing q1
            assert (await phone.vote("q2", "Z"))[0] == 400
        finally:
            await phone.close()

    asyncio.run(go())
    assert server.tally().votes == 0


def test_votes_are_json_posts_from_the_page_itself(server: PhoneServer) -> None:
    async def go() -> None:
        phone = Phone(server.url)
        try:
            await phone.join()
            server.open_question("q1", OPTIONS)
            vote = server.url + "/vote"
            form = {"question": "q1", "letter": "A"}
            async with phone.http.post(vote, data=form) as r:
                assert r.status == 415
            async with phone.http.get(vote) as r:
                assert r.status == 405
            async with phone.http.post(vote, data=b"{not json",
                                       headers={"Content-Type": "application/json"}) as r:
                assert r.status == 400
            async with phone.http.post(vote, json=["q1", "A"]) as r:
                assert r.status == 400
            async with phone.http.post(vote, json=form,
                                       headers={"Origin": "http://evil.example"}) as r:
                assert r.status == 403
            origin = server.url.split("/j/")[0]
            async with phone.http.post(vote, json=form, headers={"Origin": origin}) as r:
                assert r.status == 200
        finally:
            await phone.close()

    asyncio.run(go())
    assert server.tally().votes == 1


def test_a_foreign_host_name_is_refused_against_dns_rebinding(server: PhoneServer) -> None:
    async def go() -> None:
        async with aiohttp.ClientSession() as http:
            for host in ("evil.example", f"evil.example:{server.port}", "127.0.0.1",
                         f"localhost:{server.port}", ""):
                async with http.get(server.url, headers={"Host": host}) as r:
                    assert r.status == 421, host
                    assert "Set-Cookie" not in r.headers
            async with http.get(server.url, headers={"Host": f"127.0.0.1:{server.port}"}) as r:
                assert r.status == 200

    asyncio.run(go())


def test_bodies_over_1_kb_are_413_declared_or_streamed(server: PhoneServer) -> None:
    async def go() -> None:
        phone = Phone(server.url)
        try:
            await phone.join()
            server.open_question("q1", OPTIONS)
            big = json.dumps({"question": "q1", "letter": "A", "pad": "x" * 2000}).encode()
            async with phone.http.post(server.url + "/vote", data=big,
                                       headers={"Content-Type": "application/json"}) as r:
                assert r.status == 413

            async def chunks() -> AsyncIterator[bytes]:
                for _ in range(4):
                    yield b" " * 400  # no Content-Length: the cap applies while reading
                yield b'{"question": "q1", "letter": "A"}'

            async with phone.http.post(server.url + "/vote", data=chunks(),
                                       headers={"Content-Type": "application/json"}) as r:
                assert r.status == 413
        finally:
            await phone.close()

    asyncio.run(go())
    assert server.tally().votes == 0


def test_one_address_sending_too_fast_gets_429_and_others_do_not() -> None:
    server = PhoneServer(limits=Limits(rate=0.5, burst=3))
    url = server.start("127.0.0.1")

    async def go() -> list[int]:
        async with aiohttp.ClientSession() as http:
            statuses = []
            for _ in range(5):
                async with http.get(url) as r:
                    statuses.append(r.status)
                    if r.status == 429:
                        assert r.headers["Retry-After"] == "2"
            # Another phone (another address on the loopback network) is not held back.
            conn = aiohttp.TCPConnector(local_addr=("127.0.0.2", 0))
            async with aiohttp.ClientSession(connector=conn) as other, other.get(url) as r:
                statuses.append(r.status)
            return statuses

    try:
        assert asyncio.run(go()) == [200, 200, 200, 429, 429, 200]
    finally:
        server.end()


def test_open_connections_are_capped() -> None:
    server = PhoneServer(limits=Limits(connections=2))
    server.start("127.0.0.1")
    host = f"127.0.0.1:{server.port}"

    async def go() -> tuple[bytes, bytes]:
        held = [await asyncio.open_connection("127.0.0.1", server.port) for _ in range(2)]
        for reader, writer in held:
            # A request answered on each proves the server holds both (kept alive).
            writer.write(f"GET /nothing HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 404")
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(f"GET /j/{server.code} HTTP/1.1\r\nHost: {host}\r\n"
                     "Connection: close\r\n\r\n".encode())
        try:
            over = await asyncio.wait_for(reader.read(), 5)  # closed at once: b""
        except ConnectionResetError:
            over = b""  # closed with the request unread, so the system reset it
        writer.close()
        for _, w in held[1:]:
            w.close()
        # Once the server has seen one close, a place is free again.
        again = b""
        for _ in range(100):
            r0, w0 = await asyncio.open_connection("127.0.0.1", server.port)
            w0.write(f"GET /j/{server.code} HTTP/1.1\r\nHost: {host}\r\n"
                     "Connection: close\r\n\r\n".encode())
            with contextlib.suppress(ConnectionResetError):
                again = await asyncio.wait_for(r0.read(), 5)
            w0.close()
            if again:
                break
            await asyncio.sleep(0.02)
        held[0][1].close()
        return over, again

    try:
        over, again = asyncio.run(go())
    finally:
        server.end()
    assert over == b""
    assert again.startswith(b"HTTP/1.1 200")


def test_events_tell_a_phone_when_a_question_opens_closes_and_the_session_ends(
        server: PhoneServer) -> None:
    async def go() -> list[dict[str, Any]]:
        phone = Phone(server.url)
        seen: list[dict[str, Any]] = []
        try:
            await phone.join()
            async with phone.http.get(server.url + "/events") as r:
                assert r.status == 200
                assert r.headers["Content-Type"].startswith("text/event-stream")
                loop = asyncio.get_running_loop()
                steps = [lambda: server.open_question("q1", OPTIONS), server.close_question,
                         server.end]
                async for raw in r.content:
                    line = raw.decode().strip()
                    if not line.startswith("data: "):
                        continue
                    seen.append(json.loads(line[6:]))
                    if steps:
                        # The GUI's calls block until applied: run them off this loop.
                        await loop.run_in_executor(None, steps.pop(0))
        finally:
            await phone.close()
        return seen

    seen = asyncio.run(go())
    assert [s["state"] for s in seen] == ["waiting", "open", "closed", "ended"]
    assert seen[1]["options"][1] == {"letter": "B", "text": OPTIONS[1][1]}
    assert not server.running


def test_nothing_is_served_after_the_session_ends(server: PhoneServer) -> None:
    port = server.port
    server.open_question("q1", OPTIONS)
    server.end()
    assert not server.running
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), 2):
        pass
    # Calls after the end are harmless no-ops.
    server.open_question("q2", OPTIONS)
    server.close_question()
    server.end()
    with pytest.raises(RuntimeError, match="already started"):
        server.start("127.0.0.1")


def test_no_request_is_logged(server: PhoneServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)

    async def go() -> None:
        phone = Phone(server.url)
        try:
            await phone.join()
            server.open_question("q1", OPTIONS)
            await phone.vote("q1", "A")
        finally:
            await phone.close()

    asyncio.run(go())
    assert [r for r in caplog.records if r.name.startswith("aiohttp")] == []
    assert server.code not in caplog.text


def test_the_server_explains_in_plain_words_why_it_cannot_start() -> None:
    with pytest.raises(PhoneServerError, match="not a network address phones can use"):
        PhoneServer().start("localhost")
    # Never every interface at once, and never an address on the internet.
    for address in ("0.0.0.0", "8.8.8.8", "224.0.0.1"):
        with pytest.raises(PhoneServerError, match="only listen on one local network"):
            PhoneServer().start(address)
    # 203.0.113.0/24 is reserved for documentation (TEST-NET-3): no real computer has it.
    with pytest.raises(PhoneServerError, match=r"no network address 203\.0\.113\.254") as info:
        PhoneServer().start("203.0.113.254")
    assert "Wi-Fi" in info.value.hint
    taken = PhoneServer()
    taken.start("127.0.0.1")
    try:
        with pytest.raises(PhoneServerError, match=f"Port {taken.port} .* already in use"):
            PhoneServer().start("127.0.0.1", taken.port)
    finally:
        taken.end()
