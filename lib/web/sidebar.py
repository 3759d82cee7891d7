"""The sidebar every page shares after the gate: the coach's commentary and usage & cost."""
from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from typing import Any

import streamlit as st

from lib.core.cost import monthly_cost_estimate
from lib.core.errors import FinanceError
from lib.core.types import Window
from lib.web import state, views


@st.cache_resource(show_spinner=False)
def _coach_memo() -> tuple[dict[tuple[str, str, str, str], Any], threading.Lock]:
    """Coach results per (user, day, tone, facts): reruns and other tabs reuse them, no new call."""
    return {}, threading.Lock()


@st.cache_resource(ttl=300, show_spinner=False, max_entries=2000)
def _facts(store_url: str, user_id: str, name: str, today: dt.date, version: int,
           load_start: dt.date | None) -> tuple[Any, str]:
    """The coach's facts (from the one standing) and their hash per user, day and data version."""
    from lib.coach import facts_hash
    from lib.coach.facts import facts_from_standing

    facts = facts_from_standing(state._standing(store_url, user_id, today, name, version, load_start))
    return facts, facts_hash(facts)


def _tokens() -> dict[str, int]:
    counts = st.session_state.setdefault("_coach_tokens", {"input": 0, "output": 0, "calls": 0})
    for key in ("guardrail", "judge", "refused"):  # issue 24: answers the checks kept from the user
        counts.setdefault(key, 0)
    return counts


def count_result(counts: dict[str, int], result: Any) -> None:
    """Add one coach result to this session's counts: tokens of every answer Bedrock billed (shown or not),
    guardrail interventions, judge refusals and other refusals (lib.coach.service sets `findings`)."""
    if result.source == "cache" or not (result.input_tokens or result.output_tokens):
        return
    counts["input"] += result.input_tokens
    counts["output"] += result.output_tokens
    counts["calls"] += 1
    findings = tuple(getattr(result, "findings", ()) or ())
    if result.stop_reason == "guardrail_intervened" or "guardrail intervened" in findings:
        counts["guardrail"] += 1
    elif findings and findings[0].startswith("judge"):
        counts["judge"] += 1
    elif result.source == "offline" and not result.outage:  # an outage is no refusal: the call failed
        counts["refused"] += 1


def _in_browser_locale(facts: Any, digest: str) -> tuple[Any, str]:
    """Issue 25: the coach writes the home currency the way this browser does (the saved locale is for nudges)."""
    from lib.coach import facts_hash
    from lib.web.money import browser_locale

    browser = browser_locale()
    if not facts.currency or not browser or browser == facts.locale:
        return facts, digest
    facts = dataclasses.replace(facts, locale=browser)
    return facts, facts_hash(facts)


def _commentary(ctx: state.Context, window: Window, version: int) -> None:
    from lib.coach import get_commentary, stream_commentary

    facts, digest = _facts(ctx.settings.store_url, ctx.user_id, ctx.name, ctx.today, version, ctx.history_start)
    facts, digest = _in_browser_locale(facts, digest)
    key = (ctx.user_id, ctx.today.isoformat(), window.profile.ai_tone, digest)
    memo, lock = _coach_memo()
    bedrock = state.bedrock_coach(ctx.settings)
    with lock:
        result = memo.get(key)
    if result is not None and result.outage and (bedrock is None or bedrock.paused_reason() is None):
        result = None  # the outage is no longer remembered: this load asks again (reruns within it do not)
    with st.container(key="coach_words"):  # a stable handle for the browser tests
        box = st.empty()
    if result is None:
        common = {"day": ctx.today, "bedrock": bedrock, "cached": window.commentary,
                  "save": ctx.store.put_commentary, "user_id": ctx.user_id, "refresh": ctx.settings.bedrock_refresh,
                  "zone": window.profile.timezone}
        if bedrock is not None:  # a saved take needs no call; the stream then replays it at once
            stream = stream_commentary(facts, **common)
            shown = ""
            for chunk in stream:  # checked sentences, shown as they come, as plain text
                shown += chunk
                box.text(shown)
            result = stream.result
        else:
            result = get_commentary(facts, **common)
        count_result(_tokens(), result)
        with lock:
            memo[key] = result
    # Model answers and the user's own strings are plain text: no markdown, links, images or HTML.
    box.text(result.text)
    label = {"bedrock": f"AI coach ({result.model})", "cache": f"AI coach ({result.model}), today's take",
             "offline": "Offline coach"}.get(result.source, result.source)
    if result.as_of:
        label += f", numbers as of {result.as_of}"
    st.caption(f"{label} · tone: {window.profile.ai_tone}")
    st.session_state[_SAID] = (ctx.user_id, result.text, f"{label} · tone: {window.profile.ai_tone}")
    if result.notice:
        st.warning(result.notice, icon="⚠️")


_SAID = "_coach_said"  # this run's words (user, text, caption), for the page's own copy on a phone


def coach_on_page(ctx: state.Context) -> None:
    """The coach's words of this run again, in the page's main column, shown only where the sidebar
    starts collapsed (lib/web/layout.py): on a phone the product's voice is on the first screen.
    No second model call and no second read: the sidebar's result of this same run, kept in the session."""
    said = st.session_state.get(_SAID)
    if not said or said[0] != ctx.user_id:
        return
    with st.container(key="coach_main", border=True):
        st.markdown("**🗣️ Your coach says**")
        st.text(said[1])  # plain text, as in the sidebar
        st.caption(said[2])


def render_sidebar(ctx: state.Context) -> None:
    """Coach commentary in the user's tone, then the usage & cost panel."""
    st.session_state.pop(_SAID, None)  # a run that cannot reach the coach shows no old words on the page
    st.markdown("#### 🗣️ Your coach says")
    # The version is read before the load: a write in between can only make the window newer
    # than its key, which the next run simply recomputes, never the other way round.
    version = state.data_version(ctx.user_id)
    try:
        window = state.load_window(ctx, *views.coach_range(ctx.today))
    except FinanceError as exc:
        st.warning(f"The coach cannot see your data right now: {exc}", icon="⚠️")
        return
    _commentary(ctx, window, version)


def render_usage(ctx: state.Context) -> None:
    """This session's store requests, capacity and Bedrock tokens, and what a user costs a month.

    Drawn at the end of the page (see ui.finish) so it counts the page's own reads and writes.
    """
    usage = state.usage_this_session(ctx)
    tokens = _tokens()
    st.caption(
        f"This session: {usage.requests} store requests · "
        f"{tokens['input'] + tokens['output']} Bedrock tokens"
    )
    with st.expander("Usage & cost"):
        kind = ctx.settings.store_kind
        guarded = bool(ctx.settings.bedrock_guardrail_id)
        est = monthly_cost_estimate(kind, guardrail=guarded, judge=ctx.settings.bedrock_judge) \
            if ctx.settings.bedrock_enabled else monthly_cost_estimate(kind, bedrock_calls_per_day=0.0)
        st.markdown(
            f"- Store requests: **{usage.requests}** ({usage.reads} reads, {usage.writes} writes)\n"
            f"- Consumed capacity: **{usage.read_units:.1f}** read units, **{usage.write_units:.1f}** write units\n"
            f"- Bedrock: **{tokens['calls']}** calls, "
            f"**{tokens['input']}** input / **{tokens['output']}** output tokens\n"
            f"- Answers withheld: **{tokens['guardrail']}** by the guardrail, **{tokens['judge']}** by the judge, "
            f"**{tokens['refused']}** by the local checks\n"
            f"- Projected cost of a typical user: **${est.total_usd:.4f} / month** ({est.basis})"
        )
