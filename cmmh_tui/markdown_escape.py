"""Escaping of clinician text so that it renders as literal text in Markdown."""

from __future__ import annotations

import re

# Characters that start inline markup anywhere in a line: backslash escapes, code
# spans, emphasis, links and images, raw HTML and autolinks, table cells and
# strikethrough. An ampersand matters only where it would start an entity or a
# numeric character reference, so "Smith & Jones" stays as typed.
_INLINE_MARKUP = re.compile(r"[\\`*_\[\]<|~]|&(?=#?[0-9A-Za-z]+;)")

# Characters that start a block only as the first character of a line: headings,
# block quotes, bullet lists, thematic breaks and setext heading underlines.
_BLOCK_START = frozenset("#>-+=")

# An ordered list item starts with one to nine digits, "." or ")" and a space.
_ORDERED_LIST_START = re.compile(r"^(\d{1,9})([.)])(?=[ \t]|$)")

_HARD_BREAK = "\\\n"
_NO_BREAK_SPACE = "\u00a0"
_TAB_WIDTH = 4


def escape_markdown(text: str) -> str:
    """Escape text for use inside a Markdown paragraph, list item or table-free line.

    Every character that could start markup is backslash-escaped, and only
    those. Line breaks become hard line breaks, so multi-line text keeps its
    lines without ever ending the surrounding paragraph or list item. Blank
    lines are dropped for the same reason. Leading indentation becomes
    no-break spaces, which keep their width but cannot start a code block.
    Trailing whitespace on each line is removed.
    """
    lines = [_escape_line(line) for line in _split_lines(text)]
    return _HARD_BREAK.join(line for line in lines if line)


def escape_markdown_paragraphs(text: str) -> str:
    """Escape text that forms its own block, keeping its paragraph breaks.

    Use it only where the text starts at the left margin of the document, not
    inside a list item, because a paragraph break there would end the item.
    """
    paragraphs: list[str] = []
    current: list[str] = []
    for line in _split_lines(text):
        if line.strip():
            current.append(line)
        elif current:
            paragraphs.append(escape_markdown("\n".join(current)))
            current = []
    if current:
        paragraphs.append(escape_markdown("\n".join(current)))
    return "\n\n".join(paragraphs)


def _split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _escape_line(line: str) -> str:
    body = line.lstrip(" \t")
    indent = line[: len(line) - len(body)]
    body = _INLINE_MARKUP.sub(lambda match: "\\" + match.group(0), body.rstrip())
    if not body:
        return ""
    if body[0] in _BLOCK_START:
        body = "\\" + body
    else:
        body = _ORDERED_LIST_START.sub(r"\1\\\2", body, count=1)
    width = len(indent.expandtabs(_TAB_WIDTH))
    return _NO_BREAK_SPACE * width + body
