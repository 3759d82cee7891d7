"""The three voices of the offline coach: one template set per tone, the same situations in each.

Slots run today, streak, month, one concrete cut (the Bedrock prompt asks for the same order).
Groups marked in TAILED name no number that changes from day to day, so each template there is
combined with one of the tone's tails: 4+ templates x 3 tails give 12+ distinct sentences before
one repeats, which keeps any sentence to at most 3 times in 30 days (lib.coach.offline rotates
through them by day). Templates hold no digits: every figure comes from the facts.
"""
from __future__ import annotations

from lib.coach.voices.brutal import BRUTAL, BRUTAL_TAILS
from lib.coach.voices.polite import POLITE, POLITE_TAILS
from lib.coach.voices.sarcastic import SARCASTIC, SARCASTIC_TAILS

Templates = dict[str, tuple[str, ...]]

TAILED = frozenset({"no_data", "quiet", "broken", "none", "splurge", "milestone"})
VOICES: dict[str, Templates] = {"brutal": BRUTAL, "sarcastic": SARCASTIC, "polite": POLITE}
TAILS: dict[str, tuple[str, ...]] = {"brutal": BRUTAL_TAILS, "sarcastic": SARCASTIC_TAILS, "polite": POLITE_TAILS}

__all__ = ["TAILED", "TAILS", "VOICES", "Templates"]
