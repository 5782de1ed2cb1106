"""The role and competency taxonomy that scenarios are tagged with."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """The role a response reflects: peer-aligned, or one kind of drift away from it."""

    # The values are written in scenario files and stored with every recorded choice:
    # never rename one (reports show an unknown stored tag as it is); add a role instead.
    PEER = "peer-aligned"
    CLINICAL = "clinical-drift"
    CASE_MANAGEMENT = "case-management-drift"
    SINGLE_PATHWAY = "single-pathway-drift"
    DIRECTIVE = "directive-drift"
    AUTHORITY = "authority-drift"
    SELF_DISCLOSURE = "self-disclosure-misuse"
    BOUNDARY = "boundary-slip"
    SAFETY = "safety-lapse"

    @property
    def label(self) -> str:
        """Plain-language name shown to trainees."""
        return ROLE_INFO[self].label

    @property
    def is_drift(self) -> bool:
        """True for every role except peer-aligned."""
        return self is not Role.PEER


@dataclass(frozen=True, slots=True)
class RoleInfo:
    """How a role is named and explained in the app."""

    label: str
    short: str
    # Shown with the label wherever a role appears, so its meaning never rests on colour.
    symbol: str
    sounds_like: str
    why_it_matters: str
    # Lowercase stems matched as substrings when the lint checks that a drift's feedback
    # names its role (PS102): 'diagnos' covers diagnose, diagnosis and diagnosing.
    keywords: tuple[str, ...]


ROLE_INFO: dict[Role, RoleInfo] = {
    Role.PEER: RoleInfo(
        label="Peer-aligned",
        short="Peer",
        symbol="✓",
        sounds_like="Shares a little lived experience, asks what the person wants, offers choices.",
        why_it_matters="Connection, hope and the person's own choices: the role as intended.",
        keywords=("peer", "mutual", "choice", "lived experience", "hope", "equal", "strength"),
    ),
    Role.CLINICAL: RoleInfo(
        label="Clinical drift",
        short="Clinical",
        symbol="✚",
        sounds_like="Diagnoses, assesses symptoms, advises on medication, uses clinical jargon.",
        why_it_matters="Peers do not diagnose, treat or give medical advice.",
        keywords=("clinic", "diagnos", "medical", "medication", "therap", "treat", "prescri",
                  "symptom", "doctor", "label"),
    ),
    Role.CASE_MANAGEMENT: RoleInfo(
        label="Case-management drift",
        short="Case management",
        symbol="▣",
        sounds_like="Does the task for the person or coordinates services on their behalf.",
        why_it_matters="Doing-for takes away the person's own growth; peers teach and accompany.",
        keywords=("case manag", "for them", "for her", "for him", "doing-for", "doing it for",
                  "on their behalf", "on her behalf", "on his behalf", "coordinat", "takes over",
                  "take over", "hand"),
    ),
    Role.SINGLE_PATHWAY: RoleInfo(
        label="Sponsor / single-pathway drift",
        short="Single pathway",
        symbol="⇥",
        sounds_like="Prescribes one recovery path as the only right one.",
        why_it_matters="Peers support many pathways; the person chooses theirs.",
        keywords=("sponsor", "pathway", "one path", "one way", "only way", "steps", "abstinen"),
    ),
    Role.DIRECTIVE: RoleInfo(
        label="Directive or coercive drift",
        short="Directive",
        symbol="!",
        sounds_like="Commands the person in the peer's own voice: \"you need to...\", "
                    "\"promise me\", pushing them toward a step they have not chosen.",
        why_it_matters="The person decides; peers never force or coerce, and speak up for "
                       "choice.",
        keywords=("direct", "coerc", "pressur", "must", "force", "tell", "telling", "order",
                  "push", "threat", "insist"),
    ),
    Role.AUTHORITY: RoleInfo(
        label="Authority / program drift",
        short="Authority",
        symbol="▲",
        sounds_like="Speaks for the program or as the expert: its rules over the person's "
                    "goals, warnings of what will happen to them if they don't comply, "
                    "motivation through fear.",
        why_it_matters="Peers advocate for the person, inside and outside the program, and "
                       "motivate through hope, not fear.",
        keywords=("authorit", "program", "rule", "expert", "fear", "policy", "agency", "staff",
                  "team"),
    ),
    Role.SELF_DISCLOSURE: RoleInfo(
        label="Self-disclosure misuse",
        short="Self-disclosure",
        symbol="◉",
        sounds_like="Tells own story at length, centers self, compares, shares graphic detail.",
        why_it_matters="Lived experience is shared briefly, for the other person's benefit.",
        keywords=("disclos", "your own story", "your story", "your experience", "about you",
                  "centre", "center", "spotlight", "compar", "detail"),
    ),
    Role.BOUNDARY: RoleInfo(
        label="Boundary or ethics slip",
        short="Boundary",
        symbol="⚠",
        sounds_like="Breaks confidentiality, lends money, accepts gifts that bind, blurs "
                    "friendship or romance, is available at any hour.",
        why_it_matters="The relationship has to stay safe and clear for both people.",
        keywords=("boundar", "confidential", "ethic", "privacy", "friend", "money", "loan",
                  "lend", "dual", "gossip", "trust", "gift"),
    ),
    # Its own kind, not a boundary slip: keeping a risk secret or walking away from
    # someone in danger is a different mistake from oversharing or lending money,
    # and the remedy (stay, say honestly what you must share) is different too.
    Role.SAFETY: RoleInfo(
        label="Safety lapse",
        short="Safety",
        symbol="✖",
        sounds_like="Lets someone at risk walk out alone, promises secrecy about a risk, "
                    "reassures falsely, skips naloxone or 988.",
        why_it_matters="Safety comes first, honestly: stay with the person and say plainly "
                       "what you must share and why.",
        keywords=("safe", "risk", "alone", "secret", "988", "naloxone", "overdose", "crisis",
                  "promise", "reassur", "walk out", "suicid", "danger"),
    ),
}


@dataclass(frozen=True, slots=True)
class Competency:
    """One of SAMHSA's twelve core competencies for peer workers."""

    number: int
    title: str
    # SAMHSA's titles run to 75 characters: a table cell, a filter or a chart shows the
    # number and this short name, and the full title goes in tooltips and details.
    # Short enough that a scenario's three or four fit one table cell at 1366 pixels.
    short: str


# SAMHSA's Core Competencies for Peer Workers, numbered as published. Scenario files
# name them by number, so a number never changes meaning.
COMPETENCIES: dict[int, Competency] = {
    c.number: c
    for c in (
        Competency(1, "Engages peers in collaborative and caring relationships",
                   "Relationships"),
        Competency(2, "Provides support", "Support"),
        Competency(3, "Shares lived experiences of recovery", "Lived experience"),
        Competency(4, "Personalizes peer support", "Tailored support"),
        Competency(5, "Supports recovery planning", "Recovery planning"),
        Competency(6, "Links to resources, services, and supports", "Resources"),
        Competency(
            7, "Provides information about skills related to health, wellness, and recovery",
            "Wellness skills",
        ),
        Competency(8, "Helps peers to manage crises", "Crisis support"),
        Competency(9, "Values communication", "Communication"),
        Competency(10, "Supports collaboration and teamwork", "Teamwork"),
        Competency(11, "Promotes leadership and advocacy", "Advocacy"),
        Competency(12, "Promotes growth and development", "Growth"),
    )
}

@dataclass(frozen=True, slots=True)
class Term:
    """One entry of a documented list (settings, populations): its id and plain name."""

    id: str
    label: str


# Where a scenario takes place. A fixed list (docs/scenario-format.md) so that the
# Library can filter on it and `validate --coverage` can count settings; add an
# entry here (and to the schema and the doc) rather than inventing one in a file.
SETTINGS: dict[str, Term] = {
    t.id: t
    for t in (
        Term("outpatient-clinic", "Outpatient clinic"),
        Term("primary-care", "Primary care or integrated health clinic"),
        Term("peer-center", "Peer-run or recovery community center"),
        Term("emergency-department", "Emergency department"),
        Term("inpatient-unit", "Inpatient unit"),
        Term("residential-treatment", "Residential treatment"),
        Term("recovery-residence", "Recovery residence or sober living"),
        Term("supportive-housing", "Supportive housing or shelter"),
        Term("street-outreach", "Street outreach"),
        Term("home-visit", "At the person's home"),
        Term("warmline", "Warmline or crisis line (phone or text)"),
        Term("telehealth", "Telehealth (video call)"),
        Term("jail-reentry", "Jail, prison or reentry"),
        Term("court-probation", "Drug court or probation"),
        Term("school-youth", "School, college or youth program"),
        Term("rural-community", "Rural community"),
        Term("tribal-community", "Tribal community"),
        Term("veterans-services", "Veterans services"),
        Term("team-meeting", "Team meeting or workplace"),
        Term("community", "Community space (café, park, mutual-aid meeting)"),
    )
}

# Who the people in a scenario are, for coverage and filtering; a scenario may list
# several. Person-first wording in the labels, as in the scenarios themselves.
POPULATIONS: dict[str, Term] = {
    t.id: t
    for t in (
        Term("adults", "Adults"),
        Term("young-adults", "Young adults (18 to 25)"),
        Term("youth", "Young people under 18"),
        Term("older-adults", "Older adults"),
        Term("families", "Families and caregivers"),
        Term("parents", "Parents"),
        Term("veterans", "Veterans"),
        Term("lgbtq", "LGBTQ+ people"),
        Term("native", "American Indian and Alaska Native people"),
        Term("justice-involved", "People involved with the justice system"),
        Term("unhoused", "People without stable housing"),
        Term("people-who-use-drugs", "People who currently use drugs"),
        Term("peer-workers", "Peer workers themselves"),
        Term("immigrants", "Immigrants and people new to the country"),
    )
}


# The range of one choice's effect on a competency; the validator and the schema read these.
EFFECT_MIN = -2
EFFECT_MAX = 2


def role_from_tag(tag: str) -> Role | None:
    """Return the role for a tag as written in a scenario file, or None if unknown."""
    try:
        return Role(tag)
    except ValueError:
        return None
