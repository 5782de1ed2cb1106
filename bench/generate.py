"""Deterministic generator of large, valid scenario libraries for the benchmarks.

``python bench/generate.py OUT_DIR [--count 1000] [--seed N]`` writes ``count``
scenario files of about 40 nodes each into ``OUT_DIR``. The same seed always
gives byte-identical files.

Each scenario follows docs/scenario-format.md and passes
``peerscenarios validate --strict``: ten stages, each a decision point
(narrative, two speaker lines, 3 or 4 choices with a role tag, competency
effects and feedback naming the drift) followed by three reaction nodes (none after the last), and
four endings with debriefs and reflection prompts. Text lengths are modelled
on the built-in scenarios (about 1.3 KB of YAML per node, 55 KB per file).
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from peerscenarios.core.lint import SECONDS_PER_DECISION, SECONDS_PER_PROMPT, WORDS_PER_MINUTE

SEED = 20261122
STAGES = 10  # 10 decisions + 9 x 3 reactions + 4 endings = 41 nodes
REACTIONS = 3
ENDINGS = 4

# Neutral words only, so the language lint (stigma terms, content warnings) stays quiet.
_WORD_TEXT = (
    "afternoon kitchen table window coffee morning letter bus stop meeting room chair "
    "quiet voice hands folded smile pause notebook phone calendar week month plan goal "
    "garden sister brother neighbour job shift evening walk park bench jacket rain sun "
    "slowly carefully again finally almost maybe really honestly still already often "
    "tired hopeful nervous proud steady unsure careful ready curious calm busy warm "
    "talks listens nods waits looks laughs sighs writes reads remembers wonders asks "
    "about with through before after during between under over across toward around "
    "small long short early late last next first other same new old open simple "
    "story idea step choice reason feeling moment place person group class course"
)
_WORDS = tuple(_WORD_TEXT.split())
_SETTINGS = ("peer-center", "outpatient-clinic", "street-outreach", "home-visit", "warmline")
_NAMES = ("Ana", "Ben", "Cora", "Dev", "Ema", "Finn", "Gus", "Hana", "Ivo", "Jae", "Kai",
          "Lena", "Marco", "Nia", "Omar", "Pia", "Quinn", "Rosa", "Sam", "Tess")
_TOPICS = ("housing", "work", "family", "school", "benefits", "groups", "health", "money",
           "friends", "planning")

# Per role: a feedback phrase that names the drift in plain words (lint PS102 needs it).
_DRIFT = {
    "clinical-drift": "This is clinical drift: assessing and advising on medication is the "
                      "doctor's part, not the peer's.",
    "case-management-drift": "Doing the task for them is the case manager's move, and it "
                             "takes over something they could learn.",
    "single-pathway-drift": "Offering one path as the only way is the sponsor's stance; "
                            "peers support many pathways.",
    "directive-drift": "Telling them what they must do is pressure, and pressure pushes "
                       "choice away.",
    "authority-drift": "Leading with the program rule speaks for the agency and its staff "
                       "rather than for the person.",
    "self-disclosure-misuse": "Turning to your own story at length puts the spotlight on "
                              "you and invites comparison.",
    "boundary-slip": "This blurs the boundary: a secret or a loan of money changes the "
                     "relationship and the trust in it.",
}
_DRIFTS = tuple(_DRIFT)


def _sentence(rng: random.Random, lo: int, hi: int) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(lo, hi))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def _para(rng: random.Random, words: int) -> str:
    out: list[str] = []
    n = 0
    while n < words:
        s = _sentence(rng, 6, 14)
        out.append(s)
        n += len(s.split())
    return " ".join(out)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _block(text: str, indent: int, width: int = 72) -> list[str]:
    """``text`` wrapped as the lines of a literal block scalar at ``indent`` spaces."""
    pad = " " * indent
    lines: list[str] = []
    cur = ""
    for word in text.split():
        if cur and len(cur) + 1 + len(word) > width:
            lines.append(pad + cur)
            cur = word
        else:
            cur = f"{cur} {word}" if cur else word
    if cur:
        lines.append(pad + cur)
    return lines


class _Writer:
    """Accumulates the YAML text of one scenario and counts words per route for `minutes`."""

    def __init__(self) -> None:
        self.out: list[str] = []

    def add(self, *lines: str) -> None:
        self.out.extend(lines)

    def text(self, key: str, text: str, indent: int) -> None:
        self.out.append(" " * indent + f"{key}: |")
        self.out.extend(_block(text, indent + 2))


def scenario_yaml(index: int, rng: random.Random) -> str:
    """The YAML text of one generated scenario (about 40 nodes)."""
    name = _NAMES[index % len(_NAMES)]
    other = _NAMES[(index * 7 + 3) % len(_NAMES)]
    topic = _TOPICS[index % len(_TOPICS)]
    sid = f"bench-{index:05d}"
    w = _Writer()
    body = _Writer()
    route_words = 0.0  # average words on one route, for a `minutes` the lint agrees with
    prompts = 0
    for stage in range(STAGES):
        did = f"decision-{stage + 1}"
        body.add(f"  - id: {did}")
        text = _para(rng, rng.randint(25, 45))
        body.text("text", text, 4)
        body.add("    lines:")
        line_words = 0
        for speaker in (name, other if stage % 2 else name):
            said = _para(rng, rng.randint(12, 25))
            line_words += len(said.split())
            body.add(f"      - speaker: {speaker}", f"        text: {_quoted(said)}")
        if stage % 2 == 0:
            body.add("    facilitator:")
            body.text("notes", _para(rng, rng.randint(30, 50)), 6)
            body.add("      discuss:",
                     f"        - {_quoted(_sentence(rng, 8, 14)[:-1] + '?')}",
                     f"        - {_quoted(_sentence(rng, 8, 14)[:-1] + '?')}")
        body.add("    choices:")
        last = stage == STAGES - 1
        # The last decision has one choice per ending, so every ending is reachable.
        n_choices = ENDINGS if last else 3 + (rng.random() < 0.6)
        drifts = rng.sample(_DRIFTS, n_choices - 1)  # different kinds (lint PS103)
        roles = ["peer-aligned", *drifts]
        rng.shuffle(roles)
        choice_words = 0
        feedback_words = 0.0
        for c, role in enumerate(roles):
            # Peer-aligned responses a little shorter, so that length gives nothing away
            # (the lint's answer-tell check, PS106).
            ctext = _para(rng, rng.randint(8, 14) if role == "peer-aligned"
                          else rng.randint(14, 24))
            choice_words += len(ctext.split())
            comp_a, comp_b = rng.sample(range(1, 13), 2)
            sign = 1 if role == "peer-aligned" else -1
            why = _para(rng, rng.randint(18, 35))
            if role != "peer-aligned":
                why = f"{_DRIFT[role]} {why}"
            target = (f"ending-{c + 1}" if last
                      else f"reaction-{stage + 1}-{'abc'[c % REACTIONS]}")
            body.add(f"      - id: choice-{stage + 1}-{c + 1}",
                     f"        text: {_quoted(ctext)}",
                     f"        role: {role}",
                     f"        competencies: {{{comp_a}: {sign * rng.randint(1, 2)}, "
                     f"{comp_b}: {sign}}}",
                     "        feedback:")
            body.text("why", why, 10)
            words = len(why.split())
            if role != "peer-aligned":
                better = _para(rng, rng.randint(12, 22))
                body.text("better", better, 10)
                words += len(better.split())
            feedback_words += words / len(roles)
            body.add(f"        next: {target}")
        if stage % 3 == 1:
            prompts += 1
            body.add("    reflect:", f"      - id: reflect-{stage + 1}",
                     f"        prompt: {_quoted(_sentence(rng, 10, 16)[:-1] + '?')}")
        route_words += len(text.split()) + line_words + choice_words + feedback_words
        if last:
            break
        reaction_words = 0
        for r in range(REACTIONS):
            rtext = _para(rng, rng.randint(20, 40))
            said = _para(rng, rng.randint(12, 25))
            reaction_words += len(rtext.split()) + len(said.split())
            body.add(f"  - id: reaction-{stage + 1}-{'abc'[r]}")
            body.text("text", rtext, 4)
            body.add("    lines:", f"      - speaker: {name}", f"        text: {_quoted(said)}",
                     f"    next: decision-{stage + 2}")
        route_words += reaction_words / REACTIONS
    ending_words = 0
    for e in range(ENDINGS):
        etext = _para(rng, rng.randint(20, 35))
        debrief = _para(rng, rng.randint(50, 80))
        ending_words += len(etext.split()) + len(debrief.split())
        body.add(f"  - id: ending-{e + 1}")
        body.text("text", etext, 4)
        body.add("    ending:", f"      title: {_quoted(_sentence(rng, 3, 5)[:-1])}")
        body.text("debrief", debrief, 6)
        body.add("    reflect:", f"      - id: reflect-ending-{e + 1}",
                 f"        prompt: {_quoted(_sentence(rng, 10, 16)[:-1] + '?')}")
    route_words += ending_words / ENDINGS
    # The lint's own estimate, so that `minutes` agrees with it.
    minutes = (route_words / WORDS_PER_MINUTE
               + (STAGES * SECONDS_PER_DECISION + (prompts + 1) * SECONDS_PER_PROMPT) / 60)
    title = f"{name} and the {topic} question ({index})"
    w.add("format: 1", f"id: {sid}", f"title: {_quoted(title)}", "summary: >")
    w.out.extend(_block(_para(rng, 30), 2))
    w.add(f"minutes: {max(1, min(60, round(minutes)))}",
          f"setting: {_SETTINGS[index % len(_SETTINGS)]}",
          f"competencies: {sorted(rng.sample(range(1, 13), 3))}",
          f"tags: [{topic}, bench, generated]",
          "content_warnings: []",
          "language: en",
          'version: "1.0"',
          "sources:",
          '  - "Generated for the PeerScenarios benchmark"',
          "",
          "start: decision-1",
          "",
          "nodes:")
    return "\n".join(w.out + body.out) + "\n"


def generate_library(folder: Path, count: int, *, seed: int = SEED) -> list[Path]:
    """Write ``count`` scenarios into ``folder`` (created if needed); return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for i in range(count):
        path = folder / f"bench-{i:05d}.yaml"
        path.write_text(scenario_yaml(i, rng), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> int:
    """Command-line entry: write a generated library."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path, help="folder to write into")
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args()
    paths = generate_library(args.out, args.count, seed=args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} scenario(s), {size / 1e6:.1f} MB, to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
