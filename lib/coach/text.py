"""Text we did not write, made fit for a model: no links or markup, cut at a word with an ellipsis."""
from __future__ import annotations

import re

from lib.core.models import clean_text
from lib.core.models import clip_words as shorten

_URL = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)\S*", re.IGNORECASE)
# Characters that build markdown, HTML or a prompt's own delimiters; none is needed to recognise a merchant.
_MARKUP = re.compile(r"[<>\[\]{}()`*_#|~\\^=!\"]")


def data_text(value: object, limit: int) -> str:
    """A user string as a model may see it: no links, no markup characters, cut at a word with an ellipsis."""
    text = _MARKUP.sub(" ", _URL.sub(" ", clean_text(value, 10_000)))
    return shorten(text, limit)
