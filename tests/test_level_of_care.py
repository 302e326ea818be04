"""Tests for the level-of-care tool catalog and dimension matching."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from cmmh_tui.level_of_care import TOOLS, find_level, match_dimension, tool_for
from cmmh_tui.schema import ASAM_EDITIONS, ASSESSMENT_TOOLS

STORED_ASAM_3_NAMES = (
    "Acute intoxication and withdrawal potential",
    "Biomedical conditions and complications",
    "Emotional, behavioral or cognitive conditions",
    "Readiness to change",
    "Relapse, continued use or continued problem potential",
    "Recovery environment",
)
"""Dimension names as a clinician typed them in a residential SUD case file."""


def assessments(cases_dir: Path) -> list[tuple[str, dict]]:
    found = []
    for path in sorted(cases_dir.glob("*.toml")):
        data = tomllib.loads(path.read_text())
        if "assessment" in data:
            found.append((path.name, data["assessment"]))
    return found


def test_sample_cases_include_assessments(cases_dir):
    assert len(assessments(cases_dir)) >= 2


def test_case_assessments_map_to_tools(cases_dir):
    for name, assessment in assessments(cases_dir):
        tool = tool_for(assessment["tool"], assessment.get("edition"))
        assert tool is not None, name


def test_case_dimensions_match(cases_dir):
    for name, assessment in assessments(cases_dir):
        tool = tool_for(assessment["tool"], assessment.get("edition"))
        for row in assessment.get("dimensions", []):
            assert match_dimension(tool, row["name"]) is not None, (name, row)


def test_case_recommended_levels_exist(cases_dir):
    for name, assessment in assessments(cases_dir):
        tool = tool_for(assessment["tool"], assessment.get("edition"))
        codes = [code for code, _ in tool.levels]
        assert assessment["recommended_level"] in codes, name


def test_case_ratings_on_tool_scale(cases_dir):
    for name, assessment in assessments(cases_dir):
        tool = tool_for(assessment["tool"], assessment.get("edition"))
        allowed = {rating for rating, _ in tool.rating_scale}
        for row in assessment.get("dimensions", []):
            assert row["rating"] in allowed, (name, row)


def test_typed_asam_names_match_distinct():
    tool = tool_for("ASAM", "3rd")
    keys = [match_dimension(tool, name).key for name in STORED_ASAM_3_NAMES]
    assert len(set(keys)) == len(tool.dimensions)


def test_typed_asam_names_match_in_order():
    tool = tool_for("ASAM", "3rd")
    for name, dimension in zip(STORED_ASAM_3_NAMES, tool.dimensions, strict=True):
        assert match_dimension(tool, name) == dimension, name


def test_every_schema_tool_and_edition_maps():
    for name in ASSESSMENT_TOOLS:
        for edition in (None, *ASAM_EDITIONS):
            assert tool_for(name, edition) is not None, (name, edition)


def test_tool_for_asam_editions():
    assert tool_for("ASAM").key == "ASAM-3"
    assert tool_for("ASAM", "3rd").key == "ASAM-3"
    assert tool_for("ASAM", "4th").key == "ASAM-4"
    assert tool_for("asam", " 4th ").key == "ASAM-4"


def test_tool_for_keys_and_unknowns():
    assert tool_for("ASAM-4").key == "ASAM-4"
    assert tool_for("calocus-casii").key == "CALOCUS-CASII"
    assert tool_for(None) is None
    assert tool_for("") is None
    assert tool_for("InterQual") is None
    assert tool_for("ASAM", "5th") is None


def test_tool_keys_match_dict_keys():
    for key, tool in TOOLS.items():
        assert tool.key == key


@pytest.mark.parametrize("key", sorted(TOOLS))
def test_tool_content_complete(key):
    tool = TOOLS[key]
    assert tool.name
    assert tool.publisher
    assert tool.population
    assert tool.source
    assert tool.rating_scale
    assert tool.levels
    for dimension in tool.dimensions:
        assert dimension.description.endswith(".")


@pytest.mark.parametrize("key", sorted(TOOLS))
def test_tool_keys_unique(key):
    tool = TOOLS[key]
    dimension_keys = [dimension.key for dimension in tool.dimensions]
    level_codes = [code for code, _ in tool.levels]
    assert len(set(dimension_keys)) == len(dimension_keys)
    assert len(set(level_codes)) == len(level_codes)


@pytest.mark.parametrize("key", sorted(TOOLS))
def test_dimension_matches_own_name(key):
    tool = TOOLS[key]
    for dimension in tool.dimensions:
        assert match_dimension(tool, dimension.name) == dimension
        assert match_dimension(tool, dimension.name.upper()) == dimension
        assert match_dimension(tool, dimension.key) == dimension


def test_locus_shape():
    locus = TOOLS["LOCUS"]
    assert len(locus.dimensions) == 7
    assert [code for code, _ in locus.levels] == ["1", "2", "3", "4", "5", "6"]
    assert [rating for rating, _ in locus.rating_scale] == [1, 2, 3, 4, 5]


def test_calocus_shape():
    calocus = TOOLS["CALOCUS-CASII"]
    assert len(calocus.dimensions) == 8
    assert [code for code, _ in calocus.levels] == [str(n) for n in range(7)]


def test_ecsii_shape():
    ecsii = TOOLS["ECSII"]
    assert len(ecsii.dimensions) == 6
    assert [rating for rating, _ in ecsii.rating_scale] == [1, 2, 3, 4, 5]


def test_asam_3_shape():
    asam = TOOLS["ASAM-3"]
    codes = [code for code, _ in asam.levels]
    assert len(asam.dimensions) == 6
    assert [rating for rating, _ in asam.rating_scale] == [0, 1, 2, 3, 4]
    for code in ("0.5", "1", "2.1", "2.5", "3.1", "3.3", "3.5", "3.7", "4", "OTP"):
        assert code in codes, code


def test_asam_4_flags_unverified_source():
    asam = TOOLS["ASAM-4"]
    assert len(asam.dimensions) == 6
    assert "check this against the ASAM Criteria, 4th edition" in asam.source


def test_locus_environment_name_ambiguous():
    assert match_dimension(TOOLS["LOCUS"], "Recovery environment") is None


def test_locus_environment_parts_match():
    locus = TOOLS["LOCUS"]
    assert match_dimension(locus, "Level of stress").key == (
        "recovery_environment_stress"
    )
    assert match_dimension(locus, "Recovery environment - support").key == (
        "recovery_environment_support"
    )
    assert match_dimension(locus, "IV-A").key == "recovery_environment_stress"
    assert match_dimension(locus, "Dimension IVb").key == (
        "recovery_environment_support"
    )


def test_match_by_number():
    assert match_dimension(TOOLS["ASAM-3"], "Dimension 5").key == "relapse_potential"
    assert match_dimension(TOOLS["ASAM-3"], "D6").key == "recovery_environment"
    assert match_dimension(TOOLS["LOCUS"], "V").key == "treatment_recovery_history"
    assert match_dimension(TOOLS["CALOCUS-CASII"], "VI-B").key == (
        "involvement_caregiver"
    )
    assert match_dimension(TOOLS["LOCUS"], "4") is None


def test_match_spelling_variants():
    asam = TOOLS["ASAM-3"]
    assert match_dimension(asam, "Emotional, behavioural or cognitive").key == (
        "emotional_behavioral_cognitive"
    )
    assert match_dimension(asam, "Acute intoxication/withdrawal").key == (
        "intoxication_withdrawal"
    )


def test_match_rejects_unrelated():
    assert match_dimension(TOOLS["ASAM-3"], "Favourite colour") is None
    assert match_dimension(TOOLS["ASAM-3"], "") is None
    assert match_dimension(TOOLS["ASAM-3"], "  ") is None


def test_find_level_tolerates_forms():
    asam_4 = TOOLS["ASAM-4"]
    assert find_level(asam_4, "4") == ("4.0", "Medically managed inpatient")
    assert find_level(TOOLS["ASAM-3"], "Level 3.7")[0] == "3.7"
    assert find_level(TOOLS["ASAM-3"], "4.0")[0] == "4"
    assert find_level(TOOLS["ASAM-3"], "otp")[0] == "OTP"
    assert find_level(TOOLS["ASAM-3"], "3.2-wm")[0] == "3.2-WM"
    assert find_level(TOOLS["LOCUS"], "7") is None


def test_module_does_not_import_textual():
    code = "import sys, cmmh_tui.level_of_care; print('textual' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
