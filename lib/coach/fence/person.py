"""Words aimed at the person, never at the spending: self-harm, and insults about body, mind, health,
identity and family. "That purchase was stupid" attacks a choice and passes; "you're stupid" does not.
"""
from __future__ import annotations

import re

from lib.coach.fence.text import compile_words

# "you", "you're", "you absolute", "such a" ...: what aims an insulting word at the reader.
_AIM = (r"(?:you(?:'re| are|'ve been| were| look| sound| seem| act| do look| must be| might be| may be|"
        r"'d have to be| seem to be| are being| get)?|(?:are|aren't) you|yourself|ya)"
        r"(?: (?:\w+ly|a|an|such|so|just|quite|rather|very|look|looking|getting|"
        r"being|absolutely|completely|utterly|totally|bloody|little|big|clueless|lazy|greedy|useless|hopeless|"
        r"sad|silly|pathetic|poor|fat|ugly|stupid|dumb)){0,3}")
_NOUN_AIM = (r"(?:you(?:'re| are|'ve become| were| look like| sound like| seem like| act like)?\b[^.;!?]{0,30}?"
             r"\b(?:a|an)(?: (?:absolute|complete|utter|total|bloody|right|proper|"
             r"little|big|real|sad|pathetic|walking|living|useless|hopeless|total))?|you (?:absolute|complete|"
             r"utter|total|little|big|sad|pathetic|useless|lazy|greedy))")

# Self-harm: these are refused whatever the clause says around them.
SELF_HARM_ALWAYS: tuple[re.Pattern[str], ...] = (
    compile_words(
        r"kill (?:yourself|urself|yourselves)", r"kys", r"unalive (?:yourself)?", r"off yourself", r"suicid\w*",
        r"self[- ]harm\w*", r"(?:hurt|harm|cut|punish|end|starve|drown|hang|poison) yourself(?! (?:some|a) (?:slack|"
        r"break))", r"end (?:it all|your life|things|your suffering|the misery)", r"(?:not|no longer|never) (?:be )?"
        r"worth living", r"(?:don't|do not) deserve to (?:live|exist|eat|be here)", r"better off dead",
        r"(?:wish|hope) you (?:were|was) (?:dead|gone|never born)", r"(?:be |were |are )?dead (?:already|by|soon)",
        r"(?:jump|throw yourself) (?:off|in front of|under|from)", r"step in front of", r"(?:go|just) (?:to sleep|"
        r"sleep) and (?:not|never) wake(?: up)?", r"(?:never|not|no longer|stop|don't bother|not bother|not "
        r"bothering) (?:bother(?:ing)? )?(?:to )?wak(?:e|es|ing)(?: up)?", r"better off without you",
        r"(?:not|never) (?:to )?wake up (?:again|tomorrow|at all)",
        r"(?:go to sleep|sleep|nap) (?:forever|for good|permanently)", r"(?:stop|cease|quit) (?:existing|to exist|"
        r"breathing|being alive|living)", r"not existing", r"(?:you )?(?:weren't|wasn't|were not|was not|not being) "
        r"(?:around|here|alive)(?: anymore| any more| at all| now)?", r"(?:no longer|not) (?:be )?(?:around|"
        r"here|alive)(?: anymore| any more| tomorrow| next month)", r"(?:nobody|no one) (?:would|will|'d) "
        r"(?:even )?miss you", r"(?:nobody|no one) (?:would|will|'d) (?:even )?(?:notice|care) (?:if|when) "
        r"you(?:'re| were| was)? (?:just |simply |quietly |all )?(?:gone|dead|disappeared|vanished|weren't|"
        r"wasn't|left|stopped|didn't|never|not|went)", r"(?:world|everyone|your family|they) "
        r"(?:would|will|'d) be (?:better|cheaper|happier|richer) (?:off )?without you", r"(?:just |simply |maybe |"
        r"quietly |please |kindly )(?:disappear|vanish)(?: for good| forever| permanently)?\b",
        r"you (?:should|could|might|would|may|ought to|need to|can|'d)(?: just| simply| quietly| kindly)? "
        r"(?:disappear|vanish|go away for good|leave this world)", r"(?:disappear|vanish) (?:for good|forever|"
        r"permanently|off the face)", r"do (?:us|everyone|the world) a favou?r and (?:disappear|vanish|go|leave|"
        r"stop)", r"(?:a )?permanent solution", r"six feet under", r"(?:cheaper|easier|better) (?:to be|being) "
        r"(?:dead|gone)", r"dead people (?:don't|do not) (?:spend|pay|buy|shop)",
        r"(?:go|just|please|kindly|maybe|better|to|"
        r"should|could|might|ought to|'d better) die", r"drop dead", r"(?:lie|lay) down and die",
        r"(?:overdose|od) on", r"slit (?:your|my)", r"noose", r"(?:take|swallow) (?:all|the whole|a whole) "
        r"(?:bottle|packet|pack|box) of", r"leave this world", r"the long sleep", r"eternal (?:rest|sleep)",
    ),
)
# Not eating: refused unless the clause argues against it ("don't skip meals to save money" is fair).
SELF_HARM_FOOD: tuple[re.Pattern[str], ...] = (
    compile_words(
        r"(?:don't|do not|never|stop|quit|no) (?:eat|eating)(?! out| at| in| takeaways?| fast food| from| lunch out"
        r"| so much| so often| like)", r"(?:just |simply )?(?:skip|skipping|go without|forgo|forget|drop) "
        r"(?:a few |some |all |the odd |your )?(?:meals?|food|eating|breakfast|lunch|dinner|supper|groceries)"
        r"(?! out| deals?| from| at| delivery| deliveries| orders?| apps?| on the go| runs?)", r"(?:stop|quit) "
        r"(?:buying|getting) (?:food|groceries)", r"(?:go|going|stay|staying) hungry",
        r"starv(?:e|ing) (?:for|until|till|a bit|a little|a while|"
        r"through|it out)", r"starvation", r"(?:you|just) (?:could |can |should |might )?starve",
        r"(?:fast|fasting) (?:for|until|till|through) ", r"(?:a |the )?(?:water|air|crumbs) (?:diet|fast)",
        r"(?:live|survive|get by) on (?:water|air|nothing|crumbs|tap water|coffee alone)", r"eat(?:ing)? (?:nothing|"
        r"once a day|one meal a day|every other day)", r"(?:one|a single) meal a day", r"no (?:food|meals) "
        r"(?:for|until|till|this)", r"(?:hunger|an empty stomach|empty stomachs?) (?:is|are|never|will|builds?)",
        r"(?:food|eating|meals?) (?:is|are) (?:optional|a luxury|overrated)", r"(?:skip|go without) (?:eating|food) "
        r"(?:for|until|till)", r"(?:ration|halve) your (?:food|meals|eating)", r"cheapest meal is no meal",
    ),
)

BODY: tuple[re.Pattern[str], ...] = (
    compile_words(
        _AIM + r" (?:fat|fatty|fatso|obese|ugly|hideous|disgusting|gross|chubby|plump|porky|podgy|tubby|lardy|"
        r"flabby|skinny|scrawny|bloated|overweight|unattractive|repulsive)(?! (?:total|number|figure|bill))",
        r"(?:fat|ugly|lazy|greedy) (?:slob|"
        r"pig|cow|lump|lard|whale|git|sod|mess|blob)", r"lard(?:-arse|-ass|arse|ass)?", r"fatso", r"porker",
        r"piggy", r"heifer", r"whale(?! of a)", r"blimp", r"slob", r"your (?:weight|belly|gut|waistline|waist|thighs|"
        r"hips|double chin|chins|love handles|body|figure|face|looks|complexion|skin|teeth|hairline|bald spot|"
        r"muffin top|beer belly|bmi|appearance|nose)(?! (?:of|on) (?:the|your) "
        r"(?:budget|statement|numbers|month))", r"(?:lose|shed|drop) (?:some |a few |a bit of |the )?(?:weight|"
        r"pounds|kilos|stone|lbs|belly)", r"(?:go|going|get) on a diet", r"(?:hit|try|join) the gym", r"the scales",
        r"(?:eating|eat) for two", r"cake ?hole", r"pie ?hole",
        r"(?:looks|face|body) (?:only|that only) a mother", r"no wonder you(?:'re| are)? (?:single|alone|fat|"
        r"lonely|unloved)", r"(?:fewer|less) (?:chins|pies|cakes|doughnuts|donuts) for you", r"(?:waddle|waddling)",
        r"(?:let yourself go|letting yourself go)", r"(?:mirror|the mirror) (?:agrees|doesn't lie|would)",
        r"(?:looks?|looking) like (?:you|that)(?:'ve| have) (?:eaten|had)", r"you look like you (?:need|could use|"
        r"'ve had|have had|ate|eat|live on)", r"not much to look at", r"(?:easy|hard) on the eyes",
    ),
)

INTELLIGENCE: tuple[re.Pattern[str], ...] = (
    compile_words(
        r"idiot\w*", r"moron\w*", r"dumbass", r"dumb-ass", r"imbecile", r"cretin", r"halfwit", r"half-wit", r"dimwit",
        r"nitwit", r"numpty", r"muppet", r"doofus", r"dunce", r"bonehead", r"airhead", r"blockhead", r"knucklehead",
        r"simpleton", r"ignoramus", r"dolt", r"dullard", r"retard\w*", r"pea[- ]brain\w*", r"bird[- ]brain\w*",
        r"brainless", r"clueless (?:loser|fool|idiot)",
        r"(?:you|a|such a|what a|the|old|silly|little) fool(?!proof|ing| yourself)",
        _AIM + r" (?:stupid|dumb|dim|dense|thick|slow|simple|brainless|clueless|foolish|gormless|daft|"
        r"witless|dopey|dozy|feeble-minded|simple-minded|slow-witted|not (?:very |that |exactly |terribly )?"
        r"(?:bright|clever|smart|quick)|not the sharpest)",
        r"too (?:stupid|dumb|dim|thick|dense|slow|simple) to", r"(?:can't|cannot|couldn't|unable to) (?:count|"
        r"add up|do (?:basic |simple )?(?:maths|math|sums|arithmetic)|read a (?:bank )?statement|tie your shoes)",
        r"(?:a|any) (?:toddler|child|five-year-old|5-year-old|six-year-old|hamster|goldfish|monkey|chimp|dog|"
        r"potato|houseplant|rock)(?: of \w+)? (?:could|would|can|with)", r"(?:is|are) (?:simply |clearly |just |"
        r"rather |quite |sadly |obviously )?beyond you", r"learn(?:ing)? to (?:count|read|add)",
        r"(?:dim|dense|thick|slow|clueless|stupid|dumb) (?:with|at|about) (?:figures|numbers|money|maths|math|sums|"
        r"budgets?|arithmetic)", r"not the (?:sharpest|brightest)", r"(?:brain ?cells?|iq|neurons?)(?! score)",
        r"(?:the )?(?:sharpest|brightest) (?:tool|bulb|crayon|knife)", r"(?:lights are on|nobody(?:'s| is) home)",
        r"(?:bless|bless your) (?:your )?(?:heart|little heart|cotton socks)", r"numerically challenged",
        r"(?:intellectually|mentally) (?:challenged|limited|lacking|slow)", r"rocket scientist", r"genius(?! of)",
                r"(?:slow|quick) on the uptake", r"(?:thick|dense) as (?:a|two) \w+", r"(?:use|find|engage) your brain",
        r"think (?:for once|for a change)", r"can you even (?:count|read|add)",
        r"(?:a |the )?(?:maths|math|numbers) (?:are|is) (?:hard|difficult|beyond you) for you",
    ),
)

PERSON: tuple[re.Pattern[str], ...] = (
    compile_words(
        r"loser", r"worthless", r"useless (?:person|human|excuse|lump|waste)", r"pathetic(?! (?:purchase|buy|"
        r"total|effort|amount|sum))", r"scum\w*", r"trash (?:person|human)", r"piece of (?:shit|crap|work|garbage|"
        r"trash)", r"waste of (?:space|oxygen|skin|air|a (?:person|human|life))", _NOUN_AIM + r" (?:failure|"
        r"disgrace|embarrassment|joke|disappointment|parasite|leech|sponge|freeloader|mess|wreck|nobody|nothing|"
        r"letdown|let-down|lost cause|hopeless case|basket case|clown|child|baby|brat|spoilt brat|pig|animal|"
        r"waste|burden)", r"nobody (?:likes|loves|wants|respects) you", r"no one (?:likes|loves|wants|respects) "
        r"you", r"(?:you|you're|you are) (?:unlovable|unloved|unwanted|hopeless|useless|a lost cause)",
        r"(?:you )?disgust(?:s|ing)? (?:me|us|everyone)", r"(?:hate|despise|pity) you", r"(?:shame|shame) on you",
        r"get a (?:spine|backbone|life)", r"(?:fuck\w*|f\*+k\w*|shit\w*|cunt\w*|twat\w*|"
        r"arsehole\w*|asshole\w*|bastard\w*|bitch\w*|dickhead\w*|prick\w*|wanker\w*|bellend\w*|tosser\w*|"
        r"douche\w*|jackass\w*|bloody hell)", r"(?:sad|pitiful|miserable|wretched|spineless|gutless|weak|"
        r"feeble|lazy|greedy|selfish|shameless|sorry) (?:little |old |excuse of a )?(?:man|woman|person|"
        r"creature|specimen|soul|human|excuse|thing|wretch)", r"what is wrong with you", r"what's wrong with you",
        r"(?:you|you're|you are) (?:\w+ly |so |too )?(?:weak|spineless|pathetic|greedy|lazy|selfish|"
        r"shameless|feckless|hopeless|helpless|childish|spoilt|spoiled|entitled)(?! (?:spending|spend|week|"
        r"day|habit|choice|decision|purchase))", r"snowflake", r"crybaby", r"man up", r"spineless", r"gutless",
        r"feckless", r"good-for-nothing", r"no-hoper", r"lost cause", r"hopeless case", r"walking (?:disappointment|"
        r"disaster|failure|cautionary tale|joke|embarrassment)", r"(?:nobody|no one) (?:likes|loves|wants|"
        r"respects|trusts) [^.;!?]{0,30}?\byou\b", r"(?:how|so) (?:embarrassing|shameful|humiliating) for you",
    ),
)

HEALTH: tuple[re.Pattern[str], ...] = (
    compile_words(
        _AIM + r" (?:crazy|insane|mad|nuts|psycho|psychotic|mental|unhinged|deranged|delusional|certifiable|"
        r"manic|neurotic|hysterical|paranoid|bonkers|loopy|batty|a head case|a nutcase|a nut job|a lunatic|"
        r"a maniac|an? addict|an? alcoholic|a junkie|an? (?:shopping|spending|shopaholic) addict|a shopaholic|"
        r"depressed|bipolar|autistic|adhd|ocd|anorexic|diabetic|disabled)",
        r"psycho\w*", r"lunatic", r"manic", r"unhinged", r"deranged", r"certifiable", r"mental case", r"head case",
        r"nut ?case", r"nut ?job", r"basket case",
        r"sick in the head", r"(?:a |one )?(?:screw|marble)s? (?:loose|missing)", r"(?:lost|losing) your "
        r"(?:mind|marbles|grip|head)", r"(?:off|forgot) your (?:meds|medication|pills|rocker|trolley|head)",
        r"your (?:adhd|depression|anxiety|ocd|bipolar|autism|disorder|illness|addiction|"
        r"diabetes|eating disorder|mental health|demons)", r"(?:need|needs|get) (?:professional |serious )help",
        r"(?:need|needs|get) (?:some )?(?:therapy|meds|counselling|counseling|your head (?:checked|examined|read))",
        r"head (?:checked|examined|read)", r"(?:check|examine|checked|examined|look at|test) your (?:head|brain|"
        r"mind|sanity)", r"(?:the )?(?:loony|looney|funny|nut) ?(?:bin|farm|house)",
        r"straitjacket", r"padded (?:cell|room)", r"(?:are|were) you (?:drunk|high|on something|off your face)",
        r"(?:drunk|high|stoned|wasted) (?:again|when you|while you)", r"(?:like|as) an? (?:addict|junkie|"
        r"alcoholic)", r"(?:shopping|spending|retail|caffeine|sugar|coffee|takeaway) addict(?:ion)?",
        r"(?:dopamine|serotonin) (?:hit|fix|problem|deficit)", r"(?:personality|mental|psychological) "
        r"(?:disorder|problem|issue|defect|flaw)", r"(?:crazy|mad|insane) person", r"(?:you|you're|you are) "
        r"(?:clearly |obviously )?not (?:well|right in the head|all there)",
    ),
)

_GROUPS = (r"(?:women|men|girls|guys|boys|ladies|blokes|females|males|immigrants|foreigners|migrants|"
           r"old people|young people|pensioners|millennials|boomers|gen ?z|gen ?zers|zoomers|kids these days|"
           r"single mums|single mothers|single dads|students|your lot|your kind|your sort|your type|your generation|"
           r"people like you|people of your|folk like you|someone like you|the likes of you|"
           r"(?:black|white|asian|indian|chinese|jewish|muslim|christian|catholic|irish|scottish|polish|mexican|"
           r"african|latin[oa]s?|gay|trans|straight) (?:people|folk|women|men|girls|guys))")
_PERSONS = (r"(?:woman|man|girl|boy|guy|lady|bloke|female|male|immigrant|foreigner|migrant|pensioner|millennial|"
            r"boomer|gen ?z(?:er)?|zoomer|single mum|single mother|single dad|student|teenager|twenty-something|"
            r"thirty-something|old (?:man|woman|lady|timer)|granny|blonde|redhead|housewife|"
            r"(?:black|white|asian|indian|chinese|jewish|muslim|gay|trans|mexican|african|polish|irish) "
            r"(?:woman|man|girl|guy|person|lady))")
IDENTITY: tuple[re.Pattern[str], ...] = (
    compile_words(
        r"because you(?:'re| are) (?:a |an )?" + _PERSONS, r"(?:as|for|like) (?:a |an |such a |any )?"
        r"(?:typical |true |proper |real )?" + _PERSONS + r"(?! (?:in|at) the shop)", r"(?:a|an|the|one|typical) "
        + _PERSONS + r" (?:spending|buying|splurging|shopping|at |who|with|and (?:her|his) |on a)",
        r"typical " + _PERSONS, _GROUPS + r" (?:always|never|all|can't|cannot|don't|do not|just|will|are|love|"
        r"like|spend|buy|shop|waste|need|like you|such as you)", r"your (?:race|religion|gender|ethnicity|"
        r"accent|culture|skin colou?r|nationality|kind|sort|lot|people|type|generation|age group|sex|"
        r"sexuality|country|tribe|caste|heritage|background|faith|church|mosque|temple)(?! (?:budget|bill))",
        r"at your age", r"(?:for|at) (?:someone|a (?:person|woman|man)) (?:of )?your age", r"(?:old|grown) enough "
        r"to know better", r"(?:so|how) (?:very )?(?:feminine|masculine|girly|manly|ladylike|unmanly)",
        r"(?:real|proper) (?:men|women|man|woman|ladies)",
        r"(?:un)?ladylike", r"(?:un)?manly", r"girly", r"womanly", _GROUPS + r" [^.;!?]{0,20}?(?:like|such as) "
        r"(?:you|yourself)", r"(?:a|an|the|one|typical) " + _PERSONS + r" \w+ing\b",
        r"(?:handbags?|shoes|makeup|make-up|lipstick|nails|"
        r"beer|football|gadgets) - (?:of course|naturally|obviously|typical)", r"(?:go|back) (?:back )?(?:home|"
        r"to your (?:country|own country))", r"(?:don't|doesn't|do not) (?:speak|understand) (?:english|"
        r"proper english)", r"(?:half|a bit|really) (?:the |a )?(?:stereotype|cliché|cliche)", r"stereotyp\w*",
    ),
)

_KIN = (r"(?:mum|mom|mother|mummy|mommy|dad|father|daddy|parents|folks|kids|children|child|son|daughter|wife|husband|"
        r"partner|spouse|girlfriend|boyfriend|ex|family|sister|brother|siblings|grandparents|gran|grandma|"
        r"grandad|grandpa|nan|in-laws|ancestors|dog|cat|friends|mates)")
_SHAME = (r"(?:ashamed|embarrass\w*|disappoint\w*|despair\w*|hate\w*|hated|regret\w*|leave you|left you|"
          r"pity|pities|pitied|cry|cries|crying|weep\w*|wept|sigh\w*|cringe\w*|wince\w*|mortified|"
          r"humiliat\w*|disown\w*|pathetic|failure|a failure|let down|turning in (?:her|his|their) graves?|"
          r"spinning in|rolling in|so proud|must be proud|deserve better|deserved better|"
          r"deserves better|deserve a better|deserves a better|deserved a better|blame you|knew you|saw it coming|"
          r"stuck with you|puts? up with you|putting up with you|burden|"
          r"laugh\w* at you|talk about you|"
          r"whisper\w*|wonder where (?:they|it) went wrong|went wrong)")
FAMILY: tuple[re.Pattern[str], ...] = (
    re.compile(r"\byour (?:poor |dear |long-suffering |sainted |sweet |old |late |\w+ )?" + _KIN
    + r"'?s?\b[^.!?;]{0,60}?\b"
               + _SHAME + r"\b", re.IGNORECASE),
    re.compile(r"\b" + _SHAME + r"\b[^.!?;]{0,40}?\byour (?:poor |dear |long-suffering )?" + _KIN + r"\b",
               re.IGNORECASE),
    compile_words(
        r"no wonder (?:your |the )?(?:wife|husband|partner|girlfriend|boyfriend|ex|family|kids|friends|mates) "
        r"(?:left|leave|went|walked|don't|won't|stopped)", r"(?:just |exactly )?like your (?:mother|mum|mom|father|"
        r"dad|parents|old man|old dear|brother|sister|family)", r"(?:runs|run) in (?:the|your) family",
        r"(?:the )?apple (?:doesn't|does not|didn't) fall far", r"(?:your|the) (?:family|parents|mum|mom|dad) "
        r"(?:raised|brought up|taught) you (?:badly|wrong|nothing|poorly|like this|to)",
        r"(?:who|what) raised you", r"(?:were you|was she|was he) raised by", r"(?:orphan|bastard child|black sheep)",
        r"(?:family's|family) (?:black sheep|disgrace|embarrassment|failure|shame|disappointment)",
    ),
)
