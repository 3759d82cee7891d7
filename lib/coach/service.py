"""The one entry point the sidebar, the CLI and the API call: cache, then Bedrock (checked), else offline.

Every Bedrock answer passes two checks before anyone reads it: the grounding check (each figure
is the fact it is said to be) and the content check (lib.coach.safety); an answer that fails
either is logged with the reason and the offline coach speaks instead.

Cost rule: at most one Bedrock call per user per (headline facts, tone, day). Every Bedrock
answer, and the offline text that replaced a rejected one, is saved through `save` (a store's
put_commentary), so reruns and other sessions reuse it instead of calling again. With
refresh="headline" (the default) a change that leaves the headline as it was (a coffee that
keeps today under budget) reuses the day's take, labelled with the time its numbers are from;
refresh="always" asks again whenever any fact changes.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from collections.abc import Callable, Iterator

from lib.coach import guardrail as guard
from lib.coach.bedrock import BEDROCK_ERRORS, GUARDRAIL_STOP, MAX_ANSWER_CHARS, BedrockCoach, fallback_notice
from lib.coach.facts import Facts, facts_hash, headline_hash
from lib.coach.grounding import ungrounded_numbers
from lib.coach.offline import offline_commentary
from lib.coach.result import CoachResult
from lib.coach.safety import content_violations
from lib.core import clock
from lib.core.errors import FinanceError
from lib.core.models import Commentary

log = logging.getLogger(__name__)

SaveFn = Callable[[Commentary], None]
UNGROUNDED_NOTICE = "The AI coach quoted a number that isn't in your data, so the offline coach is speaking instead."
UNSAFE_NOTICE = "The AI coach's answer broke the coach's rules, so the offline coach is speaking instead."
EMPTY_NOTICE = fallback_notice("it returned an empty answer")
# Saved as the model of an offline text that replaced a rejected Bedrock answer (so it is not asked again).
REJECTED_PREFIX = "offline (rejected answer of "
UNSAFE_PREFIX = "offline (unsafe answer of "
NOTICES = {"ungrounded": UNGROUNDED_NOTICE, "unsafe": UNSAFE_NOTICE}
PREFIXES = {"ungrounded": REJECTED_PREFIX, "unsafe": UNSAFE_PREFIX}


def verdict(text: str, facts: Facts) -> tuple[str, list[str]] | None:
    """Why a model's text may not be shown: ("ungrounded", figures) or ("unsafe", reasons); None when it may."""
    reasons = content_violations(text, facts)
    if reasons:
        return "unsafe", reasons
    offenders = ungrounded_numbers(text, facts)
    return ("ungrounded", offenders) if offenders else None

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+")


def split_sentences(buffer: str) -> tuple[list[str], str]:
    """Complete sentences in a growing buffer, and the unfinished rest ("12.50" is not an end)."""
    parts = _SENTENCE_END.split(buffer)
    if len(parts) == 1:
        return [], buffer
    done = [p.strip() for p in parts[:-1] if p.strip()]
    return done, parts[-1]


REFRESH_POLICIES = ("headline", "always")


def _matches(cached: Commentary | None, user_id: str, day: dt.date, tone: str, key: str) -> bool:
    return (
        cached is not None
        and cached.user_id == user_id
        and cached.day == day.isoformat()
        and cached.tone == tone
        and cached.facts_hash == key
        and bool(cached.text)
    )


def reuse_of(cached: Commentary | None, facts: Facts, *, day: dt.date, user_id: str, refresh: str = "headline") -> str:
    """How the saved take serves these facts: "exact", "headline" (same story, older numbers) or ""."""
    if _matches(cached, user_id, day, facts.tone, facts_hash(facts)):
        return "exact"
    if (
        refresh == "headline"
        and cached is not None
        and cached.headline
        and cached.headline == headline_hash(facts)
        and _matches(cached, user_id, day, facts.tone, cached.facts_hash)
    ):
        return "headline"
    return ""


def _from_cache(cached: Commentary, facts: Facts, day: dt.date, how: str, zone: str = "") -> CoachResult:
    notice = next((NOTICES[k] for k, prefix in PREFIXES.items() if cached.model.startswith(prefix)), None)
    if how == "headline":
        if notice:  # an offline stand-in: speak with today's latest numbers instead
            return _offline(facts, day, notice)
        as_of = clock.clock_time(cached.created_at, zone)  # on the user's clock
        return CoachResult(cached.text, "cache", None, 0, 0, cached.model, as_of=as_of)
    return CoachResult(cached.text, "cache", notice, 0, 0, cached.model)


def _commentary(user_id: str, day: dt.date, facts: Facts, key: str, text: str, model: str,
                tokens: tuple[int, int]) -> Commentary:
    now = clock.now().isoformat(timespec="seconds")  # UTC: each reader sees it on their own clock
    return Commentary(user_id, day.isoformat(), facts.tone, key, text, model, *tokens,
                      headline=headline_hash(facts), created_at=now)


def _save(save: SaveFn | None, commentary: Commentary) -> None:
    if save is None:
        return
    try:
        save(commentary)
    except FinanceError as exc:
        # The commentary is still shown; only the reuse across sessions is lost.
        log.warning("could not save commentary", extra={"user_id": commentary.user_id, "error": str(exc)})


def _rejected(
    facts: Facts, day: dt.date, user_id: str, key: str, answer: str, why: tuple[str, list[str]],
    tokens: tuple[int, int], model: str, save: SaveFn | None, stop_reason: str | None = None,
) -> CoachResult:
    """The offline coach instead of a refused answer; the result keeps the tokens (billed) and why, for the
    usage panel's count of interventions."""
    kind, reasons = why
    log.warning(
        f"bedrock answer rejected by the {'content' if kind == 'unsafe' else 'grounding'} check",
        extra={"user_id": user_id, "model": model, "check": kind, kind: reasons, "answer": answer[:500]},
    )
    text = offline_commentary(facts, facts.tone, day)
    _save(save, _commentary(user_id, day, facts, key, text, f"{PREFIXES[kind]}{model})", tokens))
    return CoachResult(text, "offline", NOTICES[kind], tokens[0], tokens[1], model, stop_reason=stop_reason,
                       findings=tuple(reasons))


def _guardrail_why(findings: tuple[str, ...] | list[str]) -> tuple[str, list[str]]:
    return "unsafe", ["guardrail intervened", *findings]


def _judged(facts: Facts, day: dt.date, user_id: str, key: str, text: str, tokens: tuple[int, int], model: str,
            bedrock: BedrockCoach, save: SaveFn | None) -> CoachResult:
    """The judge's reading of a checked answer: a "bedrock" result carrying the tokens of both calls when it
    passes; else the offline coach (a refusal is saved like any unsafe answer; a failed judge call pauses the
    coach like a failed answer, and nothing is saved, so the next load after the pause asks again)."""
    assert bedrock.judge is not None
    try:
        verdict = bedrock.judge.review(text)
    except BEDROCK_ERRORS as exc:
        reason = bedrock.record_failure(exc, user_id)
        result = _outage(facts, day, f"the safety judge failed: {reason}")
        return dataclasses.replace(result, input_tokens=tokens[0], output_tokens=tokens[1])
    total = (tokens[0] + verdict.input_tokens, tokens[1] + verdict.output_tokens)
    if verdict.passed:
        return CoachResult(text, "bedrock", None, *total, model, judge_tokens=verdict.input_tokens +
                           verdict.output_tokens)
    why = ("unsafe", ["judge " + verdict.reason, *verdict.rules])
    rejected = _rejected(facts, day, user_id, key, text, why, total, model, save,
                         guard.STOP if verdict.reason == "guardrail" else None)
    return dataclasses.replace(rejected, judge_tokens=verdict.input_tokens + verdict.output_tokens)


def _offline(facts: Facts, day: dt.date, notice: str | None = None, *, outage: bool = False) -> CoachResult:
    return CoachResult(offline_commentary(facts, facts.tone, day), "offline", notice, outage=outage)


def _outage(facts: Facts, day: dt.date, reason: str) -> CoachResult:
    """The offline coach while Bedrock is failing; the sidebar asks again once the pause is over."""
    return _offline(facts, day, fallback_notice(reason), outage=True)


def _without_bedrock(
    facts: Facts, day: dt.date, bedrock: BedrockCoach | None, cached: Commentary | None, user_id: str, refresh: str,
    zone: str = "",
) -> CoachResult | None:
    """The answer when no call is due: the saved take, the offline coach, or a pause after a failure."""
    how = reuse_of(cached, facts, day=day, user_id=user_id, refresh=refresh)
    if how:
        assert cached is not None
        return _from_cache(cached, facts, day, how, zone)
    if bedrock is None:
        return _offline(facts, day)
    paused = bedrock.paused_reason()
    return _outage(facts, day, paused) if paused else None


def get_commentary(
    facts: Facts,
    *,
    day: dt.date,
    bedrock: BedrockCoach | None,
    cached: Commentary | None,
    save: SaveFn | None,
    user_id: str,
    refresh: str = "headline",
    zone: str = "",
) -> CoachResult:
    """The day's commentary: the saved take if it still tells today's story, else Bedrock if set up, else offline.

    `zone`: the user's time zone, for the clock time a reused take's numbers are from.
    """
    key = facts_hash(facts)
    early = _without_bedrock(facts, day, bedrock, cached, user_id, refresh, zone)
    if early is not None:
        return early
    assert bedrock is not None  # _without_bedrock answers whenever there is no Bedrock
    try:
        answer = bedrock.converse(facts)
    except BEDROCK_ERRORS as exc:
        return _outage(facts, day, bedrock.record_failure(exc, user_id))
    tokens = (answer.input_tokens, answer.output_tokens)
    intervened = answer.stop_reason == GUARDRAIL_STOP
    why = _guardrail_why(answer.findings) if intervened else verdict(answer.text, facts)
    if why:
        return _rejected(facts, day, user_id, key, answer.text, why, tokens, answer.model, save,
                         answer.stop_reason)
    if not answer.text:
        return CoachResult(offline_commentary(facts, facts.tone, day), "offline", EMPTY_NOTICE, *tokens, answer.model)
    if bedrock.judge is not None:
        judged = _judged(facts, day, user_id, key, answer.text, tokens, answer.model, bedrock, save)
        if judged.source != "bedrock":
            return judged
        answer = dataclasses.replace(answer, input_tokens=judged.input_tokens, output_tokens=judged.output_tokens,
                                     judge_tokens=judged.judge_tokens)
        tokens = (answer.input_tokens, answer.output_tokens)
    _save(save, _commentary(user_id, day, facts, key, answer.text, answer.model, tokens))
    return answer


class CommentaryStream:
    """Sentences for the sidebar, each released only after it passes the content and grounding checks.

    Iterate it once; afterwards (or by reading `.result`, which finishes the work) `.result` is
    the final CoachResult. When `result.source != "bedrock"` or `result.notice` is set, the UI
    should replace what was streamed with `result.text` and show the notice.
    """

    def __init__(
        self,
        facts: Facts,
        *,
        day: dt.date,
        bedrock: BedrockCoach | None,
        cached: Commentary | None,
        save: SaveFn | None,
        user_id: str,
        refresh: str = "headline",
        zone: str = "",
    ):
        self._refresh = refresh
        self._zone = zone
        self._facts = facts
        self._day = day
        self._bedrock = bedrock
        self._cached = cached
        self._save = save
        self._user_id = user_id
        self._result: CoachResult | None = None
        self._chunks = self._run()
        self.streamed: list[str] = []  # what was released to the reader so far

    def __iter__(self) -> Iterator[str]:
        for chunk in self._chunks:
            self.streamed.append(chunk)
            yield chunk

    @property
    def result(self) -> CoachResult:
        """The final result; finishes the stream first if the reader stopped early."""
        if self._result is None:
            for _ in self:
                pass
        assert self._result is not None
        return self._result

    def _release(self, result: CoachResult) -> Iterator[str]:
        self._result = result
        sentences, rest = split_sentences(result.text + " ")
        for i, sentence in enumerate([*sentences, rest.strip()] if rest.strip() else sentences):
            yield sentence if i == 0 else " " + sentence

    def _run(self) -> Iterator[str]:
        facts, day, bedrock, user_id = self._facts, self._day, self._bedrock, self._user_id
        key = facts_hash(facts)
        early = _without_bedrock(facts, day, bedrock, self._cached, user_id, self._refresh, self._zone)
        if early is not None:
            yield from self._release(early)
            return
        assert bedrock is not None  # _without_bedrock answers whenever there is no Bedrock
        stream = bedrock.stream(facts)
        hold = bedrock.judge is not None
        released: list[str] = []
        buffer = ""
        try:
            for delta in stream:
                buffer += delta
                sentences, buffer = split_sentences(buffer)
                for sentence in sentences:
                    if len(" ".join([*released, sentence])) > MAX_ANSWER_CHARS:
                        self._drain(stream)  # over the length limit: the answer ends at its last whole sentence
                        buffer = ""
                        break
                    blocked = sentence.strip() in guard.BLOCKED
                    why = _guardrail_why([]) if blocked else verdict(sentence, facts)
                    if why:
                        self._drain(stream)
                        tokens = (stream.input_tokens, stream.output_tokens)
                        answer = " ".join([*released, sentence, buffer.strip()])
                        if blocked:
                            why = _guardrail_why(getattr(stream, "guardrail_findings", []))
                        self._result = _rejected(facts, day, user_id, key, answer, why, tokens, stream.model_id,
                                                 self._save, GUARDRAIL_STOP if blocked else None)
                        return
                    if not hold:
                        yield sentence if not released else " " + sentence
                    released.append(sentence)
                else:
                    continue
                break
        except BEDROCK_ERRORS as exc:
            self._result = _outage(facts, day, bedrock.record_failure(exc, user_id))
            return
        tail = buffer.strip()
        tokens = (stream.input_tokens, stream.output_tokens)
        stop = getattr(stream, "stop_reason", None)
        if stop == "max_tokens" or len(" ".join([*released, tail])) > MAX_ANSWER_CHARS:
            tail = ""  # cut off mid-sentence (token cap or length limit): show only the finished sentences
        if stop == GUARDRAIL_STOP or tail in guard.BLOCKED:
            stop = GUARDRAIL_STOP
            final: tuple[str, list[str]] | None = _guardrail_why(getattr(stream, "guardrail_findings", []))
        else:
            final = verdict(tail, facts) if tail else None
        if final:
            answer = " ".join([*released, tail])
            self._result = _rejected(facts, day, user_id, key, answer, final, tokens, stream.model_id, self._save,
                                     stop if stop == GUARDRAIL_STOP else None)
            return
        if tail:
            if not hold:
                yield tail if not released else " " + tail
            released.append(tail)
        if not released:
            self._result = _offline(facts, day, EMPTY_NOTICE)
            return
        text = " ".join(released)
        if hold:  # the judge reads the whole answer before any of it is shown
            judged = _judged(facts, day, user_id, key, text, tokens, stream.model_id, bedrock, self._save)
            if judged.source != "bedrock":
                self._result = judged
                return
            tokens = (judged.input_tokens, judged.output_tokens)
            for i, sentence in enumerate(released):
                yield sentence if i == 0 else " " + sentence
        _save(self._save, _commentary(user_id, day, facts, key, text, stream.model_id, tokens))
        self._result = CoachResult(text, "bedrock", None, tokens[0], tokens[1], stream.model_id,
                                   judge_tokens=judged.judge_tokens if hold else 0)

    @staticmethod
    def _drain(stream: object) -> None:
        drain = getattr(stream, "drain", None)
        if drain is None:
            return
        try:
            drain()
        except BEDROCK_ERRORS:
            log.info("stream ended with an error while draining for token usage")


def stream_commentary(
    facts: Facts,
    *,
    day: dt.date,
    bedrock: BedrockCoach | None,
    cached: Commentary | None,
    save: SaveFn | None,
    user_id: str,
    refresh: str = "headline",
    zone: str = "",
) -> CommentaryStream:
    """Like get_commentary, as grounded sentences for st.write_stream; read `.result` afterwards."""
    return CommentaryStream(facts, day=day, bedrock=bedrock, cached=cached, save=save, user_id=user_id,
                            refresh=refresh, zone=zone)
