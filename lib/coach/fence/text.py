"""Reading a text before the rules: bounded, normalised, idioms put aside, cut into clauses, negation seen.

Everything here is linear: the text is capped before any pattern runs, and no pattern nests a
quantifier inside another, so a hostile answer cannot make the check slow.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

MAX_CHARS = 4000  # a model answer is capped at 600; nudges are shorter. Anything longer is cut, then read.
HOLE = "\ue001"  # what a set-aside idiom becomes: a word no rule contains

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": " - ",
                         "\u00a0": " ", "\u202f": " "})


def compile_words(*alternatives: str) -> re.Pattern[str]:
    """One case-insensitive pattern of whole-word alternatives (each may be a small regex of its own)."""
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


# Trap words in their innocent sense: each phrase is replaced by HOLE before any rule reads the text.
_IDIOMS = compile_words(
    r"you bet", r"i(?:'d| would)? bet", r"bet (?:that|this|it was|you)", r"(?:safe|good|best|better) bet",
    r"stock(?:s|ed|ing)? up", r"tak(?:e|es|ing|en) stock", r"in stock", r"out of stock", r"laughing ?stock",
    r"(?:the |a |your )?(?:lion's )?shares? of (?:your|the|this|that|today's|the month's|its)",
    r"fair share", r"market ?(?:stall|town|day)s?", r"(?:farmers'?|super|flea|christmas) ?markets?",
    r"gross (?:salary|pay|income|wages?|earnings|total|figure|amount|margin)", r"retail therapy",
    r"(?:spa|beauty|facial|nail|hair|salon|royal|vip|special|silent) treatments?", r"treat(?:ing)? yourself",
    r"dim sum", r"food courts?", r"tennis courts?", r"court(?:ing)? disaster", r"thick as thieves",
    r"thick and thin", r"the (?:ugly|plain|hard|brutal|honest) truth", r"ugly (?:numbers?|week|month|day|maths|math|"
    r"picture|habit|pattern|streak|sight|bill|total|figure)", r"fat (?:latte|lattes|chunk|slice|bill|lot of good|"
    r"wad|tip|habit|stack|paycheck|pay cheque|bonus|total|cheque|order|receipt)", r"trim(?:ming)? the fat",
    r"chew the fat", r"(?:the )?fat of the land", r"lottery of", r"postcode lottery", r"odds are",
    r"against (?:all )?the odds", r"at odds with", r"odds and ends", r"by all odds", r"the odds of you",
    r"long shot", r"casino royale", r"(?:the )?credit goes to", r"odds of (?:a|an|the|you|your)\b",
    r"odds (?:improve|are|look|get|were|favour|favor)", r"(?:the|a|your) stock of", r"i(?:'d| would) wager",
    r"wager a guess",
    r"jackpot of (?:takeaways|receipts|spending)", r"roll(?:ed)? your eyes",
    r"credit (?:where|to you|to your|for (?:that|this|it))", r"to your credit", r"give (?:you|yourself) credit",
    r"cut yourself (?:some|a) (?:slack|break)", r"give yourself a break", r"kill(?:s|ing)? (?:the|that|this|your) "
    r"(?:streak|habit|budget|momentum|vibe|mood|takeaway habit)", r"killing it", r"dying to", r"dead (?:streak|"
    r"end|set|cert|simple|right|last|on|easy)", r"(?:streak|budget|momentum|habit) (?:is|was|'s) dead",
    r"disappear(?:s|ed|ing)? (?:from|into|faster|quickly|fast|by)", r"(?:money|savings|cash|budget|pay|"
    r"salary|paycheck|balance|allowance|wages|streak|it|that|month) (?:just |simply |quietly )?"
    r"(?:disappear|disappears|disappeared|vanish|vanishes|vanished)",
    r"dose of (?:reality|honesty|discipline|truth|tough love|humility|common sense)", r"healthy (?:dose|habit)",
    r"a (?:daily|weekly|good|big|small|hefty) dose of", r"invest(?:ing|ed)? (?:in )?(?:a |some )?(?:packed lunch|"
    r"lunchbox|thermos|flask|cookbook|slow cooker|water bottle|bike|bus pass|coffee machine|kettle|yourself|"
    r"your (?:future|habits|streak|budget))", r"bank holiday", r"piggy ?bank", r"mental (?:note|maths|math|"
    r"arithmetic|load)", r"crazy (?:amount|week|day|month|total|sum|price|prices)", r"insane (?:amount|total|sum|"
    r"price|prices|week)", r"dumb (?:purchase|buy|move|idea|choice|decision|spend)", r"stupid (?:purchase|buy|"
    r"move|idea|choice|decision|spend|amount|money)", r"(?:a|that|this) (?:loan|bet) of (?:your|the) future",
    r"paying (?:it|that) off", r"pay (?:it|that) off", r"(?:direct debit|standing order)s?",
)

# Negations that encourage ("why not", "don't worry") are rewritten so the negation check does not read them.
_ENCOURAGING = compile_words(
    r"why not", r"why don't you", r"don't (?:worry|fret|stress|panic|be shy|be afraid|be scared|hesitate|forget)",
    r"do not (?:worry|hesitate|forget)", r"(?:there's |there is )?no (?:harm|shame) in", r"nothing wrong with",
    r"can't go wrong", r"cannot go wrong", r"not (?:a|such a) bad idea", r"never (?:hurt|hurts|harmed)(?: anyone)?",
    r"no reason not to", r"won't hurt", r"wouldn't hurt", r"doesn't hurt", r"never too late to",
    r"what's the worst", r"nothing could go wrong", r"no one (?:will|would) (?:know|notice|check)",
    r"nobody (?:will|would) (?:know|check)", r"no need to (?:feel bad|be shy|ask)", r"not a problem",
    r"no problem", r"nothing to lose", r"no questions asked", r"not that hard", r"isn't that hard",
)
_NEGATION_BEFORE = compile_words(
    r"don't", r"do not", r"never", r"not", r"avoid", r"avoiding", r"without", r"instead of", r"rather than",
    r"stop", r"stopped", r"quit", r"won't", r"wouldn't", r"nor", r"against", r"resist", r"no more", r"skip",
    r"forget", r"steer clear of", r"keep away from", r"stay away from", r"beats?", r"better than", r"isn't",
    r"aren't", r"wasn't", r"can't", r"cannot", r"shouldn't", r"mustn't", r"no need for", r"nobody needs",
    r"refuse", r"not even", r"hardly", r"instead of",
)
_ADJACENT_NO = re.compile(r"\b(?:no|zero|nothing like|none of (?:the|your|that))\s+$", re.IGNORECASE)
# A negation reaches over a list ("no loans or bets") but not over a new command ("stop whining and borrow").
_SCOPE_BREAK = re.compile(r",\s(?=(?:and|then|so|just|now|go|you|it|they|he|she|we)\b)|\band\b|\bthen\b|\bso\b|"
                          r"\bjust\b|\bbecause\b|\bwhile\b", re.IGNORECASE)
_NEGATION_AFTER = re.compile(
    r"^[^.;:!?]{0,30}?\b(?:is|are|was|were|'s|'re|would be|will be|will|would|has|have)(?: not|n't| never| no)\b"
    r"|^[^.;:!?]{0,30}?\b(?:won't|isn't|aren't|never|no)\b (?:save|fix|help|work|rescue|a plan|the answer|an? "
    r"(?:option|plan|strategy|answer|solution))|^[^.;:!?]{0,40}?\b(?:bad|terrible|awful|dreadful|dangerous|"
    r"ruinous|dumb|stupid|silly|poor) (?:idea|plan|move|strategy)|^[^.;:!?]{0,40}?\b(?:is|are|as) (?:a |an )?"
    r"(?:trap|traps|scam|con|mug's game|tax on hope|losing game|hole|debt spiral|spiral|way to drown|"
    r"road to ruin|not a plan|off the table|out of the question|not an option)",
    re.IGNORECASE,
)
# A full stop ends a clause only before a space or the end ("$300.00" and "3:15" stay whole).
_CLAUSE_END = re.compile(r"[.!?]+(?=[\s\"')]|$)|[!?;\n]+|:(?=\s)|\s-\s|,\s(?:but|yet|so|and then)\b|\sbut\s",
                         re.IGNORECASE)


def prepare(text: str) -> str:
    """The text capped, with curly quotes and odd spaces made plain, idioms set aside and encouraging negations
    rewritten (so "why not borrow" reads as advice and "you bet" reads as nothing)."""
    text = text[:MAX_CHARS].translate(_QUOTES)
    text = _IDIOMS.sub(HOLE, text)
    return _ENCOURAGING.sub("so", text)


@dataclass(frozen=True)
class Clause:
    """One clause of the text and where it starts."""

    start: int
    text: str


def clauses(text: str) -> list[Clause]:
    """The text cut at sentence ends, semicolons, dashes and "but": negation and aim stay within a clause."""
    out: list[Clause] = []
    last = 0
    for mark in _CLAUSE_END.finditer(text):
        out.append(Clause(last, text[last:mark.start()]))
        last = mark.end()
    out.append(Clause(last, text[last:]))
    return [c for c in out if c.text.strip()]


# Plain negation only: for topics where "stop", "skip" or "cancel" are the harm itself (medicine, rent).
PLAIN_NEGATION = compile_words(r"don't", r"do not", r"never", r"not", r"avoid", r"won't", r"shouldn't", r"mustn't",
                               r"no need to", r"rather than", r"instead of", r"refuse to", r"can't")


def negated(clause: str, start: int, end: int, *, window: int = 45, cues: re.Pattern[str] | None = None) -> bool:
    """Whether the phrase at clause[start:end] is negated or discouraged within its clause."""
    before = clause[max(0, start - window):start]
    breaks = list(_SCOPE_BREAK.finditer(before))
    scoped = before[breaks[-1].end():] if breaks else before
    if (cues or _NEGATION_BEFORE).search(scoped) or _ADJACENT_NO.search(before):
        return True
    after = clause[end:end + 70]
    cut = _SCOPE_BREAK.search(after)
    return bool(_NEGATION_AFTER.search(after[:cut.start()] if cut else after))


def found(patterns: Iterable[re.Pattern[str]], text: str, *, negatable: bool = True) -> Iterator[str]:
    """The phrases of `patterns` in `text` that stand un-negated in their clause (each at most once)."""
    for clause in clauses(text):
        for pattern in patterns:
            for match in pattern.finditer(clause.text):
                if not negatable or not negated(clause.text, match.start(), match.end()):
                    yield match.group(0)
                    break
