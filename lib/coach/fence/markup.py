"""Markup a plain-text coach never needs: links, images, HTML, headings, lists, bold and italics.

Read on the raw text (masking would hide it). "#1 on your list" is a rank, not a heading.
"""
from __future__ import annotations

import re

MARKUP = re.compile(
    r"https?://|\bwww\.|!\[|\]\(|<\s*/?\s*[a-z][^<>]{0,200}>|(?:^|\n)[ \t]{0,8}#{1,6}(?:[ \t]|$)|\*\*|__|`"
    r"|(?:^|\n)[ \t]{0,8}[-*+\u2022][ \t]|(?:^|\n)[ \t]{0,8}\d{1,2}[.)][ \t]"
    r"|(?<![\w*])\*[^\s*][^*\n]{0,80}\*(?![\w*])|(?<!\w)_[^\s_][^_\n]{0,80}_(?!\w)",
    re.IGNORECASE,
)


def has_markup(text: str) -> bool:
    """Whether the text carries markup (links, images, HTML, headings, lists, bold or italics)."""
    return bool(MARKUP.search(text))
