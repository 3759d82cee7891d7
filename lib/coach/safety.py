"""The content check every model answer and every nudge text passes before a user reads it: tough love
attacks choices, not people.

What the coach never says, in any tone: insults about the body, health, identity, intelligence or
family; talk of self-harm; advice to borrow, gamble or invest; medical or legal advice; and markup.
The reading lives in lib.coach.fence (one module per family of categories): harm needs aim (advice
given, an insult aimed at the user), not a bare word, and reads paraphrases, not a list of words.
A refused answer costs only the AI's wording (the offline coach speaks instead); a harmful one
costs the user's trust. The offline voices pass it (tests/unit/test_coach_safety.py).
"""
from __future__ import annotations

from lib.coach.facts import Facts
from lib.coach.fence import REASONS, violations
from lib.coach.grounding import mask_user_strings

__all__ = ["REASONS", "content_violations"]


def content_violations(text: str, facts: Facts | None = None) -> list[str]:
    """Why `text` must not reach the user (empty when it may): one reason per rule it breaks.

    With facts, the user's own strings (a merchant "Casino Bar", a category "Investments") are
    masked first: quoting the user's data back is no advice. Markup is checked on the raw text.
    """
    words = mask_user_strings(text, facts) if facts is not None else text
    return violations(text, words)
