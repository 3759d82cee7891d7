"""The content check every model answer passes before a user reads it: tough love attacks choices, not people.

A local, deterministic list of what the coach never says, in any tone: insults about the body,
health, identity, intelligence or family; talk of self-harm; advice to borrow, gamble or invest;
medical or legal advice; and markup (links, images, headings, HTML), which a plain-text coach
never needs. It errs on the side of refusing: a refused answer costs only the AI's wording (the
offline coach speaks instead), a harmful one costs the user's trust. The offline voices pass it
too (tests/unit/test_coach_safety.py).
"""
from __future__ import annotations

import re

from lib.coach.facts import Facts
from lib.coach.grounding import mask_user_strings

_RULES: dict[str, str] = {
    "insult (body or looks)": r"\b(?:fat|fatty|obese|ugly|hideous|disgusting body|lard|pig|whale|chubby|skinny|"
    r"gross|lose (?:some )?weight|your (?:body|weight|face|looks))\b",
    "insult (intelligence)": r"\b(?:idiot|idiotic|moron|moronic|stupid|dumb|dumbass|imbecile|cretin|brainless|"
    r"retard(?:ed)?|halfwit|dimwit|dim|dense|slow-witted|thick as|no brain|can't think|clueless loser)\b",
    "insult (the person)": r"\b(?:loser|worthless|pathetic excuse|scum|trash person|piece of (?:shit|crap)|"
    r"(?:you(?:'re| are)?|such an?) (?:failure|waste of space|disgrace)|nobody likes you|bitch|bastard|"
    r"fuck(?:ing)?|shit(?:ty)?|asshole|dickhead|twat|cunt)\b",
    "insult (health)": r"\b(?:crazy|insane|psycho|mental case|lunatic|sick in the head|diabet(?:es|ic)|addict|"
    r"alcoholic|depress(?:ed|ion)|anxious wreck|ocd|adhd|autis(?:tic|m)|bipolar)\b",
    "insult (identity)": r"\b(?:because you(?:'re| are) an? (?:woman|man|girl|boy|immigrant|foreigner)|"
    r"(?:women|men|girls|immigrants|foreigners|old people|millennials|boomers) (?:like you|always|never)|"
    r"your (?:race|religion|gender|accent|kind|people))\b",
    "insult (family)": r"\b(?:your (?:mum|mom|mother|dad|father|parents|kids|children|wife|husband|partner|"
    r"family|sister|brother|son|daughter)\b.*\b(?:ashamed|embarrass\w*|disappoint\w*|hate|leave|pathetic|failure)|"
    r"(?:ashamed|embarrass\w*|disappoint\w*) (?:of )?your (?:mum|mom|mother|dad|father|parents|kids|children|"
    r"family))\b",
    "self-harm": r"\b(?:kill (?:yourself|urself)|kys|suicide|suicidal|self[- ]harm|hurt yourself|end it all|"
    r"end your life|disappear|not (?:be )?worth living|don't deserve to live|jump off|hang yourself|"
    r"overdose|slit|die\b|better off dead|wish you were dead|starve yourself|skip(?:ping)? meals|stop eating|"
    r"not existing|stop existing|cease to exist|vanish for good)",
    "borrowing advice": r"\b(?:payday loans?|take out a loan|get a loan|borrow(?:ing)?|loan shark|cash advance|"
    r"overdraft|credit cards?|put it on (?:a|your|the) card|buy now,? pay later|"
    r"klarna|max out|line of credit|pawn)\b",
    "gambling advice": r"\b(?:casino|gambl\w*|bet(?:s|ting)?|wager|lottery|lotto|scratch cards?|poker|slots|"
    r"roulette|blackjack|bookie|sportsbook|jackpot|flutter|the horses|the races|bingo)\b",
    "investment advice": r"\b(?:invest(?:ing|ment|ments|ed)?|stocks?|shares|crypto\w*|bitcoin|ethereum|index funds?|"
    r"etfs?|forex|day trad\w*|options trading|portfolio|dividends?|nfts?)\b",
    "medical advice": r"\b(?:doctor|gp|medication|medicine|pills?|prescri\w+|diagnos\w*|therapy|therapist|"
    r"antidepressants?|dosage|symptoms?|treatment)\b",
    "legal advice": r"\b(?:lawyer|attorney|sue|lawsuit|legal advice|bankrupt\w*|tax evasion|evade tax\w*|"
    r"court|solicitor|declare insolvency)\b",
    "markup": r"(?:https?://|\bwww\.|!\[|\]\(|<\s*/?\s*[a-z][^>]*>|^\s*#|\n\s*#|\*\*|__|`|^\s*[-*+]\s|\n\s*[-*+]\s)",
}
_COMPILED = {reason: re.compile(pattern, re.IGNORECASE) for reason, pattern in _RULES.items()}


def content_violations(text: str, facts: Facts | None = None) -> list[str]:
    """Why `text` must not reach the user (empty when it may): one reason per rule it breaks.

    With facts, the user's own strings (a merchant "Casino Bar", a category "Investments") are
    masked first: quoting the user's data back is no advice. Markup is checked on the raw text.
    """
    words = mask_user_strings(text, facts) if facts is not None else text
    return [reason for reason, pattern in _COMPILED.items()
            if pattern.search(text if reason == "markup" else words)]
