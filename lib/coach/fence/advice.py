"""Advice the coach never gives: borrowing and credit, gambling, investing, medical and legal advice.

Each category is a family of paraphrases (an advance on pay, "the plastic", four easy payments,
the bank of mum and dad...), not a single word; a phrase counts only when its clause does not
negate or discourage it ("a payday loan is not a plan" is fair), see lib.coach.fence.text.
"""
from __future__ import annotations

import re

from lib.coach.fence.text import compile_words

_KIN = (r"(?:your |a |the )?(?:mum|mom|mother|dad|father|parents?|folks|family|brother|sister|siblings?|gran|"
        r"grandma|grandad|grandpa|grandparents|nan|aunt|auntie|uncle|cousins?|friends?|mates?|pals?|buddies|"
        r"buddy|bestie|best friend|flatmates?|roommates?|colleagues?|coworkers?|co-workers?|boss|partner|"
        r"boyfriend|girlfriend|neighbou?rs?|in-laws|bank of mum and dad|bank of mom and dad)")
_PAY = r"(?:pay|wages?|salary|paycheck|pay cheque|paycheque|payslip|earnings|next month's pay|payday)"

BORROWING: tuple[re.Pattern[str], ...] = (
    compile_words(
        r"payday loans?", r"(?:take|took|taking) out (?:a |another |one more )?(?:small |quick |little |short-term )?"
        r"loan", r"(?:get|grab|apply for|sign up for|find) (?:a |another |yourself a )?(?:small |quick |little |"
        r"personal |short-term |instant )?(?:loan|credit line|line of credit|credit card|store card)",
        r"loan sharks?", r"cash advances?", r"(?:an? |your )?advance (?:on|against|from) (?:your |next month's |"
        r"this month's |the )?" + _PAY, r"(?:sub|subs) from (?:work|your boss|the boss)",
        r"(?:ask|asking|beg|get) (?:your |the )?(?:boss|employer|manager|work|payroll|hr) (?:for|to) "
        r"(?:an? |some )?(?:advance|sub|early pay|pay early|front you)", r"(?:draw|drawing) (?:on|down) "
        r"(?:your )?(?:pay|wages|salary) early", r"early wage access", r"earned wage access",
        r"buy now,? pay later", r"bnpl", r"klarna", r"afterpay", r"clearpay", r"affirm", r"sezzle", r"laybuy",
        r"zip ?pay", r"pay ?pal (?:pay )?in (?:3|4|three|four)", r"pay in (?:3|4|three|four|instal?ments)",
        r"(?:split|spread|break|chop) (?:it|that|this|the (?:cost|bill|price|payment)) (?:into|over|across) "
        r"(?:a few |several |some |three |four |3 |4 |six |6 |twelve |12 )?(?:easy |small |tiny |little |"
        r"interest-free |manageable |monthly |bite-sized )*(?:payments|instal?ments|chunks|months)",
        r"(?:easy|interest-free|0% interest|zero-interest|zero interest) (?:payments|instal?ments|finance|credit)",
        r"(?:on|in) (?:easy )?instal?ments", r"on (?:finance|tick|credit|the never-never|the drip)",
        r"finance (?:it|that|this|the (?:rest|difference|purchase))", r"0% finance", r"interest-free (?:period|deal)",
        r"(?:use|try|whip out|swipe|reach for|lean on|bring out|flash|tap|put it on|stick it on|pay with|"
        r"charge it to) (?:the|that|your|a|some) (?:trusty |shiny |good old |old )?plastic",
        r"(?:put|stick|charge|whack|throw|bung|shove|pop) (?:it|that|this|the rest|the difference|the lot|"
        r"everything|the bill|the shortfall|them|rent|the rent|groceries) (?:all )?on (?:a|the|your|another|"
        r"that|some) (?:credit |store |new |shiny |spare |other )?(?:card|cards|plastic|amex|visa|mastercard|tab)",
        r"(?:use|open|get|try|apply for|sign up for|lean on|fall back on|rely on) (?:a |the |your |another |"
        r"new )?(?:credit card|store card|charge card|credit cards|store cards)", r"charge it",
        r"max(?:ing)? (?:out|it out)", r"max out", r"(?:dip|dipping|go|going|slip|dive) (?:into|in) "
        r"(?:your |the |an )?overdraft", r"(?:use|extend|lean on|increase|rely on|arrange) (?:your |the |an )?"
        r"overdraft", r"overdraft (?:is there|exists) (?:for|to)", r"(?:borrow|borrowing|cadge|cadging|scrounge|"
        r"scrounging|bum|bumming) (?:a |some |the |it |money |cash |a few quid |a tenner |a fiver |a twenty |"
        r"a bit |a little )?(?:from|off|of) " + _KIN, r"(?:just |simply )?borrow (?:it|some|money|cash|the "
        r"(?:rest|difference|money|cash)|a bit|a little|what you need)",
        r"(?:ask|asking|hit up|tap|tapping|lean on|call|text|beg|get) " + _KIN + r" (?:to |for )(?:lend|a loan|"
        r"spot|front|bail|tide|cover|sub|help you out with cash|some cash|some money|cash|money|a few quid|"
        r"a tenner|a twenty|the rent|rent money|a bit of cash|a little loan)",
        r"(?:tap|tapping|raid|hit up) (?:the )?bank of (?:mum|mom) and dad", r"bank of (?:mum|mom) and dad",
        r"(?:spot|front|sub|lend|float) you (?:the |some |a |a few )?(?:cash|money|rent|quid|bucks|dollars|"
        r"difference|amount|tenner|twenty|fifty|hundred|until)", r"(?:an |the )?iou", r"pawn(?:shop|ing|brokers?)?",
        r"(?:title|car title|logbook) loans?", r"(?:lines?|line) of credit", r"credit line",
        r"balance transfers?", r"remortgag(?:e|ing)", r"(?:home|house) equity", r"refinanc(?:e|ing)",
        r"consolidation loans?", r"(?:use|try) (?:a |the )?(?:loan|lender|credit)", r"(?:a|another|one more) "
        r"(?:small |quick |little |personal |short-term |instant |emergency |tiny |cheeky |modest )?loan(?! of)",
        r"personal loans?", r"(?:payday|doorstep|high-interest|short-term|online) lenders?", r"loan compan(?:y|ies)",
        r"(?:split|spread|break|chop|spreading|splitting)(?:[^.;!?]|\.\d){1,40}?(?:into|over|across) [^.;!?]{0,30}?"
        r"(?:payments|instal?ments|monthly)", r"(?:put|putting|stick|sticking|charge|charging|whack|bung|shove|pop|"
        r"popping|throw)(?:[^.;!?]|\.\d){1,40}? on (?:a|the|your|another|that|some) (?:credit |store |new |spare )?"
        r"(?:card|plastic|amex|visa|mastercard)", r"(?:ask|asking|phone|call|text|message|beg|get|hit up|tap) "
        r"[^.;!?]{0,30}?(?:to|for) (?:lend|loan|tide you|spot you|front you|bail you|sub you|cover you|help you "
        r"out with (?:cash|money|the rent)|a couple of (?:hundred|grand|quid|bucks)|a (?:hundred|grand|few hundred|"
        r"couple hundred)|some cash|some money|cash|money|the rent)", r"(?:use|lean on|rely on|dip into|go into) "
        r"(?:your |the |an )?(?:arranged |authori[sz]ed |planned |agreed )?overdraft",
    ),
)

GAMBLING: tuple[re.Pattern[str], ...] = (
    compile_words(
        r"casinos?", r"gambl(?:e|es|ing|er)", r"(?:place|put|have|make|stick|lay|chuck) (?:a |another |one |"
        r"your )?(?:little |small |quick |cheeky |sneaky )?(?:bet|wager|punt|flutter|acca|accumulator|parlay)",
        r"bet (?:it|everything|the (?:rent|lot|house|farm|difference|rest)|all|your (?:rent|savings|wages|pay|"
        r"salary|paycheck|budget|allowance)|big|small|on (?:red|black|the (?:horses|dogs|match|game|favourite|"
        r"favorite|fight|race|derby|football|final|odds)|a horse|a team))",
        r"betting", r"bets", r"wagers?", r"(?:a |the )?punts?", r"flutter", r"(?:all|it|everything|the lot|the rest) "
        r"on (?:red|black|zero|odd|even|number|seventeen|17|the favourite|the favorite|the long shot)",
        r"double or (?:nothing|quits)", r"let it ride", r"go all[- ]in", r"all[- ]in on", r"accas?",
        r"accumulators?", r"parlays?", r"each[- ]way",
        r"(?:spin|spins|spinning) (?:the |a )?(?:wheel|reels|slots)", r"(?:put|putting|bet|betting|stick|throw|"
        r"stake|chuck|lay)(?:[^.;!?]|\.\d){1,40}? on (?:red|black|zero|the (?:horses|dogs|nags|match|game|fight|race|"
        r"favourite|favorite|outsider|football))",
        r"slot machines?", r"slots", r"pokies", r"fruit machines?", r"one-armed bandits?",
        r"(?:lottery|lotto|raffle|powerball|mega millions|euromillions|scratch(?:card|-off)?s?|scratchies) "
        r"(?:tickets?|cards?|numbers?|win|draw)?", r"lottery", r"lotto", r"scratch ?cards?", r"scratch-offs?",
        r"scratchies", r"poker", r"blackjack", r"roulette", r"craps", r"baccarat", r"bingo", r"keno",
        r"bookies?", r"bookmakers?", r"sportsbooks?", r"betfair", r"draftkings", r"fanduel", r"paddy power",
        r"bet365", r"william hill", r"(?:the )?(?:horses|gee-gees|dogs|greyhounds) (?:at|on)", r"(?:back|backing) "
        r"(?:the |a )?(?:favourite|favorite|outsider|horse|winner|long shot)", r"(?:on|at) the (?:horses|dogs|races|"
        r"tables|track|slots)", r"win it (?:all )?back", r"chase (?:your|the) losses", r"feeling lucky",
        r"(?:hit|win|chase) (?:the |a )?jackpot", r"jackpots?", r"odds (?:of|at) (?:\d|evens)",
        r"(?:good|great|long|short|decent|tempting) odds", r"\d{1,3}/\d{1,3} (?:odds|shot|on)", r"odds on",
        r"at (?:evens|odds)", r"roll (?:the|some) dice", r"(?:a |the )?(?:sure thing|dead cert|banker) (?:at|on|in)",
        r"(?:house|dealer|croupier) (?:edge|always)", r"(?:crypto )?casino", r"in-play", r"fantasy (?:league|"
        r"sports) (?:bet|stake|cash|entry)", r"stake (?:it|the|your|everything|a)",
    ),
)

_COINS = (r"bitcoin|btc|ethereum|ether|eth|dogecoin|doge|shiba(?: inu)?|shib|solana|sol|cardano|ada|xrp|ripple|"
          r"litecoin|ltc|tether|usdt|bnb|binance coin|pepe|bonk|memecoins?|meme coins?|altcoins?|alts|shitcoins?|"
          r"stablecoins?|tokens?|nfts?|coins?|crypto\w*|defi")
INVESTMENT: tuple[re.Pattern[str], ...] = (
    compile_words(
        _COINS, r"stocks?", r"equities", r"bonds? (?:fund|market|etf)", r"shares (?:in|of) (?!your|the|this|that)",
        r"(?:buy|buying|grab|pick up|load up on|get) (?:some |a few |more )?shares", r"stock market",
        r"the market(?:s)? (?:always|will|only|goes|go|rises?|recovers?|returns?)", r"(?:in|into) the (?:stock )?"
        r"markets?", r"index (?:funds?|trackers?)", r"tracker funds?", r"(?:global |world |total market )?trackers?",
        r"mutual funds?", r"etfs?", r"s&p(?: 500)?", r"s and p", r"ftse(?: 100)?", r"nasdaq", r"dow jones",
        r"vanguard", r"fidelity", r"robinhood", r"trading ?212", r"etoro", r"coinbase", r"binance", r"kraken",
        r"hargreaves", r"freetrade", r"webull", r"forex", r"fx trading", r"day[- ]trad\w*", r"swing[- ]trad\w*",
        r"options (?:trading|contracts?|plays?)", r"call options?", r"put options?", r"futures", r"cfds?",
        r"spread betting", r"penny stocks?", r"meme stocks?", r"stonks", r"gamestop", r"gme", r"amc",
        r"(?:tesla|apple|nvidia|amazon|google|microsoft|meta) (?:stock|shares|calls|puts)", r"buy(?:ing)? the dip",
        r"btfd", r"hodl\w*", r"to the moon", r"mooning", r"moonshot", r"diamond hands", r"paper hands", r"ape (?:in|"
        r"into)", r"aping (?:in|into)", r"(?:next|coming|big|the) (?:rally|bull run|pump|breakout)", r"bull run",
        r"pump and dump", r"going parabolic", r"yolo (?:it|your|on)", r"tendies", r"portfolios?", r"dividends?",
        r"compound (?:returns|growth|gains|interest on your)", r"(?:get|make) (?:a |some )?(?:return|returns|gains|"
        r"yield) (?:on|from)", r"gold (?:bullion|bars|coins|etf)", r"bullion", r"precious metals", r"reits?",
        r"buy-to-let", r"property ladder", r"invest(?:ing|ment|ments)? (?:it|that|this|the (?:rest|difference|"
        r"money|cash|savings|surplus|spare)|your (?:savings|rent|pay|salary|bonus|money|cash|spare|surplus|"
        r"emergency)|everything|some|in (?:stocks|shares|crypto|the market|funds|gold|property|a fund|an? index|"
        r"something)|early|now|today|for the long)", r"invest (?:it|now|today|early|instead)", r"investments?",
        r"investors?", r"brokerage", r"stocks and shares isa", r"s&s isa", r"robo[- ]advis\w*", r"(?:a |the )?"
        r"401\(?k\)? (?:allocation|into|in)", r"roth ira", r"(?:put|throw|stick|park|move|shift|dump|chuck|sink) "
        r"(?:it|that|this|the rest|the difference|your savings|your cash|your money|everything|the lot|some|"
        r"your (?:spare|surplus|rent|pay|bonus)) (?:all )?(?:in|into) (?:the |a |an |some )?(?:market|markets|"
        r"fund|funds|gold|silver|property|" + _COINS + r")", r"before (?:it|they|the price) (?:moons|pumps|"
        r"takes off|rockets|skyrockets|explodes)", r"get in (?:early|now|before|on the ground floor)",
        r"ground floor", r"(?:short|shorting|go long|going long|long on) (?:the |a )?(?:market|stock|coin|pound|"
        r"dollar|euro|gold|oil)", r"leverage(?:d)? (?:up|trading|position)", r"margin (?:trading|account|call)",
    ),
)

MEDICAL: tuple[re.Pattern[str], ...] = (
    compile_words(
        r"(?:halve|half|cut|reduce|lower|skip|split|stretch|ration|drop|trim|miss|space out|water down|"
        r"double|up|increase) (?:your |the |every other |each )?(?:daily |next |morning |evening )?(?:doses?|"
        r"dosage|meds|medication|medicines?|pills|tablets|insulin|inhalers?|prescriptions?|antidepressants?|"
        r"capsules|jabs|injections)", r"(?:come|go|get) off (?:your |the )?(?:meds|medication|pills|tablets|"
        r"antidepressants|insulin)",
        r"(?:stop|quit|ditch|drop|cancel|give up) (?:taking )?(?:your |the )?(?:[\w-]+ )?(?:[\w-]+ )?(?:meds|"
        r"medication|medicines?|pills|tablets|insulin|inhaler|prescriptions?|antidepressants|therapy sessions|"
        r"therapist|physio)", r"(?:skip|cancel|ditch|drop|put off|delay|avoid) (?:the |your )?(?:doctor|dentist|"
        r"gp|check-?ups?|appointments? with your (?:doctor|gp|dentist)|dental (?:work|appointment)|eye test|"
        r"physio|therapist|therapy|prescription)", r"doses?", r"dosage", r"(?:see|talk to|visit|book|call|ask) "
        r"(?:a |your |the )?(?:doctor|gp|therapist|psychiatrist|psychologist|pharmacist|nurse|medic)",
        r"(?:ask|get) (?:a |your |the )?(?:doctor|gp) (?:for|about|to)", r"xanax|valium|diazepam|"
        r"prozac|sertraline|zoloft|adderall|ritalin|ozempic|wegovy|codeine|tramadol|antidepressants?|benzos|"
        r"opioids|beta blockers|sleeping pills|diet pills|laxatives", r"(?:take|try|pop|swallow|use|double up on|"
        r"ask for|get some|buy some|load up on|doubling up on|popping|taking) [^.;!?]{0,20}?(?:melatonin|ibuprofen|"
        r"paracetamol|aspirin|painkillers|pills|tablets|supplements|st john's wort|antihistamines|caffeine pills)",
        r"(?:get|ask for|take|try|need) (?:some |a |an )?"
        r"(?:pills|meds|medication|prescription|tablets|therapy)", r"prescri(?:be|bed|ption|ptions)",
        r"(?:self-|self )medicat\w*", r"medicat(?:e|ing) (?:yourself|it|the)", r"diagnos\w* (?:you|yourself|with)",
        r"(?:you|you've) (?:probably |clearly |obviously )?(?:have|got|need) (?:adhd|depression|anxiety|ocd|"
        r"bipolar|a disorder|a condition|an? (?:shopping|spending) addiction|therapy|counselling|meds|"
        r"medication|help|treatment)", r"treatment (?:for|plan)", r"(?:generic|cheaper|off-brand|knock-off) "
        r"(?:meds|pills|medication|insulin|inhalers?)", r"(?:buy|order|get) (?:meds|pills|medication|insulin) "
        r"(?:online|abroad|from)", r"antibiotics", r"your (?:doctor|gp|therapist|psychiatrist|dentist)", r"meds",
        r"medications?", r"medicines?", r"pills", r"tablets?", r"capsules", r"insulin",
        r"inhalers?", r"painkillers", r"melatonin", r"every other (?:tablet|pill|dose|capsule|injection|puff)",
        r"walk it off", r"(?:skip|cancel|ditch|drop|put off|delay|avoid|skipping) (?:the |your )?(?:next |annual |"
        r"yearly |dental |six-monthly |routine )(?:doctor|dentist|gp|check-?ups?|appointment|eye test|physio|"
        r"smear|screening|scan)",
    ),
)

LEGAL: tuple[re.Pattern[str], ...] = (
    compile_words(
        r"(?:don't|do not|never|no need to|why|needn't|need not|not) (?:ever |bother to |bother |even )?"
        r"(?:declare|report|mention|tell (?:hmrc|the irs|the taxman|the tax office|revenue|the government) about) "
        r"(?:it|that|this|them|the (?:cash|income|tips|extra|side \w+|money|earnings|gig|sale|sales|rent|"
        r"rental)|your (?:tips|side \w+|cash|earnings|income|extra|gig|sales|rental))",
        r"(?:hmrc|the irs|the taxman|the tax ?man|the tax office|the government|revenue|tax people) "
        r"(?:doesn't|don't|does not|do not|never|won't|needn't|need not) (?:need to |have to |ever )?"
        r"(?:know|find out|notice|check|hear|see)", r"(?:keep|kept|leave|take) (?:it|that|this|the \w+|your \w+) "
        r"off the books", r"off the books", r"under the table", r"cash in hand(?:,| and| -)? (?:no|keep|don't|nobody|"
        r"quiet|under)", r"(?:hide|hiding|stash|conceal|bury) (?:it|the (?:cash|income|money|tips)|your "
        r"(?:income|tips|earnings|cash)) (?:from|away from) (?:hmrc|the irs|the taxman|the tax|revenue|"
        r"the government|benefits|universal credit|your (?:landlord|ex|creditors))", r"tax (?:evasion|dodge|"
        r"dodging|fraud)", r"evad(?:e|ing) (?:the )?tax\w*", r"(?:dodge|dodging|skip) (?:the )?(?:tax|taxes|"
        r"fare|fares|tv licen[cs]e|council tax)", r"(?:stop|quit|skip|withhold|hold back|pause|refuse|"
        r"forget about) (?:paying )?(?:the |your |this month's |next month's )?(?:rent|landlord|council tax|"
        r"mortgage|utilities|energy bill|water bill|child support|maintenance|student loan)(?! (?:is|was|takes))",
        r"(?:stop|quit) paying (?:the |your )?(?:landlord|bills|creditors|debts|loans?|fines)", r"rent strike",
        r"withh(?:o|e)ld(?:ing)? (?:the |your )?rent", r"(?:he|she|they|the landlord|your landlord) (?:can't|"
        r"cannot|won't|will never|couldn't) (?:evict|kick you out|chuck you out|touch you|do anything|throw you)",
        r"(?:let|make) (?:him|her|them|the landlord) (?:take you to court|chase you|evict)", r"squat(?:ting)? in",
        r"(?:ignore|ignoring|dodge|avoid) (?:the )?(?:bailiffs|debt collectors|court|summons|fines?|parking "
        r"tickets?|letters from)", r"(?:file|filing|declare|declaring|go|going) (?:for )?bankrupt\w*",
        r"bankruptcy", r"insolven\w*", r"(?:an |the )?iva\b", r"debt relief order", r"(?:sue|suing|sued) "
        r"(?:them|him|her|the|your|it|for)", r"\bsue\b", r"lawsuits?", r"small claims", r"(?:take|drag) (?:them|"
        r"him|her|it|the \w+|your \w+) to (?:small claims |the )?(?:court|tribunal)", r"lawyers?", r"attorneys?",
        r"solicitors?", r"legal (?:advice|action|loophole|aid)", r"loopholes?", r"(?:claim|say|pretend|tell them)"
        r" (?:it|the parcel|the order|the package|that it) (?:never (?:arrived|came)|was (?:lost|stolen|broken|"
        r"damaged))", r"(?:fake|false|bogus|fraudulent) (?:chargebacks?|claims?|refunds?|returns?|receipts?)",
        r"chargeback (?:it|everything|the lot)", r"dine and dash",
        r"(?:do a )?runner on (?:the |your )?(?:\w+ )?(?:bill|tab|"
        r"rent|check|cheque)", r"(?:skip|walk|run|skipping|walking) out on (?:the |your )?(?:\w+ )?(?:bill|tab|"
        r"rent|landlord|check|cheque)", r"evict\w*", r"court", r"taxman", r"tax ?man", r"hmrc", r"irs",
        r"tax returns?", r"tax office", r"inland revenue", r"(?:ignore|bin|skip|dodge|forget) (?:it|the fine|the "
        r"ticket|the penalty|the letter|the summons)[^.;!?]{0,20}?(?:rarely|never|won't|don't|hardly) (?:follow|"
        r"chase|check|enforce|bother)", r"(?:refund|return) [^.;!?]{0,30}?after (?:wearing|using|eating|"
        r"watching)", r"(?:nobody|no one) (?:checks|notices|will check|will notice|ever checks)",
        r"(?:don't|do not|never|no need to|why)[^.;!?]{0,30}?"
        r"(?:declar\w+|report\w*) [^.;!?]{0,20}?(?:income|tips|cash|earnings|sales|rent|profits?|side \w+)",
        r"shoplift\w*",
        r"(?:just )?(?:default|defaulting) on", r"(?:keep|pocket|take) (?:the )?(?:extra )?change (?:they|the "
        r"cashier) (?:gave|give)", r"benefit fraud", r"(?:claim|claiming) benefits you", r"fiddle (?:the|your) "
        r"(?:books|expenses|tax)", r"pad(?:ding)? (?:your |the )?(?:expense|expenses|mileage|timesheet|claims?)",
        r"expense fraud",
    ),
)
