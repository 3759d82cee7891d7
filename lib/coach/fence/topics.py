"""The fence's second, broader reading: a topic word in a clause that gives advice, or a verdict on the person.

The phrase families (advice.py, person.py) catch the paraphrases we can name; this layer catches
the ones we cannot, at the cost of needing two signals in one clause: for advice, a topic word
(a card, the odds, a fund, a dentist, the tax office) AND an advice cue (an imperative opening the
clause, "perhaps", "kindly", "why not", "you could", "have you tried"); for insults, the reader
as subject ("you're", "you seem") AND a word that judges a person rather than a purchase.
Negation clears it as in the phrase layer; for medicine and law only plain negation does, since
"stop", "skip" and "cancel" are the harm there.
"""
from __future__ import annotations

import re

from lib.coach.fence.text import PLAIN_NEGATION, clauses, compile_words, negated

_IMPERATIVES = (r"take|get|put|use|try|buy|open|ask|ring|call|phone|text|throw|move|shift|skip|cancel|go|"
                r"consider|return|keep|say|claim|tell|hide|withhold|declare|file|sign|apply|grab|borrow|bet|stake|"
                r"back|play|enter|join|swap|switch|start|load|dump|park|pour|drop|halve|double|pop|stick|charge|"
                r"max|lean|tap|hit|chuck|let|make|spend|invest|short|hold|wean|ration|stretch|floss|ignore|"
                r"dodge|leave|split|spread|order|pick|book|visit|see|talk|find|have|give|quit|stop|refill|"
                r"come|pretend|fake|forget|sell|transfer|whack|bung|shove|cash|reduce|lower|space|trim")
# An advice cue: an imperative opening the clause (after fillers or a name), or a modal of advice anywhere.
ADVICE_CUE = re.compile(
    r"(?:^|[:;]\s{1,3})\W{0,3}(?:(?:oh|so|sure|well|ok|okay|now|then|and|just|simply|go on|honestly|right|look|first|"
    r"also|dear|demo|[A-Z][a-z]{1,20}),? ){0,3}(?:" + _IMPERATIVES + r")\b"
    r"|\b(?:you (?:should|could|might|may want to|ought to|need to|'d better|can always|can just|'d do well to)|"
    r"why not|why don't you|how about|what about|perhaps|maybe|kindly|please|might i (?:suggest|propose|"
    r"recommend)|i (?:suggest|recommend|propose)|consider|have you tried|time to|go ahead|do (?:consider|try|"
    r"use)|(?:would|could|will|might) (?:bridge|help|fix|solve|sort|cover|tide|save|rescue)|the (?:answer|fix|"
    r"solution|trick|move|play) is|lets you|the way to|one (?:could|might)|if i may|i'd|i would)\b"
    # Sarcasm recommends by pretending: "obviously the answer is", "is right there", "exists for", "go on".
    r"|\b(?:obviously|clearly|surely|brilliant idea|genius (?:idea|plan|move)|great plan|is right there|"
    r"exists? (?:precisely |just |exactly )?for|how convenient|what could (?:possibly )?go wrong|is optional|"
    r"go on|problem solved|sorted|easy fix|simple fix)\b",
    re.IGNORECASE,
)

ADVICE_TOPICS: dict[str, re.Pattern[str]] = {
    "borrowing advice": compile_words(
        r"credit(?! where| to you| to your| for)", r"credit-builder", r"loans?", r"lend\w*", r"borrow\w*",
        r"owes? you", r"owed", r"iou", r"pay later", r"instal?ments?", r"in (?:monthly|weekly|small|easy) "
        r"(?:chunks|bits|payments|amounts)", r"overdraft", r"advance", r"(?:another|a new|a second|a spare|new|"
        r"extra|more) cards?", r"store cards?", r"(?:get|ask|make|have) (?:her|him|them|someone|somebody|a friend|"
        r"a mate) (?:to )?(?:cover|pay for|lend|spot|front|sub|bail)", r"against (?:next|your next|this) "
        r"(?:month|week|paycheck|pay|salary)", r"bridge the gap", r"tide you over", r"bail you out",
        r"(?:credit|card|spending) limit", r"card has a limit", r"finance (?:offer|deal|plan|option)s?",
        r"(?:on|store|shop|0%|interest-free) finance", r"(?:extend|raise|increase|up|lift) (?:you |your |the )?"
        r"(?:limit|credit|rope|overdraft)", r"more rope", r"0% (?:card|credit|balance|deal)", r"move the balance",
        r"hit (?:him|her|them) up", r"(?:has|have|got) (?:some )?(?:spare )?cash",
    ),
    "gambling advice": compile_words(
        r"spins?", r"slots?", r"odds", r"bookmakers?", r"bookies?", r"stakes?", r"punt\w*", r"wager\w*",
        r"bet(?:s|ting|ted|tor)?",
        r"(?:quid|bucks|dollars|pounds|tenner|fiver|twenty|fifty|a hundred|\$\d+(?:\.\d\d)?) on (?:the )?"
        r"(?:\w+ )?(?:game|match|fight|race|derby|final|horse|team|result|draw|score)", r"tickets? (?:for|in) the "
        r"(?:draw|raffle)", r"raffles?", r"sweepstakes?", r"lucky (?:numbers?|dip|streak)", r"casino\w*",
        r"gambl\w*", r"lotter\w*", r"jackpot",
    ),
    "investment advice": compile_words(
        r"shares", r"stocks?", r"equities", r"(?<!emergency )(?<!holiday )(?<!sinking )(?<!rainy day )"
        r"(?<!fun )funds?", r"crypto\w*", r"coins?", r"tokens?", r"(?<!at )(?<!to )(?<!from )the markets?",
        r"trading", r"traders?", r"forex", r"signals", r"(?:returns|yield|gains) (?:on|of|from)", r"portfolio",
        r"robo\w*", r"index", r"trackers?", r"bonds", r"gilts", r"pension (?:fund|pot)", r"(?:put|make) "
        r"(?:your|the) money (?:to )?work", r"grow your (?:money|savings|cash)", r"rally", r"dip",
    ),
    "medical advice": compile_words(
        r"dentist\w*", r"doctors?", r"gp", r"physio\w*", r"therap(?:y|ist|ies)", r"tablets?", r"pills?",
        r"prescriptions?", r"medications?", r"meds", r"doses?", r"inhalers?", r"insulin", r"wean yourself",
        r"refill\w*", r"floss\w*", r"check-?ups?", r"clinic", r"pharmacy", r"chemist", r"vitamins",
        r"supplements", r"treatment", r"(?:sertraline|prozac|citalopram|fluoxetine|statins?|metformin)",
    ),
    "legal advice": compile_words(
        r"bankrupt\w*", r"evict\w*", r"withh(?:o|e)ld\w*", r"tax (?:office|return|returns|man|authorit\w+)",
        r"taxman", r"cash (?:jobs?|work|in hand)", r"off the record", r"say (?:it|that|they|the \w+) (?:was|is|were|"
        r"arrived|came) (?:faulty|broken|damaged|lost|stolen|never|late|missing)", r"(?:throw|kick|chuck|put) you "
        r"out", r"landlord can't", r"small claims", r"court", r"lawyers?", r"solicitors?", r"loophole",
        r"chargebacks?", r"refund (?:scam|trick)", r"declar\w+ (?:yourself|your|it|them|nothing)",
    ),
}
PLAIN_ONLY = {"medical advice", "legal advice"}

# The reader as the one judged: "you're ...", "you seem ...", "you have the ... of", "your <body part> ...".
_YOU_ARE = r"\byou(?:'re| are| were| seem| look| sound| remain|'ve been| have been| become| act)\b[^.;!?]{0,30}?\b"
PERSON_VERDICTS: dict[str, re.Pattern[str]] = {
    "insult (intelligence)": re.compile(
        r"\b(?:einstein|sherlock|mastermind|brainpower|brainiac|mensa material)\b|"
        r"\b(?:whether|if|doubt|wonder) you can (?:even )?(?:count|add|read|do sums|do maths|do math)\b|"
        r"\b(?:arithmetic|maths|math|sums|numeracy|brain|reasoning|logic|sense) of a (?:small |young |little )?"
        r"(?:child|toddler|kid|baby|infant|goldfish|hamster|potato|doorknob)\b|" +
        _YOU_ARE + r"(?:incapable|clueless|hopeless at (?:sums|maths|math|numbers)|slow|simple|thick|dense|"
        r"dim|gormless|witless|mindless|brainless)\b|\b(?:big|galaxy|small|tiny) brain\b|\bmensa\b|\bsense of a "
        r"(?:\w+)|\b(?:sums|maths|math|arithmetic|numbers|counting|budgeting) (?:are|is) (?:a stretch|too hard|"
        r"hard|difficult|tricky|a challenge) for you|\bincapable of\b|\bthick as\b|\bbrain(?:s|cells?)?\b",
        re.IGNORECASE),
    "insult (the person)": re.compile(
        r"\b(?:disappointing|pathetic|useless|hopeless|worthless|miserable|sorry|sad|lazy|greedy|feckless|"
        r"spineless|weak|selfish) (?:person|human(?: being)?|individual|adult|grown-up|specimen|excuse)\b|"
        r"\byou(?:'re| are) (?:\w+ly )?the worst\b|" +
        _YOU_ARE + r"(?:a |an |the |quite the |such a )?(?:useless|hopeless|pathetic|joke|sad case|disappointment|"
        r"failure|embarrassment|letdown|mess|wreck|waste|nobody|loser|burden|parasite|liability|lost cause|"
        r"clown|fraud|coward|cheapskate|leech)\b|\b(?:human|walking|living) (?:equivalent|embodiment|version) "
        r"of\b|\bquite the (?:disappointment|failure|joke|embarrassment|letdown|mess)\b|\bsad case\b",
        re.IGNORECASE),
    "insult (body or looks)": re.compile(
        r"\b(?:chins|double chin|belly|gut|waistline)\b|"
        r"\b(?:your|those|the) (?:jeans|clothes|trousers|belt|buttons|shirt|dress|waistband|chair|scales?|seams) "
        r"(?:are|is) "
        r"(?:begging|straining|bursting|tight|groaning|crying|screaming|struggling|pleading|complaining)\b|"
        r"\b(?:fit|squeeze) (?:into |in )?your (?:clothes|jeans|trousers|dress|shirt|seat)\b|\b(?:get|getting|"
        r"grow|growing|look|looking) (?:rounder|bigger|wider|heavier|fatter|chubbier|plumper)\b|\bthe mirror\b|"
        r"\b(?:rounder|fatter|chubbier|plumper|porkier|flabbier)\b",
        re.IGNORECASE),
    "insult (health)": re.compile(
        r"\b(?:compulsion|anxiety (?:shopping|spending|buying)|stress (?:shopping|spending)|needs? (?:treating|"
        r"treatment|medicating|a doctor|a therapist)|compulsive|obsessive|voices in your head|crack ?head|mad as a|yo"
        r"ur nerves|nervous wreck|hysteric\w*|"
        r"neurotic|meltdown|breakdown|sectioned|sanity|mad(?:man|woman)|maniac|disorder)\b|" + _YOU_ARE +
        r"(?:mad|crazy|insane|nuts|bonkers|ill|sick|unwell|unstable|obsessed|hooked|addicted)\b",
        re.IGNORECASE),
    "insult (identity)": re.compile(
        r"\b\w{3,}s like (?:you|yourself)\b(?! (?:had|did|do|said|spent|planned|promised|wanted|had|made))|"
        r"\b(?:ladies|women|men|girls|blokes|guys|people|folk|types|sorts|kinds) (?:such as|of your)\b|"
        r"\bpeople (?:your|of your|at your) age\b|"
        r"\b(?:women|men|girls|ladies|blokes|immigrants|foreigners|migrants|millennials|boomers|pensioners|"
        r"old people|young people|students|single mums|single mothers) (?:\w+ly )?(?:often|usually|generally|"
        r"tend to|"
        r"rarely|typically|mostly|always|never|all|can't|cannot)\b",
        re.IGNORECASE),
    "insult (family)": re.compile(
        r"\bdeserve(?:s|d)? (?:a |an )?(?:\w+ )?(?:parent|mum|mom|dad|mother|father|partner|wife|husband|son|"
        r"daughter)\b|"
        r"\byour (?:\w+ )?(?:kids|children|son|daughter|mum|mom|mother|dad|father|parents|family|partner|wife|"
        r"husband)(?:'s)? (?:will|must|would|'ll|'d|should) (?:\w+ )?(?:love|be thrilled|be delighted|adore|enjoy|"
        r"be proud|be impressed|thank you)\b[^.;!?]{0,40}?\b(?:debt|debts|broke|overdraft|budget|spending|bills?|"
        r"mess|failure|receipts|statement)\b|"
        r"\blike (?:mother|father|mum|mom|dad|parent),? like (?:son|daughter|child|kid)\b|\byour (?:wife|husband|"
        r"partner|girlfriend|boyfriend) married\b|\b(?:hides?|hid|hiding|lock\w*) (?:the |your )?(?:\w+ )?(?:cards?|"
        r"wallet|purse|money|cash) (?:from|away from) you\b|\b(?:family|parents|kids|children|mum|dad|partner) "
        r"(?:hides?|hid|keeps? away|locks?)\b",
        re.IGNORECASE),
    "self-harm": re.compile(
        r"\b(?:if|when|once) you(?:'re| were| was| are)? (?:just |simply |finally )?(?:gone|dead|not here|no "
        r"longer here|out of the picture|six feet under)\b|\b(?:disappearing|vanishing|not existing|not being "
        r"here) (?:would|is|could|might|will)\b|\bwithout (?:any )?(?:meals|food|eating|dinner|lunch|"
        r"breakfast)\b(?! (?:delivery|deliveries|apps?|orders?|out|from|shopping|waste|deals?))|"
        r"\b(?:notice|miss|mind) (?:you|if you|that you)(?:'re| were| are)? (?:were )?(?:gone|dead|missing|"
        r"not there)\b|\b(?:if you|you) (?:were|was|are|'re|'d be|would be) (?:no longer|not|never) (?:here|"
        r"around|alive|with us)\b|\bwhy (?:even )?(?:bother )?(?:wak(?:e|ing)|get(?:ting)?) up\b|\b(?:no|zero) "
        r"(?:reason|point) (?:to|in) (?:wak(?:e|ing)|liv(?:e|ing)|go(?:ing)? on|carry(?:ing)? on)\b",
        re.IGNORECASE),
}


def broad_violations(text: str) -> list[str]:
    """Categories this (prepared) text breaks on the broad reading: topic + advice cue, or a verdict on the person."""
    reasons: list[str] = []
    parts = clauses(text)
    for reason, topic in ADVICE_TOPICS.items():
        cues = PLAIN_NEGATION if reason in PLAIN_ONLY else None
        for clause in parts:
            if not ADVICE_CUE.search(clause.text):
                continue
            hit = next((m for m in topic.finditer(clause.text)
                        if not negated(clause.text, m.start(), m.end(), cues=cues)), None)
            if hit is not None:
                reasons.append(reason)
                break
    for reason, verdict in PERSON_VERDICTS.items():
        for clause in parts:
            hit = next((m for m in verdict.finditer(clause.text) if not negated(clause.text, m.start(), m.end())),
                       None)
            if hit is not None:
                reasons.append(reason)
                break
    return reasons
