"""The three voices of the offline coach: one template set per tone, the same situations in each.

Slots run today, streak, month, one concrete cut (the Bedrock prompt asks for the same order).
Each group has 3 templates, each combined with one of the tone's four tails (the first is none):
3 x 4 give 12 distinct sentences before one repeats, so even a user whose numbers stand still for
a month reads no sentence more than 3 times in 30 days, and no tail twice in one text (see
lib.coach.offline). Templates hold no digits: every figure comes from the facts.
"""
from __future__ import annotations

from lib.coach.voices.brutal import BRUTAL, BRUTAL_TAILS
from lib.coach.voices.polite import POLITE, POLITE_TAILS
from lib.coach.voices.sarcastic import SARCASTIC, SARCASTIC_TAILS

Templates = dict[str, tuple[str, ...]]

VOICES: dict[str, Templates] = {"brutal": BRUTAL, "sarcastic": SARCASTIC, "polite": POLITE}
TAILS: dict[str, tuple[str, ...]] = {"brutal": BRUTAL_TAILS, "sarcastic": SARCASTIC_TAILS, "polite": POLITE_TAILS}

__all__ = ["TAILS", "VOICES", "Templates"]
