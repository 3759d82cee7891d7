"""A simulated month of one user through the real app and store on dynalite, priced.

A scripted user (fixed seed, a fixed month) opens the dashboard every day, the Forecast page every
Monday, adds a few card payments by hand on the Transactions page and imports one bank CSV. The
AI coach is on, answered by a fake Bedrock client that counts calls and tokens (input tokens by the
app's own estimate_tokens of the request texts; a scripted answer of typical length). The month's
store requests and consumed units come from the store's meter; the prices from lib/core/cost.py.
The nudges run too (issue 18): the jobs tick at the user's 08:00 and 20:30 every day, with one
channel (a JSON webhook on a local HTTP server); their requests are counted apart as well.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
from typing import Any

import time_machine

import lib.coach.bedrock as bedrock_module
from bench.app_pages import DASHBOARD, AppHarness, app_store, clear_caches, run
from lib.coach.bedrock import estimate_tokens
from lib.core import cost
from lib.core.demo import demo_profile, demo_transactions

USER = "month-user"
SEED = 2026
MONTH_START = dt.date(2026, 11, 2)  # a Monday: the same month every run
DAYS = 30
IMPORT_DAY = 14
TRANSACTIONS = "pages/1_Transactions.py"
FORECAST = "pages/2_Forecast.py"
# No numbers in it (the grounding check lets it through); about as long as the offline coach's answers.
ANSWER = (
    "You keep telling yourself the small stuff does not count, and yet here we are again. The streak "
    "is only as strong as the next purchase you decide not to make. Walk past the cafe tomorrow, cook "
    "tonight, and check back before you spend anything else. Future you is watching and taking notes."
)
MERCHANTS = [("Coffee", "Corner Cafe"), ("Groceries", "Fresh Market"), ("Transport", "Metro"),
             ("Eating out", "Burger Joint"), ("Shopping", "Bookshop")]


class CountingBedrock:
    """A bedrock-runtime client: answers every Converse call and counts calls and tokens."""

    def __init__(self) -> None:
        self.calls = 0
        self.input_tokens = 0
        self.output_tokens = 0

    def _usage(self, request: dict[str, Any]) -> dict[str, int]:
        text = "".join(part["text"] for part in request["system"]) + "".join(
            block["text"] for msg in request["messages"] for block in msg["content"])
        usage = {"inputTokens": estimate_tokens(text), "outputTokens": estimate_tokens(ANSWER)}
        self.calls += 1
        self.input_tokens += usage["inputTokens"]
        self.output_tokens += usage["outputTokens"]
        return usage

    def converse_stream(self, **request: Any) -> dict[str, Any]:
        usage = self._usage(request)
        return {"stream": iter([{"contentBlockDelta": {"delta": {"text": ANSWER}}},
                                {"messageStop": {"stopReason": "end_turn"}}, {"metadata": {"usage": usage}}])}

    def converse(self, **request: Any) -> dict[str, Any]:
        usage = self._usage(request)
        return {"output": {"message": {"content": [{"text": ANSWER}]}}, "usage": usage,
                "stopReason": "end_turn"}


def _button(at: Any, label: str) -> Any:
    for button in at.button:
        if button.label == label:
            return button
    raise RuntimeError(f"no '{label}' button on the page")


def _bank_csv(rng: random.Random, start: dt.date, end: dt.date) -> bytes:
    """The bank's export of card payments the user did not type in (spending negative, as banks write it)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Date", "Description", "Category", "Amount"])
    day = start
    while day <= end:
        for _ in range(rng.randint(0, 2)):
            category, merchant = rng.choice(MERCHANTS)
            writer.writerow([day.isoformat(), f"{merchant} card", category, f"-{rng.randint(200, 4000) / 100:.2f}"])
        day += dt.timedelta(days=1)
    return out.getvalue().encode()


def _import(store: Any, data: bytes) -> int:
    try:  # the import pipeline's home after the ingest split; the single module before it
        from lib.ingest import import_csv  # type: ignore[attr-defined]
    except ImportError:
        from lib.importer import import_csv
    return int(import_csv(store, USER, data).imported)


def _session(h: AppHarness) -> Any:
    at = h.app(DASHBOARD)
    at.session_state["username"] = USER
    at.session_state["name"] = "Month"
    return at


class _Hook:
    """A local JSON webhook that answers 200 to every nudge (the month's one channel)."""

    def __enter__(self) -> str:
        import http.server
        import threading

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"json://127.0.0.1:{self.server.server_address[1]}/hook"

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()


def _nudge(store: Any, sealer: Any, at: dt.datetime, totals: dict[str, float]) -> None:
    """One jobs tick as of `at`, its store usage added to `totals` (all partitions: the slot Queries too)."""
    from lib.jobs.tick import tick

    before = store.meter.total()
    with time_machine.travel(at, tick=False):  # the server's clock at that instant, as on a real tick
        report = tick(store, sealer, at, allow_private=True)
    used = store.meter.total().minus(before)
    totals["ticks"] += 1
    totals["sent"] += len(report.sent)
    totals["requests"] += used.requests
    totals["read_units"] += used.read_units
    totals["write_units"] += used.write_units


def simulate(h: AppHarness, table: str, days: int = DAYS, *, with_nudges: bool = True) -> dict[str, Any]:
    """`days` scripted days in the app (30 for the metric); counts, and the month priced by lib/core/cost.py."""
    rng = random.Random(SEED)
    url = f"dynamodb://{table}"
    fake = CountingBedrock()
    original = bedrock_module.make_bedrock_client
    bedrock_module.make_bedrock_client = lambda *args, **kwargs: fake  # whatever timeouts the app sets
    os.environ["FINANCE_BEDROCK"] = "1"
    counts = {"dashboard_loads": 0, "forecast_loads": 0, "adds": 0, "imported": 0}
    nudges: dict[str, float] = {"ticks": 0, "sent": 0, "requests": 0, "read_units": 0.0, "write_units": 0.0}
    hook = _Hook()
    hook_url = hook.__enter__()
    try:
        h.use_store(url)
        clear_caches()
        store = app_store(url)
        import dataclasses

        from lib.jobs import manage
        from lib.store.sealed import Sealer, new_key

        store.save_profile(dataclasses.replace(demo_profile(USER, "Month"), timezone="UTC"))
        store.put_transactions(demo_transactions(USER, days=365, today=MONTH_START - dt.timedelta(days=1),
                                                 seed=SEED))
        sealer = Sealer([new_key()])
        manage.add_channel(store, sealer, USER, hook_url, allow_private=True,
                           at=dt.datetime.combine(MONTH_START, dt.time(0, 0), dt.UTC))
        before = store.meter.total()
        for n in range(days):
            day = MONTH_START + dt.timedelta(days=n)
            if with_nudges:
                _nudge(store, sealer, dt.datetime.combine(day, dt.time(8, 0), dt.UTC), nudges)
            with time_machine.travel(dt.datetime.combine(day, dt.time(8, 30)), tick=True):
                at = run(_session(h))
                counts["dashboard_loads"] += 1
                if day.weekday() == 0:
                    at.switch_page(FORECAST)
                    run(at)
                    counts["forecast_loads"] += 1
                adds = rng.randint(1, 4)
                at.switch_page(TRANSACTIONS)
                run(at)
                for _ in range(adds):
                    category, merchant = rng.choice(MERCHANTS)
                    at.text_input(key="add_amount").input(f"{rng.randint(150, 3000) / 100:.2f}")
                    at.text_input(key="add_description").input(merchant)
                    at.selectbox(key="add_category").select(category)
                    _button(at, "Add transaction").click()
                    run(at)
                    counts["adds"] += 1
                if n == IMPORT_DAY:
                    counts["imported"] += _import(store, _bank_csv(rng, MONTH_START, day))
                    from lib.web import state

                    state.mark_changed(USER)  # as the import page does after a write
            if with_nudges:
                _nudge(store, sealer, dt.datetime.combine(day, dt.time(20, 30), dt.UTC), nudges)
        # Everything this user caused, the nudges' schedule-slot Queries included (counted under their partitions).
        used = store.meter.total().minus(before)
    finally:
        hook.__exit__(None, None, None)
        bedrock_module.make_bedrock_client = original
        os.environ.pop("FINANCE_BEDROCK", None)
        clear_caches()
    scale = DAYS / days  # a short (--quick) run is scaled to a month
    reads = used.read_units * scale
    writes = used.write_units * scale
    dynamodb = (reads * cost.DDB_READ_USD_PER_MILLION + writes * cost.DDB_WRITE_USD_PER_MILLION) / 1e6
    bedrock = (fake.input_tokens * cost.NOVA_MICRO_INPUT_USD_PER_1K
               + fake.output_tokens * cost.NOVA_MICRO_OUTPUT_USD_PER_1K) * scale / 1000
    calls = max(fake.calls, 1)
    return {
        "cost_per_user_month_usd": dynamodb + bedrock,
        "bedrock_input_tokens": round(fake.input_tokens / calls),
        "bedrock_output_tokens": round(fake.output_tokens / calls),
        "_month": {
            "days": days, "scale": scale, **counts, "requests": used.requests, "reads": used.reads,
            "writes": used.writes, "read_units": used.read_units, "write_units": used.write_units,
            "coach_calls": fake.calls, "input_tokens": fake.input_tokens, "output_tokens": fake.output_tokens,
            "dynamodb_usd": dynamodb, "bedrock_usd": bedrock,
            "nudge_ticks": nudges["ticks"], "nudges_sent": nudges["sent"], "nudge_requests": nudges["requests"],
            "nudge_read_units": nudges["read_units"], "nudge_write_units": nudges["write_units"],
            "nudge_dynamodb_usd": (nudges["read_units"] * scale * cost.DDB_READ_USD_PER_MILLION
                                   + nudges["write_units"] * scale * cost.DDB_WRITE_USD_PER_MILLION) / 1e6,
        },
    }
