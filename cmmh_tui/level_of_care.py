"""Level-of-care tools: dimensions, rating scales and levels for letters and screens."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Dimension:
    """One rated dimension of a level-of-care tool."""

    key: str
    name: str
    description: str


@dataclass(frozen=True)
class Tool:
    """A published level-of-care tool as the letter wizard presents it."""

    key: str
    name: str
    publisher: str
    population: str
    dimensions: tuple[Dimension, ...]
    rating_scale: tuple[tuple[int, str], ...]
    levels: tuple[tuple[str, str], ...]
    source: str


_FIVE_POINT_SCALE = (
    (1, "Minimal"),
    (2, "Low or mild"),
    (3, "Moderate"),
    (4, "Serious"),
    (5, "Extreme or severe"),
)
"""Ratings 1 to 5 shared by LOCUS, CALOCUS-CASII and ECSII. Each dimension of
those tools words its own anchors, so these labels are summaries."""

LOCUS = Tool(
    key="LOCUS",
    name="LOCUS, Level of Care Utilization System (adult version 20)",
    publisher="American Association for Community Psychiatry",
    population="Adults 18 and older",
    dimensions=(
        Dimension(
            "risk_of_harm",
            "Risk of harm",
            "How likely the person is to harm self or others, through suicidal or "
            "violent thinking and acts or through neglect.",
        ),
        Dimension(
            "functional_status",
            "Functional status",
            "How well the person manages work or school, relationships, daily "
            "tasks and self-care compared with their usual level.",
        ),
        Dimension(
            "comorbidity",
            "Medical, addictive and psychiatric co-morbidity",
            "How much co-occurring medical illness, substance use or other "
            "psychiatric conditions complicate the presenting problem.",
        ),
        Dimension(
            "recovery_environment_stress",
            "Recovery environment: level of stress",
            "How much stress the person's surroundings put on them, such as "
            "conflict, loss, danger or housing and money problems.",
        ),
        Dimension(
            "recovery_environment_support",
            "Recovery environment: level of support",
            "How much help family, friends, services and community can give the "
            "person in recovery.",
        ),
        Dimension(
            "treatment_recovery_history",
            "Treatment and recovery history",
            "How the person has responded to earlier treatment and how long "
            "earlier improvements lasted.",
        ),
        Dimension(
            "engagement",
            "Engagement and recovery status",
            "How far the person understands the condition, accepts treatment "
            "and works with the people treating them.",
        ),
    ),
    rating_scale=_FIVE_POINT_SCALE,
    levels=(
        ("1", "Recovery maintenance and health management"),
        ("2", "Low-intensity community-based services"),
        ("3", "High-intensity community-based services"),
        ("4", "Medically monitored non-residential services"),
        ("5", "Medically monitored residential services"),
        ("6", "Medically managed residential services"),
    ),
    source=(
        "LOCUS Adult Version 20, American Association of Community Psychiatrists, "
        "2016. Level names follow that manual; the rating labels summarise its "
        "per-dimension anchors."
    ),
)

CALOCUS_CASII = Tool(
    key="CALOCUS-CASII",
    name="CALOCUS-CASII, Child and Adolescent Level of Care/Service Intensity "
    "Utilization System",
    publisher="American Academy of Child and Adolescent Psychiatry with the "
    "American Association for Community Psychiatry",
    population="Children and adolescents aged 6 to 18",
    dimensions=(
        Dimension(
            "risk_of_harm",
            "Risk of harm",
            "How likely the young person is to be harmed or to harm others, "
            "including suicidal, violent or dangerous behavior and victimization.",
        ),
        Dimension(
            "functional_status",
            "Functional status",
            "How well the young person manages school, family, peers and "
            "self-care compared with what is expected at their age.",
        ),
        Dimension(
            "co_occurrence",
            "Co-occurrence of conditions",
            "How much developmental, medical, substance use and psychiatric "
            "conditions occur together and complicate each other.",
        ),
        Dimension(
            "environmental_stress",
            "Recovery environment: environmental stress",
            "How much stress home, school and community put on the young person.",
        ),
        Dimension(
            "environmental_support",
            "Recovery environment: environmental support",
            "How much family, school and community can support the young "
            "person's recovery.",
        ),
        Dimension(
            "resiliency",
            "Resiliency and response to services",
            "How the young person has coped with stress and responded to earlier "
            "services.",
        ),
        Dimension(
            "involvement_child",
            "Involvement in services: child or adolescent",
            "How far the young person understands the problem and takes part in "
            "treatment.",
        ),
        Dimension(
            "involvement_caregiver",
            "Involvement in services: parent or primary caregiver",
            "How far the parent or caregiver understands the problem and takes "
            "part in treatment.",
        ),
    ),
    rating_scale=_FIVE_POINT_SCALE,
    levels=(
        ("0", "Basic services: prevention and health promotion open to all"),
        ("1", "Recovery maintenance and health management"),
        ("2", "Outpatient services"),
        ("3", "Intensive outpatient services"),
        (
            "4",
            "Intensive integrated services without round-the-clock psychiatric "
            "monitoring",
        ),
        ("5", "Non-secure round-the-clock services with psychiatric monitoring"),
        ("6", "Secure round-the-clock services with psychiatric management"),
    ),
    source=(
        "CALOCUS-CASII, AACAP and AACP; ages 6 to 18 from AACAP's CALOCUS-CASII "
        "page. Dimension and level names are from general knowledge of the "
        "published tool: check this against the current CALOCUS-CASII manual."
    ),
)

ECSII = Tool(
    key="ECSII",
    name="ECSII, Early Childhood Service Intensity Instrument",
    publisher="American Academy of Child and Adolescent Psychiatry",
    population="Children from birth to age 5",
    dimensions=(
        Dimension(
            "degree_of_safety",
            "Degree of safety",
            "How safe and stable the child's surroundings and caretaking are.",
        ),
        Dimension(
            "child_caregiver_relationships",
            "Child-caregiver relationships",
            "How well the child and the main caregivers connect and respond to "
            "each other.",
        ),
        Dimension(
            "caregiving_environment",
            "Caregiving environment",
            "The strengths and stresses of the caregivers and the household "
            "around the child.",
        ),
        Dimension(
            "functional_developmental_status",
            "Functional/developmental status",
            "How the child is developing and functioning compared with what is "
            "expected at their age.",
        ),
        Dimension(
            "impact_of_condition",
            "Impact of the child's condition",
            "How much the child's emotional, behavioral or medical condition "
            "disrupts the child and the family.",
        ),
        Dimension(
            "services_profile",
            "Services profile",
            "How involved the caregiver and child are in services, how well the "
            "services fit and how well they have worked.",
        ),
    ),
    rating_scale=_FIVE_POINT_SCALE,
    levels=(
        ("0", "Basic services: prevention and health promotion open to all"),
        ("1", "Recovery maintenance and health management"),
        ("2", "Outpatient services"),
        ("3", "Intensive outpatient services"),
        (
            "4",
            "Intensive integrated services without round-the-clock psychiatric "
            "monitoring",
        ),
        ("5", "Non-secure round-the-clock services with psychiatric monitoring"),
        ("6", "Secure round-the-clock services with psychiatric management"),
    ),
    source=(
        "ECSII, AACAP; domain names as listed by Arizona AHCCCS's ECSII page. "
        "Service intensity levels are assumed to follow CALOCUS-CASII's 0 to 6 "
        "scale: check this against the ECSII manual."
    ),
)

_ASAM_3_SCALE = (
    (0, "No risk or difficulty"),
    (1, "Mild"),
    (2, "Moderate"),
    (3, "Significant"),
    (4, "Severe, imminent danger"),
)

ASAM_3 = Tool(
    key="ASAM-3",
    name="ASAM Criteria, 3rd edition",
    publisher="American Society of Addiction Medicine",
    population="Adults and adolescents with substance use and co-occurring conditions",
    dimensions=(
        Dimension(
            "intoxication_withdrawal",
            "Acute intoxication and/or withdrawal potential",
            "How dangerous current intoxication or withdrawal is, and how much "
            "monitoring withdrawal needs.",
        ),
        Dimension(
            "biomedical",
            "Biomedical conditions and complications",
            "Physical illnesses that complicate or are worsened by substance use "
            "and its treatment.",
        ),
        Dimension(
            "emotional_behavioral_cognitive",
            "Emotional, behavioral, or cognitive conditions and complications",
            "Psychiatric, behavioral and cognitive problems that affect safety "
            "and recovery.",
        ),
        Dimension(
            "readiness_to_change",
            "Readiness to change",
            "How ready and motivated the person is to change substance use.",
        ),
        Dimension(
            "relapse_potential",
            "Relapse, continued use, or continued problem potential",
            "How likely the person is to relapse or keep using, judged from "
            "history, cravings and coping skills.",
        ),
        Dimension(
            "recovery_environment",
            "Recovery/living environment",
            "Whether home, work, family and peers support recovery or undermine it.",
        ),
    ),
    rating_scale=_ASAM_3_SCALE,
    levels=(
        ("0.5", "Early intervention"),
        ("1", "Outpatient services"),
        ("2.1", "Intensive outpatient services"),
        ("2.5", "Partial hospitalization services"),
        ("3.1", "Clinically managed low-intensity residential services"),
        (
            "3.3",
            "Clinically managed population-specific high-intensity "
            "residential services",
        ),
        ("3.5", "Clinically managed high-intensity residential services"),
        ("3.7", "Medically monitored intensive inpatient services"),
        ("4", "Medically managed intensive inpatient services"),
        ("OTP", "Opioid treatment program"),
        (
            "1-WM",
            "Ambulatory withdrawal management without extended on-site monitoring",
        ),
        ("2-WM", "Ambulatory withdrawal management with extended on-site monitoring"),
        ("3.2-WM", "Clinically managed residential withdrawal management"),
        ("3.7-WM", "Medically monitored inpatient withdrawal management"),
        ("4-WM", "Medically managed intensive inpatient withdrawal management"),
    ),
    source=(
        "The ASAM Criteria, 3rd edition (Mee-Lee, ed.), American Society of "
        "Addiction Medicine, 2013: six dimensions rated 0 to 4. The rating labels "
        "summarise the edition's risk descriptions in other words."
    ),
)

# NOTE: the 4th edition's dimension names, rating scale and level list come
# from secondary summaries, not from the book itself, and its `source` states that.
ASAM_4 = Tool(
    key="ASAM-4",
    name="ASAM Criteria, 4th edition",
    publisher="American Society of Addiction Medicine",
    population="Adults with substance use and co-occurring conditions (the "
    "adolescent volume is separate)",
    dimensions=(
        Dimension(
            "intoxication_withdrawal_medications",
            "Intoxication, withdrawal, and addiction medications",
            "Risks from intoxication and withdrawal, and the person's need for "
            "medications for addiction.",
        ),
        Dimension(
            "biomedical",
            "Biomedical conditions",
            "Physical health problems that need care alongside addiction treatment.",
        ),
        Dimension(
            "psychiatric_cognitive",
            "Psychiatric and cognitive conditions",
            "Co-occurring psychiatric and cognitive conditions and how much "
            "mental health care they need.",
        ),
        Dimension(
            "substance_use_risks",
            "Substance use-related risks",
            "How likely risky substance use and related behaviors are to "
            "continue or return.",
        ),
        Dimension(
            "recovery_environment_interactions",
            "Recovery environment interactions",
            "How the person's surroundings, relationships and supports affect "
            "safety, functioning and recovery.",
        ),
        Dimension(
            "person_centered",
            "Person-centered considerations",
            "The person's preferences, barriers to care and need for motivational "
            "support.",
        ),
    ),
    rating_scale=(
        (0, "No specific needs"),
        (1, "Mild"),
        (2, "Moderate"),
        (3, "Severe"),
        (4, "Very severe"),
    ),
    levels=(
        ("1.0", "Long-term remission monitoring"),
        ("1.5", "Outpatient therapy"),
        ("1.7", "Medically managed outpatient"),
        ("2.1", "Intensive outpatient"),
        ("2.5", "High-intensity outpatient"),
        ("2.7", "Medically managed intensive outpatient"),
        ("3.1", "Clinically managed low-intensity residential"),
        ("3.5", "Clinically managed high-intensity residential"),
        ("3.7", "Medically managed residential"),
        ("4.0", "Medically managed inpatient"),
    ),
    source=(
        "The ASAM Criteria, 4th edition, American Society of Addiction Medicine, "
        "2023. Dimension names, the 0 to 4 risk ratings and the levels are taken "
        "from secondary summaries and were not verified in the book: check this "
        "against the ASAM Criteria, 4th edition."
    ),
)

TOOLS: dict[str, Tool] = {
    tool.key: tool for tool in (LOCUS, CALOCUS_CASII, ECSII, ASAM_3, ASAM_4)
}
"""Every tool by key: LOCUS, CALOCUS-CASII, ECSII, ASAM-3 and ASAM-4."""


def tool_for(tool: str | None, edition: str | None = None) -> Tool | None:
    """Find the tool named by a case's `assessment.tool` and `assessment.edition`.

    "ASAM" without an edition means the 3rd edition. A tool key such as "ASAM-4"
    is accepted too. Returns None for a missing or unknown tool or edition.
    """
    if not tool:
        return None
    name = tool.strip().upper()
    if name == "ASAM":
        chosen_edition = (edition or "3rd").strip().lower()
        name = {"3rd": "ASAM-3", "3": "ASAM-3", "4th": "ASAM-4", "4": "ASAM-4"}.get(
            chosen_edition, ""
        )
    return TOOLS.get(name)


def find_level(tool: Tool, code: str) -> tuple[str, str] | None:
    """Find a level by the code stored in `recommended_level`.

    Matching ignores case, a leading "Level" and a trailing ".0", so "4", "4.0"
    and "Level 4" all find level 4.
    """
    requested = _level_key(code)
    for level in tool.levels:
        if _level_key(level[0]) == requested:
            return level
    return None


def _level_key(code: str) -> str:
    text = code.strip().upper().removeprefix("LEVEL").strip()
    return re.sub(r"\.0(?=$|-)", "", text)


_DIMENSION_ALIASES: dict[tuple[str, str], tuple[str, ...]] = {
    ("LOCUS", "comorbidity"): ("co-morbidity", "comorbidity"),
    ("LOCUS", "recovery_environment_stress"): ("level of stress", "stress"),
    ("LOCUS", "recovery_environment_support"): ("level of support", "support"),
    ("LOCUS", "treatment_recovery_history"): ("recovery history",),
    ("LOCUS", "engagement"): ("engagement",),
    ("CALOCUS-CASII", "environmental_stress"): ("environmental stress", "stress"),
    ("CALOCUS-CASII", "environmental_support"): ("environmental support", "support"),
    ("CALOCUS-CASII", "resiliency"): (
        "resiliency and treatment history",
        "resiliency",
    ),
    ("CALOCUS-CASII", "involvement_child"): (
        "acceptance and engagement child",
        "child involvement",
        "child engagement",
    ),
    ("CALOCUS-CASII", "involvement_caregiver"): (
        "acceptance and engagement parent",
        "parent involvement",
        "caregiver involvement",
        "parent engagement",
    ),
    ("ASAM-3", "recovery_environment"): ("recovery environment", "living environment"),
    ("ASAM-3", "relapse_potential"): ("relapse potential",),
    ("ASAM-4", "substance_use_risks"): ("substance use risks",),
}
"""Other names clinicians and earlier versions of the tools use for a dimension."""

_STOP_WORDS = frozenset(
    "a an and or the of in to for with its his her their dimension".split()
)

_SPELLINGS = {"behavioural": "behavioral", "behaviour": "behavior"}

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6}


def _words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", plain.lower().replace("and/or", "or"))
    return [_SPELLINGS.get(word, word) for word in words]


def _content_words(text: str) -> frozenset[str]:
    return frozenset(
        word.removesuffix("s") for word in _words(text) if word not in _STOP_WORDS
    )


def _dimension_by_number(tool: Tool, name: str) -> Dimension | None:
    """Match names such as "Dimension 5", "D5", "IV-A" or "4b" by position.

    LOCUS and CALOCUS-CASII number their environment ratings IV-A and IV-B, and
    CALOCUS-CASII its involvement ratings VI-A and VI-B, so the positions of
    their later dimensions shift by one.
    """
    match = re.fullmatch(
        r"(?:dimension|dim|d)?\s*([0-9]|[ivx]+)\s*-?\s*([ab])?",
        name.strip().lower(),
    )
    if match is None:
        return None
    number_text, part = match.groups()
    number = int(number_text) if number_text.isdigit() else _ROMAN.get(number_text)
    if number is None:
        return None
    numbered = _numbered_positions(tool)
    index = numbered.get((number, part or ""))
    if index is None:
        return None
    return tool.dimensions[index]


def _numbered_positions(tool: Tool) -> dict[tuple[int, str], int]:
    split = {"LOCUS": {4}, "CALOCUS-CASII": {4, 6}}.get(tool.key, set())
    positions: dict[tuple[int, str], int] = {}
    index = 0
    for number in range(1, 7):
        if number in split:
            positions[(number, "a")] = index
            positions[(number, "b")] = index + 1
            index += 2
        else:
            positions[(number, "")] = index
            index += 1
    return positions


def match_dimension(tool: Tool, name: str) -> Dimension | None:
    """Find the tool's dimension that a stored dimension name refers to.

    Case files spell dimensions in many ways ("Recovery environment",
    "Relapse, continued use or continued problem potential", "Dimension 5",
    "IV-A"). Matching tries the key, the name and known other names, then the
    dimension number, then the largest share of shared words. Returns None when
    nothing matches or two dimensions match equally well, such as "Recovery
    environment" for LOCUS, which rates stress and support separately.
    """
    if not name.strip():
        return None
    requested = " ".join(_words(name))
    for dimension in tool.dimensions:
        names = (
            dimension.key.replace("_", " "),
            dimension.name,
            *_DIMENSION_ALIASES.get((tool.key, dimension.key), ()),
        )
        if any(" ".join(_words(candidate)) == requested for candidate in names):
            return dimension
    by_number = _dimension_by_number(tool, name)
    if by_number is not None:
        return by_number
    return _best_word_match(tool, name)


def _best_word_match(tool: Tool, name: str) -> Dimension | None:
    requested = _content_words(name)
    if not requested:
        return None
    scored: list[tuple[float, Dimension]] = []
    for dimension in tool.dimensions:
        best = 0.0
        names = (
            dimension.name,
            *_DIMENSION_ALIASES.get((tool.key, dimension.key), ()),
        )
        for candidate in names:
            words = _content_words(candidate)
            shared = len(requested & words)
            if shared:
                best = max(best, shared / len(requested | words))
        scored.append((best, dimension))
    scored.sort(key=lambda item: item[0], reverse=True)
    top_score, top = scored[0]
    # At least half the words must be shared, and a tie means the name is
    # ambiguous between dimensions.
    if top_score < 0.5 or (len(scored) > 1 and scored[1][0] == top_score):
        return None
    return top
