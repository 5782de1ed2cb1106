"""Remake the phone pictures in docs/images for the facilitator guide.

Run from the repository, with the app installed and Debian's chromium:
``python docs/images/make_phone_images.py``. It starts facilitator mode
off screen with the built-in scenario "back-to-school" and phones on
127.0.0.1 (a demo on one computer), lets three simulated phones join and
vote, and saves the audience view with its join card, the presenter's
Phones panel, and the phone page in headless Chromium at a phone's size.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _phone_votes(url: str, letter: str) -> None:
    """A phone without a browser: load the page (its token), then vote."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    opener.open(url, timeout=5).read()
    state = json.loads(opener.open(url + "/state", timeout=5).read())
    body = json.dumps({"question": state["question"], "letter": letter}).encode()
    opener.open(urllib.request.Request(url + "/vote", data=body, method="POST",
                                       headers={"Content-Type": "application/json"}),
                timeout=5).read()


def main() -> int:
    """Make the three pictures; 0 when done."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    tmp = Path(tempfile.mkdtemp(prefix="peerscenarios-doc-images-"))
    os.environ["PEERSCENARIOS_DATA_DIR"] = str(tmp / "data")
    from playwright.sync_api import expect, sync_playwright
    from PySide6.QtWidgets import QApplication

    from peerscenarios import paths
    from peerscenarios.core.library import check_file
    from peerscenarios.storage import Storage
    from peerscenarios.ui.present import start_presentation

    app = QApplication(sys.argv[:1])
    scenario = check_file(paths.builtin_scenarios_dir() / "back-to-school.yaml",
                          with_lint=False).scenario
    assert scenario is not None
    storage = Storage.open(f"sqlite:///{tmp / 'doc.sqlite3'}", backup=False)
    presenter = start_presentation(None, scenario, storage, phones="127.0.0.1")
    url = presenter.phones.bridge.url
    presenter.go_forward()  # the choices: votes open on the phones

    def settle() -> None:
        for _ in range(50):
            app.processEvents()

    audience = presenter.audience
    audience.showNormal()
    audience.resize(1280, 720)
    settle()
    audience.grab().save(str(HERE / "phones-audience.png"))

    for letter in "AB":
        _phone_votes(url, letter)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                     args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 390, "height": 844},
                                   device_scale_factor=2, is_mobile=True,
                                   has_touch=True).new_page()
        page.goto(url)
        page.get_by_role("button", name=re.compile(r"^A ")).tap()
        expect(page.get_by_role("status")).to_have_text(re.compile("^Your vote: A"))
        page.screenshot(path=str(HERE / "phones-phone.png"))
        browser.close()
    panel = presenter.phones
    for _ in range(200):
        settle()
        if panel.counts.text() == "3 phones joined / 3 votes":
            break
    panel.resize(460, panel.sizeHint().height())
    settle()
    panel.grab().save(str(HERE / "phones-presenter.png"))
    panel.shut_down()
    storage.close()
    print("saved phones-audience.png, phones-phone.png, phones-presenter.png in", HERE)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
