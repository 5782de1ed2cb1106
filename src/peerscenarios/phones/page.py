"""The one page a phone loads: large-type, high-contrast, accessible HTML, CSS and JS inline.

Nothing is fetched from anywhere else (no fonts, scripts or images), and the
Content-Security-Policy built here says so to the browser: only this
page's own inline style and script (by hash) and requests to this server.
The script puts scenario text on the page with ``textContent`` only, so a
response text can never become markup.
"""

from __future__ import annotations

import base64
import hashlib

# Style and script are inline rather than files: one request per phone, and the
# Content-Security-Policy below can allow each by its hash instead of by a path.
STYLE = """
:root { color-scheme: dark light; --bg: #000; --fg: #fff; --accent: #ffd21f;
  --button: #141414; --line: #fff; --warn: #ffb3b3; }
@media (prefers-color-scheme: light) {
  :root { --bg: #fff; --fg: #000; --accent: #003fb3; --button: #fff; --line: #000;
    --warn: #9e0000; }
}
html { font-size: 125%; -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); line-height: 1.4;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
main { max-width: 40rem; margin: 0 auto; padding: 1rem 1rem 2rem; }
h1 { font-size: 1.1rem; margin: 0 0 .25rem; font-weight: 700; }
h2 { font-size: 1.3rem; margin: 1rem 0 .25rem; }
#status { font-size: 1.2rem; font-weight: 700; margin: .5rem 0 1rem;
  border-left: .4rem solid var(--accent); padding-left: .6rem; }
.help { margin: 0 0 1rem; }
.choice { display: flex; gap: .75rem; align-items: flex-start; width: 100%;
  min-height: 3.2rem; margin: 0 0 .8rem; padding: .75rem; font: inherit;
  line-height: 1.35; text-align: left; color: var(--fg); background: var(--button);
  border: 3px solid var(--line); border-radius: .6rem; cursor: pointer;
  touch-action: manipulation; -webkit-tap-highlight-color: transparent; }
.choice .letter { flex: none; min-width: 2.2rem; font-size: 1.4rem; font-weight: 800;
  text-align: center; border: 2px solid currentColor; border-radius: .35rem; }
.choice .text { flex: 1; }
.choice[aria-pressed="true"] { background: var(--accent); color: var(--bg);
  border-color: var(--accent); font-weight: 700; }
.choice[aria-pressed="true"]::after { content: "\\2713" / ""; font-size: 1.4rem;
  font-weight: 800; }
.choice:focus-visible { outline: 4px solid var(--fg); outline-offset: 3px; }
#notice { color: var(--warn); font-weight: 700; }
.small { font-size: .85rem; margin-top: 2rem; }
[hidden] { display: none !important; }
"""

# Live updates come as server-sent events; while that stream is down or missing, the
# page polls every 3 seconds. Text goes in with textContent only, never as markup.
SCRIPT = """
"use strict";
(function () {
  var base = location.pathname.replace(/\\/+$/, "");
  var statusEl = document.getElementById("status");
  var section = document.getElementById("question");
  var box = document.getElementById("choices");
  var notice = document.getElementById("notice");
  var current = null, shownKey = "", pollTimer = null, source = null, ended = false;

  function say(text) { if (statusEl.textContent !== text) { statusEl.textContent = text; } }
  function warn(text) { notice.textContent = text; notice.hidden = !text; }

  function build(options) {
    box.textContent = "";
    options.forEach(function (o) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "choice";
      b.setAttribute("aria-pressed", "false");
      b.setAttribute("data-letter", o.letter);
      var l = document.createElement("span");
      l.className = "letter";
      l.textContent = o.letter;
      var t = document.createElement("span");
      t.className = "text";
      t.textContent = o.text;
      b.appendChild(l);
      b.appendChild(t);
      b.addEventListener("click", function () { vote(o.letter); });
      box.appendChild(b);
    });
  }

  function mark(letter) {
    Array.prototype.forEach.call(box.children, function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-letter") === letter ? "true" : "false");
    });
  }

  function render(view) {
    current = view;
    if (view.state === "open") {
      var key = view.question + "\\n" + JSON.stringify(view.options);
      if (key !== shownKey) { build(view.options); shownKey = key; warn(""); }
      section.hidden = false;
      mark(view.vote);
      say(view.vote ? "Your vote: " + view.vote + ". You can change it until votes close."
                    : "Votes are open: " + view.options.length + " responses. Tap one.");
      return;
    }
    section.hidden = true;
    box.textContent = "";
    shownKey = "";
    if (view.state === "closed") {
      say(view.vote ? "Votes closed. Your vote was " + view.vote + "." : "Votes closed.");
    } else if (view.state === "ended") {
      say("The session has ended. Thank you. You can close this page.");
      stop();
    } else {
      say("You are connected. Wait for the facilitator to open a vote.");
    }
  }

  function lostPlace() {
    warn("This page lost its place in the session. Scan the code or open the link again.");
  }

  function refresh() {
    return fetch(base + "/state", { cache: "no-store", credentials: "same-origin" })
      .then(function (r) {
        if (r.status === 403) { lostPlace(); return null; }
        if (!r.ok) { throw new Error(String(r.status)); }
        return r.json();
      })
      .then(function (v) { if (v) { render(v); } }, function () {
        if (!ended) { say("Can't reach the facilitator's laptop. Trying again…"); }
      });
  }

  function vote(letter) {
    if (!current || current.state !== "open") { return; }
    var question = current.question;
    warn("");
    fetch(base + "/vote", {
      method: "POST", cache: "no-store", credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ question: question, letter: letter })
    }).then(function (r) {
      if (r.ok) {
        return r.json().then(function (v) {
          if (current && current.state === "open" && current.question === question) {
            current.vote = v.vote;
            render(current);
          }
        });
      }
      if (r.status === 409) { warn("Votes closed before your tap arrived."); return refresh(); }
      if (r.status === 429) {
        warn("Too many taps at once. Wait a few seconds, then tap again.");
        return null;
      }
      if (r.status === 403) { lostPlace(); return null; }
      warn("Your vote was not counted. Please tap again.");
      return null;
    }, function () {
      warn("Your vote was not sent: this phone can't reach the facilitator's laptop.");
    });
  }

  function poll(on) {
    if (on && !pollTimer && !ended) { pollTimer = setInterval(refresh, 3000); }
    if (!on && pollTimer) { clearInterval(pollTimer); pollTimer = null; }
  }

  function stop() {
    ended = true;
    poll(false);
    if (source) { source.close(); source = null; }
  }

  function listen() {
    if (!window.EventSource) { poll(true); return; }
    source = new EventSource(base + "/events");
    source.onopen = function () { poll(false); };
    source.onmessage = function (e) {
      var view = null;
      try { view = JSON.parse(e.data); } catch (err) { return; }
      render(view);
    };
    // While the live connection is down the browser retries it; polling covers the gap.
    source.onerror = function () { poll(true); };
  }

  refresh().then(function () { if (!ended) { listen(); } });
})();
"""

# role="status" with aria-live: a screen reader says when votes open or close without
# moving the reader's place on the page.
BODY = """<main>
<h1>PeerScenarios: class vote</h1>
<p id="status" role="status" aria-live="polite" aria-atomic="true">Connecting…</p>
<p id="notice" role="alert" hidden></p>
<section id="question" aria-labelledby="question-heading" hidden>
<h2 id="question-heading">How would you respond?</h2>
<p class="help">Tap one response. You can change your vote until votes close.</p>
<div id="choices" role="group" aria-labelledby="question-heading"></div>
</section>
<p class="small">Anonymous: no name, no account. The facilitator sees only how many votes
each letter has, never who voted what.</p>
<noscript><p>This page needs JavaScript to vote. Tell the facilitator your letter
instead.</p></noscript>
</main>"""


def _sha256(text: str) -> str:
    # A CSP hash covers the exact text between the tags: PAGE embeds STYLE and SCRIPT as is.
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


# no-referrer: the page's address holds the join code.
PAGE = (
    "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<meta name=\"color-scheme\" content=\"dark light\">\n"
    "<meta name=\"referrer\" content=\"no-referrer\">\n"
    "<title>Class vote · PeerScenarios</title>\n"
    f"<style>{STYLE}</style>\n</head>\n<body>\n{BODY}\n<script>{SCRIPT}</script>\n"
    "</body>\n</html>\n"
)

# Only this page's own style and script may run, and it may only talk to this server.
CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; style-src {_sha256(STYLE)}; script-src {_sha256(SCRIPT)}; "
    "connect-src 'self'; img-src 'none'; font-src 'none'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
