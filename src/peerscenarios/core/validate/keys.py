"""The format's vocabulary: the keys each part of a scenario may have, and the id rule."""

from __future__ import annotations

import re

# Lowercase letters, digits and inner hyphens, at most 64 characters.
ID_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")

SCENARIO_KEYS = (
    "format", "id", "title", "summary", "minutes", "competencies", "tags",
    "content_warnings", "language", "version", "sources", "start", "nodes", "setting",
    "population",
)
SCENARIO_REQUIRED = ("format", "id", "title", "summary", "minutes", "competencies", "nodes")
NODE_KEYS = (
    "id", "text", "lines", "choices", "next", "ending", "reflect", "facilitator",
    "content_warnings", "allow_terms", "order",
)
# How a decision's responses are listed: shuffled per attempt (the default) or as written.
ORDER_VALUES = ("shuffled", "fixed")
LINE_KEYS = ("speaker", "text", "allow_terms")
CHOICE_KEYS = ("id", "text", "role", "competencies", "feedback", "next", "allow_terms")
CHOICE_REQUIRED = ("id", "text", "role", "next")
FEEDBACK_KEYS = ("why", "better")
ENDING_KEYS = ("title", "debrief")
PROMPT_KEYS = ("id", "prompt")
FACILITATOR_KEYS = ("notes", "discuss")
