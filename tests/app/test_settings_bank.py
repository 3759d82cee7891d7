"""Settings > Bank feed as a new user meets it: paste a token, see the accounts, Sync now, the dashboard notices."""
from __future__ import annotations

import datetime as dt

import pytest

from lib.core import clock
from lib.core.bank import sync_slots
from lib.store.schema_bank import bank_connection_key
from lib.store.sealed import new_key
from tests.app.conftest import shown
from tests.sync.standin import Bridge, Running, account, row


@pytest.fixture
def bridge(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("FINANCE_BANK_ALLOW_LOOPBACK", "1")
    monkeypatch.setenv("FINANCE_ENCRYPTION_KEY", new_key())  # the example secrets hold a placeholder
    running = Running(Bridge())
    today = clock.today()
    running.bridge.accounts = [
        account("ACT-1", "Everyday Checking", [row("c1", today - dt.timedelta(days=1), "-12.34", "COFFEE CORNER")]),
        account("ACT-3", "High Yield Savings", [row("s1", today - dt.timedelta(days=2), "-500.00", "TRANSFER")]),
    ]
    yield running.bridge
    running.close()


def _texts(at) -> list[str]:
    return [shown(e.value) for kind in (at.success, at.warning, at.error, at.markdown) for e in kind]


def test_paste_a_token_see_accounts_sync_now(make_app, store, bridge) -> None:
    at = make_app("settings").run()
    assert not at.exception
    at.text_input(key="bank_token").input(bridge.token())
    [connect] = [b for b in at.button if b.label == "Connect bank"]
    connect.click().run()
    assert not at.exception, at.exception
    assert any(t.startswith("Connected: 2 accounts found") for t in _texts(at)), _texts(at)
    boxes = {c.label: c.value for c in at.checkbox if (c.key or "").startswith("bank_")}
    assert boxes == {"Everyday Checking · Demo Bank · USD": True, "High Yield Savings · Demo Bank · USD": False}
    assert "p@ss" not in str(store.get_record(bank_connection_key("demo")))
    slots = ", ".join(sync_slots("demo"))  # the jobs tick's regular syncs: the user is told when
    assert f"Synced by itself at {slots} UTC and before your morning nudge." in [c.value for c in at.caption]

    at.checkbox(key="bank_acct_1").check()  # the user decides the savings account counts too
    [save] = [b for b in at.button if b.label == "Save spending accounts"]
    save.click().run()
    assert any(t.startswith("Saved: only spending accounts") for t in _texts(at)), _texts(at)

    at.button(key="bank_sync").click().run()
    assert not at.exception
    assert any(t.startswith("Sync: ✅ syncing. 2 new") for t in _texts(at)), _texts(at)
    rows = store.list_transactions("demo", clock.today() - dt.timedelta(days=3), clock.today())
    assert sorted((str(t.amount), t.source) for t in rows) == [("12.34", "bank"), ("500.00", "bank")]

    # Revoked at the bridge: the dashboard says so, and Settings offers a new token.
    bridge.password = "revoked"
    at.button(key="bank_sync").click().run()
    dash = make_app("dashboard").run()
    assert not dash.exception
    assert any("revoked" in shown(e.value) for e in dash.error)


def test_a_bad_token_gets_a_reason_next_to_the_field(make_app, store, bridge) -> None:
    at = make_app("settings").run()
    at.text_input(key="bank_token").input("aHR0cDovLzE2OS4yNTQuMTY5LjI1NC8=")  # http://169.254.169.254/
    [connect] = [b for b in at.button if b.label == "Connect bank"]
    connect.click().run()
    assert not at.exception
    assert store.get_record(bank_connection_key("demo")) is None
    assert any("private or internal" in shown(e.value) for e in at.error), [shown(e.value) for e in at.error]


def test_a_sync_by_the_jobs_tick_reaches_the_dashboard(make_app, store, bridge, monkeypatch) -> None:
    """The worker (another process, here the same store file) syncs at the user's slot; the dashboard's next
    load looks again (the freshness check) and shows the rows, today's pending one counted, and the notice."""
    from lib.config import load_settings
    from lib.jobs.banksync import regular_syncs

    monkeypatch.setenv("FINANCE_FRESHNESS_SECONDS", "0.000001")  # look on every load
    today = clock.today()
    bridge.accounts[0]["transactions"].append(row("c2", today, "-4.10", "BAKERY", pending=True))
    bridge.errlist = [{"code": "act.failed", "msg": "Please sign in again.", "account_id": "ACT-1"}]
    at = make_app("settings").run()
    at.text_input(key="bank_token").input(bridge.token())
    [connect] = [b for b in at.button if b.label == "Connect bank"]
    connect.click().run()
    slot = dt.datetime.combine(today, dt.time.fromisoformat(sync_slots("demo")[0]), tzinfo=dt.UTC)
    [done] = regular_syncs(load_settings())(store, slot)
    assert (done["outcome"], done["added"]) == ("synced", 2)
    dash = make_app("dashboard").run()
    assert not dash.exception
    assert [shown(w.value) for w in dash.warning if "bank" in shown(w.value)] == [
        "Your bank needs attention (Everyday Checking): sign in at the bridge to fix the link. "
        "Spending from it may be missing."]
    assert {m.label: m.value for m in dash.metric}["Today"].startswith("4.10")
    assert any("⏳ pending · BAKERY" in shown(str(t.value.to_dict())) for t in dash.table)  # the recent transactions
