"""Level-of-care assessment step: pick a tool, rate its dimensions, pick the level.

Ratings are stored as `[[assessment.dimensions]]` rows of {name, rating,
rationale}. A stored row fills the tool dimension that `match_dimension` finds
for its name. Rows that match no dimension of the chosen tool, such as ratings
made with another tool, are listed under their own heading. They are kept until
the user removes them, so changing the tool loses nothing.
"""

from __future__ import annotations

from typing import Any

from cmmh_tui.screens.wizard_draft import Draft, field_for, parse_text
from cmmh_tui.screens.wizard_fields import (
    EMPTY_PLACEHOLDER,
    FieldEdited,
    FieldEditor,
    describe_problem,
)
from cmmh_tui.screens.wizard_steps import StepPanel
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Select, TextArea

from cmmh_tui.level_of_care import (
    Dimension,
    Tool,
    match_dimension,
    tool_for,
)
from cmmh_tui.validation import Problem

DIMENSIONS = "assessment.dimensions"

TOOL_CHOICES = (
    ("LOCUS", None),
    ("CALOCUS-CASII", None),
    ("ECSII", None),
    ("ASAM", "3rd"),
    ("ASAM", "4th"),
)
"""Tool and edition pairs offered, in the order shown."""


def tool_choice_key(tool: str | None, edition: str | None) -> str:
    """Return the Select value for a stored tool and edition."""
    if tool == "ASAM":
        return f"ASAM {edition or '3rd'}"
    return tool or ""


def _tool_options() -> list[tuple[str, str]]:
    options = []
    for key, edition in TOOL_CHOICES:
        tool = tool_for(key, edition)
        name = f"ASAM Criteria, {edition} edition" if edition else key
        population = f" ({tool.population})" if tool else ""
        options.append((f"{name}{population}", tool_choice_key(key, edition)))
    return options


def match_rows(tool: Tool | None, rows: list[dict[str, Any]]) -> tuple[dict, list]:
    """Pair stored rows with the tool's dimensions.

    Returns:
        A map of dimension key to row index, and the indices of rows that
        match no dimension (or a dimension already taken by an earlier row).
    """
    matched: dict[str, int] = {}
    unmatched: list[int] = []
    for index, row in enumerate(rows):
        dimension = match_dimension(tool, str(row.get("name", ""))) if tool else None
        if dimension is None or dimension.key in matched:
            unmatched.append(index)
        else:
            matched[dimension.key] = index
    return matched, unmatched


class DimensionEditor(Vertical):
    """The rating and rationale of one dimension of the chosen tool."""

    def __init__(
        self, draft: Draft, tool: Tool, dimension: Dimension, index: int | None
    ) -> None:
        super().__init__(classes="dimension")
        self.draft = draft
        self.tool = tool
        self.dimension = dimension
        self.index = index

    def compose(self) -> ComposeResult:
        row = self._row()
        number = self.tool.dimensions.index(self.dimension) + 1
        yield Label(f"{number}. {self.dimension.name}", classes="row-title")
        yield Label(self.dimension.description, classes="section-doc")
        options = [
            (f"{value}: {label}", value) for value, label in self.tool.rating_scale
        ]
        rating = row.get("rating")
        if rating is not None and rating not in [value for _, value in options]:
            options.append((f"{rating} (as saved)", rating))
        with Horizontal(classes="field-line"):
            yield Label("Rating", classes="field-label")
            yield Select(
                options,
                value=rating if rating is not None else Select.NULL,
                prompt="(not rated)",
                compact=True,
                classes="dimension-rating",
            )
        with Horizontal(classes="field-line"):
            yield Label("Rationale", classes="field-label")
            yield TextArea(
                self._rationale_text(),
                compact=True,
                tab_behavior="focus",
                placeholder=EMPTY_PLACEHOLDER,
                classes="dimension-rationale -long",
            )
        yield Label("", classes="field-message")

    def on_mount(self) -> None:
        if self.index is not None:
            path = f"{DIMENSIONS}.{self.index}.rationale"
            if self.draft.raw_text(path) is not None:
                problem = parse_text(field_for(path), self._rationale_text())[1]
                self._show_problem(problem)

    def _rationale_text(self) -> str:
        if self.index is not None:
            raw = self.draft.raw_text(f"{DIMENSIONS}.{self.index}.rationale")
            if raw is not None:
                return raw
        return str(self._row().get("rationale", ""))

    def _show_problem(self, problem: Problem | None) -> None:
        message, style = describe_problem(problem)
        label = self.query_one(".field-message", Label)
        label.update(message)
        label.set_classes(f"field-message {style}".strip())
        label.display = bool(message)

    def _row(self) -> dict[str, Any]:
        if self.index is None:
            return {}
        return self.draft.rows(DIMENSIONS)[self.index]

    def _ensure_row(self) -> int:
        if self.index is None:
            self.index = self.draft.add_row(DIMENSIONS, {"name": self.dimension.name})
        return self.index

    @on(Select.Changed, ".dimension-rating")
    def _rated(self, event: Select.Changed) -> None:
        event.stop()
        value = None if event.value is Select.NULL else event.value
        if value == self._row().get("rating"):
            return
        index = self._ensure_row()
        self.draft.apply_value(f"{DIMENSIONS}.{index}.rating", value)
        self.post_message(FieldEdited(DIMENSIONS))

    @on(TextArea.Changed, ".dimension-rationale")
    def _explained(self, event: TextArea.Changed) -> None:
        event.stop()
        if event.text_area.text == self._rationale_text():
            return
        index = self._ensure_row()
        path = f"{DIMENSIONS}.{index}.rationale"
        self._show_problem(self.draft.apply_text(path, event.text_area.text))
        self.post_message(FieldEdited(DIMENSIONS))


class AssessmentPanel(StepPanel):
    """Tool, date, one editor per dimension, the recommended level, other ratings."""

    def tool(self) -> Tool | None:
        """Return the tool the case names, if known."""
        return tool_for(
            self.draft.value("assessment.tool"), self.draft.value("assessment.edition")
        )

    def compose(self) -> ComposeResult:
        tool = self.tool()
        chosen = tool_choice_key(
            self.draft.value("assessment.tool"), self.draft.value("assessment.edition")
        )
        yield Label("Level-of-care assessment", classes="section-title")
        with Horizontal(classes="field-line"):
            yield Label("Tool", classes="field-label")
            yield Select(
                _tool_options(),
                value=chosen if tool else Select.NULL,
                prompt="(choose a tool)",
                compact=True,
                id="assessment-tool",
            )
        yield FieldEditor(self.draft, "assessment.date")
        if tool is None:
            yield Label("Choose a tool to rate its dimensions.", classes="section-doc")
        else:
            yield Label(f"{tool.name}. {tool.publisher}.", classes="section-doc")
        rows = self.draft.rows(DIMENSIONS)
        matched, unmatched = match_rows(tool, rows)
        if tool is not None:
            for dimension in tool.dimensions:
                yield DimensionEditor(
                    self.draft, tool, dimension, matched.get(dimension.key)
                )
        yield from self._level_select(tool)
        if unmatched:
            name = tool.key if tool else "a tool"
            yield Label(f"Ratings not matched to {name}", classes="section-title")
            yield Label(
                "Kept as saved. Remove a rating that no longer applies.",
                classes="section-doc",
            )
            for index in unmatched:
                yield from self._other_rating(index)

    def _level_select(self, tool: Tool | None) -> ComposeResult:
        stored = self.draft.value("assessment.recommended_level")
        if tool is None:
            yield FieldEditor(self.draft, "assessment.recommended_level")
            return
        options = [(f"{code}: {label}", code) for code, label in tool.levels]
        value: Any = Select.NULL
        if stored:
            # Only an exact level code is shown as that level; anything else,
            # such as "Level 4" typed before the tool was chosen, shows as saved.
            if str(stored) not in [code for code, _ in tool.levels]:
                options.append((f"{stored} (as saved)", str(stored)))
            value = str(stored)
        with Horizontal(classes="field-line"):
            yield Label("Recommended level", classes="field-label")
            yield Select(
                options,
                value=value,
                prompt="(not chosen)",
                compact=True,
                id="assessment-level",
            )

    def _other_rating(self, index: int) -> ComposeResult:
        with Vertical(classes="row"):
            for key in ("name", "rating", "rationale"):
                yield FieldEditor(self.draft, f"{DIMENSIONS}.{index}.{key}")
            button = Button("Remove this rating", compact=True, classes="remove-rating")
            button.row_index = index  # type: ignore[attr-defined]
            yield button

    @on(Select.Changed, "#assessment-tool")
    async def _tool_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.value is Select.NULL:
            return
        tool, _, edition = str(event.value).partition(" ")
        if (tool, edition or None) == (
            self.draft.value("assessment.tool"),
            self.draft.value("assessment.edition"),
        ):
            return
        for editor in self.query(FieldEditor):
            editor.flush()
        previous_tool = self.draft.value("assessment.tool")
        level = self.draft.value("assessment.recommended_level")
        self.draft.apply_value("assessment.tool", tool)
        self.draft.apply_value("assessment.edition", edition or None)
        if previous_tool and level:
            # The same level number means different care in another tool.
            self.draft.apply_value("assessment.recommended_level", None)
            self.notify(
                f"Cleared the recommended level {level}, which was chosen on "
                f"{previous_tool}; choose the level again on {tool}.",
                title="Level cleared",
            )
        await self.recompose()
        self.post_message(FieldEdited("assessment.tool"))
        _, unmatched = match_rows(self.tool(), self.draft.rows(DIMENSIONS))
        if unmatched:
            self.notify(
                f"Kept {len(unmatched)} rating(s) that do not match {tool}; they are "
                "listed under 'Ratings not matched'.",
                title="Ratings kept",
            )
        self.query_one("#assessment-tool").focus()

    @on(Select.Changed, "#assessment-level")
    def _level_changed(self, event: Select.Changed) -> None:
        event.stop()
        value = None if event.value is Select.NULL else str(event.value)
        stored = self.draft.value("assessment.recommended_level")
        if value == (None if stored is None else str(stored)):
            return
        self.draft.apply_value("assessment.recommended_level", value)
        self.post_message(FieldEdited("assessment.recommended_level"))

    @on(Button.Pressed, ".remove-rating")
    async def _remove_rating(self, event: Button.Pressed) -> None:
        event.stop()
        for editor in self.query(FieldEditor):
            editor.flush()
        self.draft.remove_row(DIMENSIONS, event.button.row_index)  # type: ignore[attr-defined]
        await self.recompose()
        self.post_message(FieldEdited(DIMENSIONS))
        self.notify("Removed the rating.", title="Removed")
