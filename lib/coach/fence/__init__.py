"""The local fence: what no coach text may say, read for meaning rather than words.

Harm needs aim: advice the user is told to follow, or an insult aimed at the user. So a word in an
innocent sense ("you bet that coffee was worth it", "stock up", "dim sum"), a negated or
discouraged phrase ("a payday loan is not a plan") and the user's own strings (masked by the caller)
pass; a paraphrase of the harm ("use the plastic", "split it into four easy payments", "buy the
dip") does not. Categories live in one module per family: advice (borrowing, gambling, investing,
medical, legal), person (self-harm and insults), markup; topics is the broader second reading (a topic
word in a clause that gives advice, or a verdict on the person) for paraphrases no family names.
The text is capped before any pattern runs and no pattern nests quantifiers, so the check is linear
in a bounded input.
"""
from __future__ import annotations

import re

from lib.coach.fence import advice, person
from lib.coach.fence.markup import has_markup
from lib.coach.fence.text import MAX_CHARS, found, prepare
from lib.coach.fence.topics import broad_violations

# Reason -> (patterns, whether a negation in the clause clears them). Order is the order reasons are reported.
CATEGORIES: dict[str, tuple[tuple[re.Pattern[str], ...], bool]] = {
    "insult (body or looks)": (person.BODY, True),
    "insult (intelligence)": (person.INTELLIGENCE, True),
    "insult (the person)": (person.PERSON, True),
    "insult (health)": (person.HEALTH, True),
    "insult (identity)": (person.IDENTITY, True),
    "insult (family)": (person.FAMILY, True),
    "self-harm": (person.SELF_HARM_ALWAYS, False),
    "borrowing advice": (advice.BORROWING, True),
    "gambling advice": (advice.GAMBLING, True),
    "investment advice": (advice.INVESTMENT, True),
    "medical advice": (advice.MEDICAL, True),
    "legal advice": (advice.LEGAL, True),
}
MARKUP_REASON = "markup"
REASONS = (*CATEGORIES, MARKUP_REASON)


def violations(raw: str, masked: str) -> list[str]:
    """One reason per category the text breaks: `masked` is the text with the user's own strings masked,
    `raw` the text as written (markup is read there)."""
    text = prepare(masked)
    reasons = []
    for reason, (patterns, negatable) in CATEGORIES.items():
        hit = next(found(patterns, text, negatable=negatable), None)
        if hit is None and reason == "self-harm":
            hit = next(found(person.SELF_HARM_FOOD, text), None)
        if hit is not None:
            reasons.append(reason)
    reasons += [r for r in broad_violations(text) if r not in reasons]
    reasons.sort(key=REASONS.index)
    if has_markup(raw[:MAX_CHARS]):
        reasons.append(MARKUP_REASON)
    return reasons


def explain(raw: str, masked: str | None = None) -> dict[str, str]:
    """The first phrase that tripped each category (for logs, the benchmark and debugging a refusal)."""
    text = prepare(raw if masked is None else masked)
    out = {}
    for reason, (patterns, negatable) in CATEGORIES.items():
        pats = patterns + (person.SELF_HARM_FOOD if reason == "self-harm" else ())
        hit = next(found(pats, text, negatable=negatable and reason != "self-harm"), None)
        if hit is None and reason == "self-harm":
            hit = next(found(person.SELF_HARM_FOOD, text), None)
        if hit is not None:
            out[reason] = hit
    for reason in broad_violations(text):
        out.setdefault(reason, "(broad reading: topic and advice cue, or a verdict on the person)")
    return out
