"""Phones as clickers: a small LAN web server the class votes from, anonymously; no Qt here.

``PhoneServer`` (in :mod:`peerscenarios.phones.server`) runs an aiohttp
application on one worker thread; the GUI opens and closes questions and is
told the counts through a callback. This package imports neither aiohttp nor
segno at import time, so loading it costs the app's start-up nothing.
"""

from __future__ import annotations

from peerscenarios.phones.state import (
    ALPHABET,
    PhoneTally,
    VoteBox,
    make_join_code,
    make_token,
)

__all__ = ["ALPHABET", "PhoneTally", "VoteBox", "make_join_code", "make_token"]
