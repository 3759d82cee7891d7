"""The sidebar every page shares after the gate: the coach's commentary and usage & cost."""
from __future__ import annotations

import threading
from typing import Any

import streamlit as st

from lib import analytics, ui, views
from lib.cost import monthly_cost_estimate
from lib.errors import FinanceError
from lib.models import currency_symbol


@st.cache_resource(show_spinner=False)
def _coach_memo() -> tuple[dict[tuple[str, str, str, str], Any], threading.Lock]:
    """Coach results per (user, day, tone, facts): reruns and other tabs reuse them, no new call."""
    return {}, threading.Lock()


def _tokens() -> dict[str, int]:
    return st.session_state.setdefault("_coach_tokens", {"input": 0, "output": 0, "calls": 0})


def _commentary(ctx: ui.Context, window: Any) -> None:
    from lib.coach import build_facts, facts_hash, get_commentary, stream_commentary

    facts = build_facts(window.profile, analytics.transactions_frame(window.transactions), ctx.today,
                        currency_symbol(window.transactions))
    key = (ctx.user_id, ctx.today.isoformat(), window.profile.ai_tone, facts_hash(facts))
    memo, lock = _coach_memo()
    with lock:
        result = memo.get(key)
    box = st.empty()
    if result is None:
        bedrock = ui.bedrock_coach(ctx.settings)
        common = {"day": ctx.today, "bedrock": bedrock, "cached": window.commentary,
                  "save": ctx.store.put_commentary, "user_id": ctx.user_id}
        fresh_cache = window.commentary is not None and window.commentary.facts_hash == key[3] \
            and window.commentary.day == key[1] and window.commentary.tone == key[2]
        if bedrock is not None and not fresh_cache:
            stream = stream_commentary(facts, **common)
            with box.container():
                st.write_stream(stream)
            result = stream.result
        else:
            result = get_commentary(facts, **common)
        if result.source == "bedrock":
            t = _tokens()
            t["input"] += result.input_tokens
            t["output"] += result.output_tokens
            t["calls"] += 1
        with lock:
            memo[key] = result
    with box.container():
        st.markdown(f"> {result.text}")
    label = {"bedrock": f"AI coach ({result.model})", "cache": f"AI coach ({result.model}), today's take",
             "offline": "Offline coach"}.get(result.source, result.source)
    st.caption(f"{label} · tone: {window.profile.ai_tone}")
    if result.notice:
        st.warning(result.notice, icon="⚠️")


def render_sidebar(ctx: ui.Context) -> None:
    """Coach commentary in the user's tone, then the usage & cost panel."""
    st.markdown("#### 🗣️ Your coach says")
    try:
        window = ui.load_window(ctx, *views.coach_range(ctx.today))
    except FinanceError as exc:
        st.warning(f"The coach cannot see your data right now: {exc}", icon="⚠️")
        return
    _commentary(ctx, window)

    usage = ui.usage_this_session(ctx)
    tokens = _tokens()
    st.caption(
        f"This session: {usage.requests} store requests · "
        f"{tokens['input'] + tokens['output']} Bedrock tokens"
    )
    with st.expander("Usage & cost"):
        est = monthly_cost_estimate(ctx.settings.store_kind)
        st.markdown(
            f"- Store requests: **{usage.requests}** ({usage.reads} reads, {usage.writes} writes)\n"
            f"- Consumed capacity: **{usage.read_units:.1f}** read units, **{usage.write_units:.1f}** write units\n"
            f"- Bedrock: **{tokens['calls']}** calls, "
            f"**{tokens['input']}** input / **{tokens['output']}** output tokens\n"
            f"- Projected cost of a typical user: **${est.total_usd:.4f} / month** ({est.basis})"
        )
