"""Benchmark: phones as clickers, 40 phones voting at once and spread over 3 s (facilitator mode).

The presenter is the real one (``start_presentation`` with phones on
127.0.0.1, offscreen), in this process. The 40 phones are a separate
process (this file with ``--phones-child``), so their client work never
counts as the presenter's memory or steals its thread; each phone has its
own loopback address (127.0.0.10 ... 127.0.0.49), cookie and live event
stream, as a real phone page has, so the per-address rate limit applies to
each as it would in a room.

Per round, the presenter shows the next decision's choices; every phone
waits until its event stream says the question is open, then votes: all at
once, or one every 75 ms (40 over 3 s). Latency is from just before a
phone sends its POST (``time.perf_counter``, CLOCK_MONOTONIC, shared by both
processes on Linux) to the presenter's ``votes_changed`` for the tally that
first includes it (the presenter's own refresh of its vote panel has run by
then). Votes are anonymous counts, so the k-th vote sent is matched with the
moment the presenter's total first reached k. Also measured: turning phones
on and off (the first time includes importing aiohttp and segno), and the
presenter's resident memory added by phones with 40 connected.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PHONES = 40
SPREAD_S = 3.0
GOAL_AT_ONCE_MS = 50.0
GOAL_SPREAD_MS = 16.0
FIRST_PHONE_ADDRESS = 10  # 127.0.0.10 and up
# A room reads the choices before it votes; by then the presenter has drawn the step and
# rendered the next ones ahead, as it has in class. (Votes within the first few hundred
# milliseconds wait for that drawing, as typed letter keys would.)
READ_S = 1.0


def _pct(values: list[float], pct: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[round(pct) - 1]


def _row(name: str, value: float | None, unit: str, goal: float | None,
         note: str) -> dict[str, Any]:
    meets = None if value is None or goal is None else value < goal
    return {"name": name, "value": None if value is None else round(value, 2), "unit": unit,
            "goal": goal, "goal_op": "<", "meets": meets, "note": note}


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- the phones (child process) ----------------------------------------------------------

async def _phones_main(url: str, count: int, modes: list[str]) -> None:
    import aiohttp

    host, _, path = url.removeprefix("http://").partition("/")
    address, port = host.rsplit(":", 1)

    class Phone:
        """One phone: the page's cookie, its event stream, and a kept-alive socket for votes."""

        def __init__(self, index: int) -> None:
            self.local = f"127.0.0.{FIRST_PHONE_ADDRESS + index}"
            connector = aiohttp.TCPConnector(local_addr=(self.local, 0))
            self.http = aiohttp.ClientSession(connector=connector,
                                              cookie_jar=aiohttp.CookieJar(unsafe=True))
            self.views: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
            self.cookie = ""

        async def join(self) -> None:
            async with self.http.get(url) as r:
                await r.read()
                self.cookie = r.headers["Set-Cookie"].split(";", 1)[0]
            tasks.append(asyncio.create_task(self.listen()))
            # Votes go out on a socket opened beforehand, as a phone's browser keeps one:
            # a prepared request is one write, so 40 "at once" leave within a millisecond.
            self.reader, self.writer = await asyncio.open_connection(
                address, int(port), local_addr=(self.local, 0))

        async def listen(self) -> None:
            async with self.http.get(url + "/events", timeout=aiohttp.ClientTimeout()) as r:
                async for raw in r.content:
                    if raw.startswith(b"data: "):
                        await self.views.put(json.loads(raw[6:]))

        async def wait_open(self) -> dict[str, Any]:
            while True:
                view = await self.views.get()
                if view["state"] == "open":
                    return view

        async def vote(self, question: str, letter: str, delay: float) -> float:
            body = json.dumps({"question": question, "letter": letter}).encode()
            request = (f"POST /{path}/vote HTTP/1.1\r\nHost: {host}\r\n"
                       f"Cookie: {self.cookie}\r\nContent-Type: application/json\r\n"
                       f"Content-Length: {len(body)}\r\n\r\n").encode() + body
            await asyncio.sleep(delay)
            sent = time.perf_counter()
            self.writer.write(request)
            head = await self.reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(head.decode(errors="replace").splitlines()[0])
            length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))
            await self.reader.readexactly(length)
            return sent

    tasks: list[asyncio.Task[None]] = []
    phones = [Phone(i) for i in range(count)]
    for phone in phones:
        await phone.join()
    for phone in phones:
        assert (await phone.views.get())["state"] == "waiting"
    print(json.dumps({"joined": count}), flush=True)

    rng = random.Random(15)
    for number, mode in enumerate(modes):
        views = await asyncio.gather(*(phone.wait_open() for phone in phones))
        await asyncio.sleep(READ_S)
        letters = [o["letter"] for o in views[0]["options"]]
        step = SPREAD_S / count if mode == "spread" else 0.0
        sends = await asyncio.gather(*(
            phone.vote(view["question"], rng.choice(letters), i * step)
            for i, (phone, view) in enumerate(zip(phones, views, strict=True))))
        print(json.dumps({"round": number, "sends": sends}), flush=True)
    for task in tasks:
        task.cancel()
    for phone in phones:
        phone.writer.close()
        await phone.http.close()


# --- the presenter (this process) ---------------------------------------------------------

def _scenario(folder: Path) -> Any:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from generate import scenario_yaml

    from peerscenarios.core.library import check_file

    path = folder / "phones-bench.yaml"
    path.write_text(scenario_yaml(0, random.Random(15)), encoding="utf-8")
    loaded = check_file(path, with_lint=False)
    if loaded.scenario is None:
        raise RuntimeError("the generated scenario did not load")
    return loaded.scenario


def _measure(quick: bool) -> dict[str, Any]:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    tmp = Path(tempfile.mkdtemp(prefix="peerscenarios-bench-phones-"))
    os.environ["PEERSCENARIOS_DATA_DIR"] = str(tmp / "data")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from peerscenarios.app.group.stage_state import Step
    from peerscenarios.storage import Storage
    from peerscenarios.ui.present import start_presentation

    app = QApplication.instance() or QApplication(sys.argv[:1])
    scenario = _scenario(tmp)
    storage = Storage.open(f"sqlite:///{tmp / 'bench.sqlite3'}", backup=False)
    presenter = start_presentation(None, scenario, storage)
    panel, controller = presenter.phones, presenter.controller
    app.processEvents()
    rss_before = _rss_mb()

    # Turning phones on and off: the first time pays for importing aiohttp and segno.
    t0 = time.perf_counter()
    if panel.turn_on("127.0.0.1") is None:
        raise RuntimeError(panel.message.text())
    cold_on = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    panel.turn_off()
    cold_off = (time.perf_counter() - t0) * 1000
    ons, offs = [], []
    for _ in range(5 if quick else 20):
        t0 = time.perf_counter()
        panel.turn_on("127.0.0.1")
        ons.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        panel.turn_off()
        offs.append((time.perf_counter() - t0) * 1000)

    url = panel.turn_on("127.0.0.1")
    rounds = 2 if quick else 4
    modes = ["once", "spread"] * rounds
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--phones-child", str(url),
         str(PHONES), ",".join(modes)], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    joined = json.loads(child.stdout.readline())
    if joined.get("joined") != PHONES:
        raise RuntimeError(f"the phones did not join: {joined}")

    seen: list[tuple[float, int]] = []
    loop = QEventLoop()

    def on_votes() -> None:
        visit = controller.flow.current.visit
        total = sum(visit.votes) if visit is not None else 0
        seen.append((time.perf_counter(), total))
        if total >= PHONES:
            loop.quit()

    controller.votes_changed.connect(on_votes)
    latencies: dict[str, list[float]] = {"once": [], "spread": []}
    previous = None
    for number, mode in enumerate(modes):
        # On to the next decision's choices: that opens the question on every phone.
        flow = controller.flow
        while not (flow.votes_open and flow.current.step is Step.CHOICES
                   and flow.current.visit is not previous):
            visit = flow.current.visit
            if visit is not None and visit.chosen is None:
                controller.set_path(visit.choice_ids[0])
            blocker = controller.forward()
            if blocker is not None:
                raise RuntimeError(blocker)
        seen.clear()
        QTimer.singleShot(30_000, loop.quit)
        loop.exec()
        sends = json.loads(child.stdout.readline())
        if sends.get("round") != number or not seen or seen[-1][1] < PHONES:
            raise RuntimeError(f"round {number}: only {seen[-1][1] if seen else 0} votes arrived")
        ordered = sorted(sends["sends"])
        for k, sent in enumerate(ordered, start=1):
            arrived = next(t for t, total in seen if total >= k)
            latencies[mode].append((arrived - sent) * 1000)
        previous = flow.current.visit
    rss_with_phones = _rss_mb()
    child.wait(30)
    t0 = time.perf_counter()
    panel.turn_off()
    off_with_phones = (time.perf_counter() - t0) * 1000
    storage.close()
    return {"latency": latencies, "cold_on": cold_on, "cold_off": cold_off, "on": ons,
            "off": offs, "off_with_phones": off_with_phones, "rss_before": rss_before,
            "rss_with_phones": rss_with_phones, "rounds": rounds}


def run(quick: bool) -> list[dict[str, Any]]:
    """Measure in a fresh process (its memory is the presenter's alone); rows for bench/run.py."""
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--presenter"]
                          + (["--quick"] if quick else []),
                          capture_output=True, text=True, timeout=600, check=False,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"the phones benchmark failed ({proc.returncode}): {tail[:300]}")
    got = json.loads(lines[-1])
    once, spread = got["latency"]["once"], got["latency"]["spread"]
    rounds = got["rounds"]
    how = (f"{PHONES} phones (own process, own loopback address, live event stream each), "
           f"{rounds} rounds")
    return [
        _row("phones_vote_latency_p99_ms_at_once", _pct(once, 99), "ms", GOAL_AT_ONCE_MS,
             f"{how}, all {PHONES} POSTs at once: phone sends to presenter's count includes "
             f"it; p50 {_pct(once, 50):.1f}, max {max(once):.1f} ms over {len(once)} votes"),
        _row("phones_vote_latency_p50_ms_at_once", _pct(once, 50), "ms", None,
             "the median of the row above"),
        _row("phones_vote_latency_p99_ms_spread", _pct(spread, 99), "ms", GOAL_SPREAD_MS,
             f"{how}, one vote every {SPREAD_S / PHONES * 1000:.0f} ms ({PHONES} over "
             f"{SPREAD_S:.0f} s); p50 {_pct(spread, 50):.1f}, max {max(spread):.1f} ms over "
             f"{len(spread)} votes"),
        _row("phones_vote_latency_p50_ms_spread", _pct(spread, 50), "ms", None,
             "the median of the row above"),
        _row("phones_start_ms", statistics.median(got["on"]), "ms", None,
             f"Phones on (server listening, QR made), median of {len(got['on'])}; the first "
             f"time, importing aiohttp and segno, {got['cold_on']:.0f} ms"),
        _row("phones_stop_ms", statistics.median(got["off"]), "ms", None,
             f"Phones off (phones told, port closed), median of {len(got['off'])} with no "
             f"phone connected; with {PHONES} phones connected "
             f"{got['off_with_phones']:.0f} ms"),
        _row("phones_memory_added_mb", got["rss_with_phones"] - got["rss_before"], "MB", None,
             f"presenter's resident memory with {PHONES} phones connected after the rounds, "
             f"minus before phones were first turned on ({got['rss_before']:.0f} MB)"),
    ]


def main() -> int:
    """``--presenter`` (the measuring process) or ``--phones-child URL N MODES``."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presenter", action="store_true")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--phones-child", nargs=3, metavar=("URL", "N", "MODES"))
    args = ap.parse_args()
    if args.phones_child:
        url, count, modes = args.phones_child
        asyncio.run(_phones_main(url, int(count), modes.split(",")))
        return 0
    if args.presenter:
        print(json.dumps(_measure(args.quick)), flush=True)
        return 0
    for row in run(args.quick):
        print(f"{row['name']}: {row['value']} {row['unit']}  ({row['note']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
