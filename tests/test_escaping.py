"""Tests of Markdown escaping for clinician text."""

from __future__ import annotations

import pytest

from cmmh_tui.markdown_escape import escape_markdown, escape_markdown_paragraphs
from cmmh_tui.rendering import render_markdown_html


def paragraph_html(text: str) -> str:
    """Render escaped text as the only paragraph of a document."""
    return render_markdown_html(escape_markdown(text))


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("# Heading", "# Heading"),
        ("## Heading", "## Heading"),
        ("**bold**", "**bold**"),
        ("*em* and _em_", "*em* and _em_"),
        ("__strong__", "__strong__"),
        ("| a | b |", "| a | b |"),
        ("[link](http://x)", "[link](http://x)"),
        ("![image](http://x/y.png)", "![image](http://x/y.png)"),
        ("[ref]: http://x", "[ref]: http://x"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<http://x.example>", "&lt;http://x.example&gt;"),
        ("&amp;", "&amp;amp;"),
        ("&lt;b&gt;", "&amp;lt;b&amp;gt;"),
        ("&#49;", "&amp;#49;"),
        ("`code`", "`code`"),
        ("```python", "```python"),
        ("~~~", "~~~"),
        ("~~struck~~", "~~struck~~"),
        ("- item", "- item"),
        ("+ item", "+ item"),
        ("* item", "* item"),
        ("1. item", "1. item"),
        ("1) item", "1) item"),
        ("> quote", "&gt; quote"),
        ("---", "---"),
        ("***", "***"),
        ("___", "___"),
        ("===", "==="),
        ("back\\slash", "back\\slash"),
        ("ends in backslash\\", "ends in backslash\\"),
        ("\\*not emphasis\\*", "\\*not emphasis\\*"),
        ("{{ 7*7 }}", "{{ 7*7 }}"),
        ("{% raw %}", "{% raw %}"),
    ],
)
def test_markup_renders_literally(text: str, shown: str) -> None:
    assert paragraph_html(text) == f"<p>{shown}</p>\n"


def test_plain_text_stays_readable() -> None:
    text = "Smith & Jones saw her on 2025-03-14; PHQ-9 fell 3.9 points (from 22)."
    assert escape_markdown(text) == text


def test_number_without_list_marker_is_not_escaped() -> None:
    assert escape_markdown("1.5 mg twice daily") == "1.5 mg twice daily"


def test_line_breaks_become_hard_breaks() -> None:
    assert escape_markdown("first\nsecond") == "first\\\nsecond"


def test_line_breaks_render_as_br() -> None:
    assert paragraph_html("first\nsecond") == "<p>first<br />\nsecond</p>\n"


def test_windows_and_old_mac_line_endings() -> None:
    assert escape_markdown("a\r\nb\rc") == "a\\\nb\\\nc"


def test_blank_lines_never_end_the_paragraph() -> None:
    assert escape_markdown("a\n\n\nb") == "a\\\nb"


def test_leading_and_trailing_blank_lines_dropped() -> None:
    assert escape_markdown("\n\nword\n\n") == "word"


def test_trailing_spaces_removed() -> None:
    assert escape_markdown("word   \nnext\t") == "word\\\nnext"


def test_indentation_cannot_start_code_block() -> None:
    html = render_markdown_html("Intro\n\n" + escape_markdown("    indented text"))
    assert "<pre>" not in html


def test_indentation_keeps_its_width() -> None:
    assert (
        escape_markdown("  two\n\tfour")
        == "\u00a0\u00a0two\\\n" + "\u00a0" * 4 + "four"
    )


def test_list_marker_after_indentation_escaped() -> None:
    assert "<ul>" not in paragraph_html("   - nested item")


def test_setext_underline_cannot_make_heading() -> None:
    html = paragraph_html("Title\n---\nOther\n===")
    assert "<h" not in html


def test_text_inside_list_item_stays_in_item() -> None:
    markdown = "- Response: " + escape_markdown("partial\n\n# relapse\n- again") + "\n"
    html = render_markdown_html(markdown)
    assert html.count("<li>") == 1


def test_line_separator_character_is_text() -> None:
    # U+2028 is not a Markdown line ending, so "#" after it is not a heading.
    html = paragraph_html("note\u2028# not a heading")
    assert "<h1>" not in html


def test_empty_text() -> None:
    assert escape_markdown("") == ""


def test_paragraphs_keep_blank_line_breaks() -> None:
    assert escape_markdown_paragraphs("one\ntwo\n\n\nthree") == "one\\\ntwo\n\nthree"


def test_paragraphs_render_as_separate_paragraphs() -> None:
    html = render_markdown_html(escape_markdown_paragraphs("one\n\n# two"))
    assert html == "<p>one</p>\n<p># two</p>\n"


def test_paragraphs_of_whitespace_only_text() -> None:
    assert escape_markdown_paragraphs(" \n\n \n") == ""
