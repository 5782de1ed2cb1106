"""A blocking phone for facilitator-mode tests: its own cookies, and every body it was sent."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from typing import Any


class SyncPhone:
    """One phone talking to the phone server from the test's thread (the server has its own)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.bodies: list[str] = []
        self._open = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar())).open

    def _send(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self._open(request, timeout=5) as r:
                status, body = r.status, r.read().decode()
        except urllib.error.HTTPError as exc:
            status, body = exc.code, exc.read().decode()
        self.bodies.append(body)
        return status, body

    def join(self) -> int:
        """Load the page (takes the vote token) and connect, as the page's script does."""
        status, _ = self._send(urllib.request.Request(self.url))
        self.state()
        return status

    def state(self) -> dict[str, Any]:
        """What this phone is shown now."""
        status, body = self._send(urllib.request.Request(self.url + "/state"))
        assert status == 200, body
        result: dict[str, Any] = json.loads(body)
        return result

    def vote(self, letter: str) -> int:
        """Tap a response on the question the phone shows; the HTTP status."""
        question = self.state()["question"]
        data = json.dumps({"question": question, "letter": letter}).encode()
        return self._send(urllib.request.Request(
            self.url + "/vote", data=data, method="POST",
            headers={"Content-Type": "application/json"}))[0]
