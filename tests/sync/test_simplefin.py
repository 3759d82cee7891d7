"""The SimpleFIN feed against the stand-in: claim once, Basic auth, chunks, pending then booked, errors, SSRF."""
from __future__ import annotations

import base64
import datetime as dt
import threading
from dataclasses import replace
from decimal import Decimal

import pytest

from lib.core import bank
from lib.core.errors import ValidationError
from lib.core.models import Transaction
from lib.net.guard import UnsafeURLError
from lib.store.schema_bank import bank_connection_key
from lib.sync import service
from tests.sync.standin import account, row

NOW = dt.datetime(2026, 12, 4, 7, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


def _day(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def _connect(db, settings, bridge, user: str = "ann") -> list[bank.AccountState]:
    return service.connect(db, settings, user, bridge.token(), NOW)


def _three_accounts(bridge) -> None:
    bridge.accounts = [
        account("ACT-1", "Everyday Checking", [row("c1", _day(2), "-12.34", "POS PURCHASE COFFEE CORNER 1234"),
                                               row("c2", _day(70), "-40.00", "GROCER"),
                                               row("c3", _day(5), "2500.00", "SALARY")]),
        account("ACT-2", "Rewards Visa Card", [row("v1", _day(1), "-8.50", "BOOKSHOP", pending=True)]),
        account("ACT-3", "High Yield Savings", [row("s1", _day(3), "-500.00", "TRANSFER")]),
    ]


def test_a_token_is_claimed_once_and_the_access_url_is_kept_sealed(db, local_settings, bridge) -> None:
    _three_accounts(bridge)
    accounts = _connect(db, local_settings, bridge)

    assert [(a.name, a.institution, a.currency, a.spending) for a in accounts] == [
        ("Everyday Checking", "Demo Bank", "USD", True), ("High Yield Savings", "Demo Bank", "USD", False),
        ("Rewards Visa Card", "Demo Bank", "USD", True)]
    stored = db.get_record(bank_connection_key("ann"))
    assert stored["access"].startswith("fernet:") and "p@ss" not in str(stored) and "user123" not in str(stored)
    with pytest.raises(ValidationError) as second:
        _connect(db, local_settings, bridge, user="bob")
    assert "already claimed" in second.value.errors["token"]


def test_requests_carry_basic_credentials_from_the_access_url_and_wrong_ones_are_refused(
        db, local_settings, bridge) -> None:
    _three_accounts(bridge)
    _connect(db, local_settings, bridge)
    auths = {auth for method, _, _, auth in bridge.requests if method == "GET"}
    assert auths == {"Basic " + base64.b64encode(b"user123:p@ss:456").decode()}
    assert all("user123" not in path for _, path, _, _ in bridge.requests)

    bridge.password = "changed"  # the bridge no longer accepts our credentials: revoked
    report = service.sync_user(db, local_settings, "ann", NOW)
    assert report.state == bank.REVOKED
    before = len(bridge.requests)
    again = service.sync_user(db, local_settings, "ann", NOW + dt.timedelta(hours=7))
    assert again.state == bank.REVOKED and len(bridge.requests) == before  # never called again
    assert not service.due_for_sync(db, "ann", NOW + dt.timedelta(days=1))
    assert "revoked" in service.bank_notices(db, "ann", NOW)[0][1]


def test_the_first_sync_reads_90_days_in_chunks_of_at_most_60_with_pending(db, local_settings, bridge) -> None:
    _three_accounts(bridge)
    _connect(db, local_settings, bridge)
    bridge.requests.clear()
    report = service.sync_user(db, local_settings, "ann", NOW)

    gets = bridge.gets()
    assert len(gets) == 2 == report.requests
    spans = [(int(q["end-date"][0]) - int(q["start-date"][0])) // 86400 for q in gets]
    assert spans == [60, 32] and all(q["pending"] == ["1"] for q in gets)
    assert int(gets[0]["end-date"][0]) == int(gets[1]["start-date"][0])  # no gap, no overlap
    rows = db.list_transactions("ann", _day(90), TODAY)
    # Spending accounts only (not the savings transfer); purchases positive, the salary a negative (a credit).
    assert sorted((t.amount, t.pending, t.source) for t in rows) == [
        (Decimal("-2500.00"), False, "bank"), (Decimal("8.50"), True, "bank"), (Decimal("12.34"), False, "bank"),
        (Decimal("40.00"), False, "bank")]
    assert (report.added, report.pending, report.accounts, report.state) == (4, 1, 3, bank.OK)


def test_a_second_sync_and_two_syncs_at_once_never_double_a_row(db, local_settings, bridge) -> None:
    _three_accounts(bridge)
    _connect(db, local_settings, bridge)
    service.sync_user(db, local_settings, "ann", NOW)
    again = service.sync_user(db, local_settings, "ann", NOW + dt.timedelta(hours=6))
    assert (again.added, again.updated, again.requests) == (0, 0, 1)  # a later sync reads one chunk

    reports: list[bank.SyncReport] = []
    workers = [threading.Thread(target=lambda: reports.append(service.sync_user(
        db, local_settings, "ann", NOW + dt.timedelta(hours=12)))) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert len(db.list_transactions("ann", _day(90), TODAY)) == 4
    assert sum(r.added for r in reports) == 0


def test_a_pending_row_is_replaced_by_its_booked_row(db, local_settings, bridge) -> None:
    _three_accounts(bridge)
    _connect(db, local_settings, bridge)
    service.sync_user(db, local_settings, "ann", NOW)
    # Booked under a new id (the bridge's usual way): the pending row goes, the booked one comes.
    bridge.accounts[1]["transactions"] = [row("v1-booked", _day(1), "-8.75", "BOOKSHOP")]
    report = service.sync_user(db, local_settings, "ann", NOW + dt.timedelta(hours=6))
    card = [t for t in db.list_transactions("ann", _day(90), TODAY) if t.description == "BOOKSHOP"]
    assert [(t.amount, t.pending) for t in card] == [(Decimal("8.75"), False)]
    assert (report.added, report.removed) == (1, 1)
    # Booked under the same id: the row is updated in place (the user's category stays).
    bridge.accounts[0]["transactions"].append(row("c9", _day(0), "-3.00", "KIOSK", pending=True))
    service.sync_user(db, local_settings, "ann", NOW + dt.timedelta(hours=12))
    [kiosk] = [t for t in db.list_transactions("ann", TODAY, TODAY) if t.description == "KIOSK"]
    db.update_transaction(kiosk.sort_key, replace(kiosk, category="Food"))
    bridge.accounts[0]["transactions"][-1] = row("c9", _day(0), "-3.00", "KIOSK")
    report = service.sync_user(db, local_settings, "ann", NOW + dt.timedelta(hours=18))
    [kiosk] = [t for t in db.list_transactions("ann", TODAY, TODAY) if t.description == "KIOSK"]
    assert (kiosk.pending, kiosk.category, report.updated) == (False, "Food", 1)


def test_rows_imported_from_a_file_are_not_added_again(db, local_settings, bridge) -> None:
    _three_accounts(bridge)
    db.add_transaction(Transaction("ann", _day(4), Decimal("12.34"), "Food", "Coffee Corner", source="import"))
    db.add_transaction(Transaction("ann", _day(2), Decimal("40.00"), "Other", "Petrol station", source="import"))
    _connect(db, local_settings, bridge)
    report = service.sync_user(db, local_settings, "ann", NOW)
    amounts = sorted(t.amount for t in db.list_transactions("ann", _day(90), TODAY))
    # The coffee (2 days apart, same amount, same payee) is one purchase; the petrol is not the grocer.
    assert amounts == [Decimal("-2500.00"), Decimal("8.50"), Decimal("12.34"), Decimal("40.00"), Decimal("40.00")]
    assert report.matched_file_rows == 1


def test_the_error_list_marks_accounts_that_need_attention(db, local_settings, bridge) -> None:
    _three_accounts(bridge)
    _connect(db, local_settings, bridge)
    bridge.errlist = [{"code": "act.failed", "msg": "Failed to get <b>all</b> transactions.", "account_id": "ACT-2"}]
    report = service.sync_user(db, local_settings, "ann", NOW)
    assert report.state == bank.NEEDS_ATTENTION and report.errors == ["Failed to get <b>all</b> transactions."]
    states = {a["name"]: a["state"] for a in service.status(db, "ann", NOW)["accounts"]}
    assert states["Rewards Visa Card"] == bank.NEEDS_ATTENTION and states["Everyday Checking"] == bank.OK
    [(level, text)] = service.bank_notices(db, "ann", NOW)
    assert level == "warning" and "needs attention (Rewards Visa Card)" in text
    bridge.errlist, bridge.errors = [], ["You must reauthenticate."]
    assert service.sync_user(db, local_settings, "ann", NOW).errors == ["You must reauthenticate."]


def test_402_is_lapsed_and_tried_again_once_a_day(db, local_settings, bridge) -> None:
    _three_accounts(bridge)
    _connect(db, local_settings, bridge)
    bridge.status = 402
    assert service.sync_user(db, local_settings, "ann", NOW).state == bank.LAPSED
    assert "lapsed" in service.bank_notices(db, "ann", NOW)[0][1]
    assert not service.due_for_sync(db, "ann", NOW + dt.timedelta(hours=7))
    assert service.due_for_sync(db, "ann", NOW + dt.timedelta(hours=25))
    bridge.status = None
    assert service.sync_user(db, local_settings, "ann", NOW + dt.timedelta(hours=25)).state == bank.OK


def test_at_most_24_requests_a_day(db, local_settings, bridge) -> None:
    _three_accounts(bridge)
    _connect(db, local_settings, bridge)  # 2 requests: the claim and the account list
    for hour in range(22):
        service.sync_user(db, local_settings, "ann", NOW + dt.timedelta(minutes=hour))
    assert service.status(db, "ann", NOW)["requests_today"] == 24
    before = len(bridge.requests)
    report = service.sync_user(db, local_settings, "ann", NOW + dt.timedelta(hours=1))
    assert report.state == bank.QUOTA and len(bridge.requests) == before
    assert service.sync_user(db, local_settings, "ann", NOW + dt.timedelta(days=1)).state == bank.OK


def test_a_redirect_is_never_followed(db, local_settings, bridge) -> None:
    _three_accounts(bridge)
    _connect(db, local_settings, bridge)
    bridge.redirect_to = "http://169.254.169.254/latest/meta-data/"
    report = service.sync_user(db, local_settings, "ann", NOW)
    assert report.state == bank.UNAVAILABLE and "redirect" in report.errors[0]
    assert service.status(db, "ann", NOW)["state"] == bank.UNAVAILABLE


_INTERNAL = ["http://169.254.169.254/", "https://169.254.169.254/simplefin/claim/x", "https://10.0.0.8/claim/x"]
# Loopback is what the local flag allows (the stand-in); the metadata service and private ranges never are.
_REFUSED = [(env, flag, url) for env, flag in (("hosted", True), ("hosted", False), ("local", False), ("local", True))
            for url in [*_INTERNAL, "https://127.0.0.1/claim/x"] if not (flag and env == "local" and "127." in url)]


@pytest.mark.parametrize("env,flag,url", _REFUSED)
def test_tokens_that_decode_to_internal_addresses_are_refused(db, local_settings, env, flag, url) -> None:
    settings = replace(local_settings, env=env, bank_allow_loopback=flag)
    token = base64.b64encode(url.encode()).decode()
    with pytest.raises(UnsafeURLError) as refused:
        service.connect(db, settings, "ann", token, NOW)
    assert "token" in refused.value.errors
    assert db.get_record(bank_connection_key("ann")) is None


@pytest.mark.parametrize("token", ["", "not base64 at all!", base64.b64encode(b"ftp://x/").decode(), "A" * 3000])
def test_garbage_tokens_get_a_reason(db, local_settings, token) -> None:
    with pytest.raises(ValidationError) as refused:
        service.connect(db, local_settings, "ann", token, NOW)
    assert refused.value.errors["token"]


def test_disconnect_forgets_the_link_but_keeps_the_rows(db, local_settings, bridge) -> None:
    _three_accounts(bridge)
    _connect(db, local_settings, bridge)
    service.sync_user(db, local_settings, "ann", NOW)
    service.disconnect(db, "ann")
    assert service.status(db, "ann", NOW) == {"connected": False, "accounts": [], "notices": []}
    assert len(db.list_transactions("ann", _day(90), TODAY)) == 4


def test_new_rows_take_the_banks_category_else_the_users_rule(db, local_settings, bridge) -> None:
    from lib.ingest.categories import always_for_merchant

    _three_accounts(bridge)
    bridge.accounts[1]["transactions"][0]["extra"] = {"category": "books"}
    always_for_merchant(db, "ann", "GROCER", "Groceries", TODAY)
    _connect(db, local_settings, bridge)
    service.sync_user(db, local_settings, "ann", NOW)
    got = {t.description: t.category for t in db.list_transactions("ann", _day(90), TODAY)}
    assert (got["GROCER"], got["BOOKSHOP"], got["SALARY"]) == ("Groceries", "Books", "Other")


def test_the_morning_hook_syncs_unless_a_sync_ran_within_the_hour(db, local_settings, bridge) -> None:
    assert service.before_morning(db, "nobody", NOW, local_settings) is None
    _three_accounts(bridge)
    _connect(db, local_settings, bridge)
    first = service.before_morning(db, "ann", NOW, local_settings)
    assert first is not None and first.added == 4
    assert service.before_morning(db, "ann", NOW + dt.timedelta(minutes=30), local_settings) is None
    later = service.before_morning(db, "ann", NOW + dt.timedelta(hours=2), local_settings)
    assert later is not None and (later.requests, later.added) == (1, 0)
    assert not service.due_for_sync(db, "ann", NOW + dt.timedelta(hours=5))
    assert service.due_for_sync(db, "ann", NOW + dt.timedelta(hours=8))


def test_the_spending_choice_decides_which_rows_come_in(db, local_settings, bridge) -> None:
    _three_accounts(bridge)
    _connect(db, local_settings, bridge)
    ids = service.account_ids(db, "ann")  # Checking, Savings, Visa (institution, then name)
    assert service.set_spending(db, "ann", {ids[0]: False, ids[1]: True}) == 2
    service.sync_user(db, local_settings, "ann", NOW)
    assert sorted(t.description for t in db.list_transactions("ann", _day(90), TODAY)) == ["BOOKSHOP", "TRANSFER"]
