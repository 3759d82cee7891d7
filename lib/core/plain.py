"""Text we did not write, made safe for Streamlit's markdown elements (st.success, st.error, ...).

Streamlit renders the body of st.success/st.warning/st.error as GitHub-flavoured markdown, so a
merchant called `![p](http://host/x.png)` would become an image the browser fetches. CommonMark
lets every ASCII punctuation character be escaped with a backslash and shows it literally; that
also breaks bare-URL and e-mail autolinks (`www\\.`, `http\\:`). HTML is never rendered by these
elements (no unsafe_allow_html). Escaping is not enough for bare URLs and e-mail addresses:
the GFM autolink step finds them in the parsed text, after escapes are gone, so an invisible
WORD JOINER (U+2060) goes after `http`, `www` and `@`; the text looks the same and links nothing.
"""
from __future__ import annotations

import re
import string

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_AUTOLINK_START = re.compile(r"(?i)(https?|ftp|www|mailto|xmpp)(?=[:.])|(@)")
JOINER = "\u2060"


def _unlinkable(line: str) -> str:
    return _AUTOLINK_START.sub(lambda m: m.group(0) + JOINER, line)


def md_escape(text: object) -> str:
    """User or imported text shown literally inside markdown: no links, images, emphasis or headings."""
    # Each line is escaped alone and joined with a hard line break, so a line can never start
    # a block of its own (a heading, a list, a quote, a code fence).
    lines = (" ".join(line.split()) for line in str(text).splitlines())
    return "  \n".join(_PUNCTUATION.sub(r"\\\1", _unlinkable(line)) for line in lines)
