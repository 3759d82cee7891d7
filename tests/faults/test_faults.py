"""Every write under every fault, on dynalite through a faulty network: what the user is told,
what is stored, and how long they wait, as counts (attempts x the config's timeouts).

hang / reset / throttle last until healed; lose commits the request and drops its answer once.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from lib.core import writes
from lib.core.errors import PartialWriteError, StoreUnavailableError
from lib.core.models import Profile, Transaction, validate_transaction
from lib.store.resilience import MAX_ATTEMPTS, OUTAGE_MEMORY_SECONDS, client_config, wait_bound
from tests.faults.conftest import Rig

pytestmark = pytest.mark.dynalite

DAY = dt.date(2026, 3, 2)
OUTAGES = ("hang", "reset", "throttle")
WHY = {
    "hang": "Cannot reach DynamoDB (Read timeout",
    "reset": "Cannot reach DynamoDB (Connection was closed",
    "throttle": "DynamoDB is busy (requests are being throttled)",
}


def _all(store: Any, user: str = "ann") -> list[Transaction]:
    result: list[Transaction] = store.list_transactions(user, dt.date(2000, 1, 1), dt.date(2100, 1, 1))
    return result


def _txns(n: int) -> list[Transaction]:
    return [
        validate_transaction("ann", DAY - dt.timedelta(days=i % 50), f"{i}.50", "Food", f"shop {i}", source="import")
        for i in range(1, n + 1)
    ]


def _outage_then_recovery(rig: Rig, operation: str, fault: str, act: Callable[[], Any]) -> StoreUnavailableError:
    """The first try waits out the retry budget once; the next answers at once; after the memory, it works."""
    rig.proxy.inject(operation, fault)
    with pytest.raises(StoreUnavailableError) as first:
        act()
    assert rig.proxy.attempts[operation] == MAX_ATTEMPTS  # the whole wait: attempts x (connect + read)
    assert WHY[fault] in str(first.value)

    rig.proxy.reset_counts()
    with pytest.raises(StoreUnavailableError, match="tries again by itself") as remembered:
        act()
    assert sum(rig.proxy.attempts.values()) == 0  # answered at once, from memory
    assert WHY[fault] in str(remembered.value)

    rig.proxy.heal()
    rig.clock.now += OUTAGE_MEMORY_SECONDS
    act()  # recovers by itself once the service is back
    return first.value


def test_the_product_config_bounds_every_wait_under_ten_seconds() -> None:
    config = client_config()
    assert config.retries == {"mode": "standard", "total_max_attempts": MAX_ATTEMPTS}
    assert (config.connect_timeout, config.read_timeout) == (1.0, 3.0)
    assert wait_bound(config) == 2 * (1.0 + 3.0) + 1.0 <= 10  # 9 s, once per outage
    # Before this change: 5 retries (6 attempts) of 5 s connect + 10 s read.
    from botocore.config import Config

    before = Config(retries={"mode": "standard", "total_max_attempts": 6}, connect_timeout=5, read_timeout=10)
    assert wait_bound(before) == 6 * 15 + (1 + 2 + 4 + 8 + 16)


# -- profile save -------------------------------------------------------------------------


@pytest.mark.parametrize("fault", OUTAGES)
def test_profile_save_under_an_outage(rig: Rig, fault: str) -> None:
    wanted = Profile("ann", "Ann", Decimal("21.00"))
    rig.store.outages.clear()
    exc = _outage_then_recovery(rig, "PutItem", fault, lambda: rig.store.save_profile(wanted))
    assert "It may or may not be stored" in writes.unconfirmed_text("save your settings", exc, "Save again")
    stored = rig.direct.get_profile("ann")
    assert (stored.version, stored.daily_budget) == (1, Decimal("21.00"))  # saved once, by the recovery


def test_profile_save_whose_answer_is_lost_says_saved(rig: Rig) -> None:
    rig.proxy.inject("PutItem", "lose", times=1)
    saved = rig.store.save_profile(Profile("ann", "Ann", Decimal("21.00")))
    assert saved.version == 1  # not "changed in another tab, NOT saved"
    assert rig.proxy.attempts["PutItem"] == 2 and rig.proxy.faults_hit["PutItem:lose"] == 1
    assert rig.direct.get_profile("ann").daily_budget == Decimal("21.00")
    # And the user's own press of Save again (same base version) is recognised too.
    again = rig.store.save_profile(Profile("ann", "Ann", Decimal("21.00")))
    assert again.version == 1 and rig.direct.get_profile("ann").version == 1


# -- add ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", OUTAGES)
def test_add_under_an_outage_then_pressing_add_again_stores_it_once(rig: Rig, fault: str) -> None:
    txn = validate_transaction("ann", DAY, "8.40", "Food", "lunch")
    exc = _outage_then_recovery(rig, "PutItem", fault, lambda: rig.store.add_transaction(txn))
    assert "it is never stored twice" in writes.unconfirmed_text("add the transaction", exc, "Press Add again")
    rig.store.add_transaction(txn)  # and once more: still one
    assert [(t.sort_key, t.amount) for t in _all(rig.direct)] == [(txn.sort_key, Decimal("8.40"))]


def test_add_whose_answer_is_lost_is_saved_once_not_already_exists(rig: Rig) -> None:
    rig.proxy.inject("PutItem", "lose", times=1)
    txn = validate_transaction("ann", DAY, "8.40", "Food", "lunch")
    added = rig.store.add_transaction(txn)
    assert added.version == 1 and rig.proxy.attempts["PutItem"] == 2
    assert [t.sort_key for t in _all(rig.direct)] == [txn.sort_key]


# -- edit ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", OUTAGES)
def test_edit_under_an_outage(rig: Rig, fault: str) -> None:
    original = rig.direct.add_transaction(validate_transaction("ann", DAY, "8.40", "Food", "lunch"))
    edit = original.with_changes(amount=Decimal("9.40"))
    _outage_then_recovery(rig, "PutItem", fault, lambda: rig.store.update_transaction(original.sort_key, edit))
    assert [(t.amount, t.version) for t in _all(rig.direct)] == [(Decimal("9.40"), 2)]


@pytest.mark.parametrize("step", ["UpdateItem", "PutItem", "DeleteItem"])
@pytest.mark.parametrize("fault", OUTAGES)
def test_a_move_to_a_new_date_interrupted_at_any_step_leaves_nothing_hidden_and_a_retry_finishes(
    rig: Rig, fault: str, step: str
) -> None:
    original = rig.direct.add_transaction(validate_transaction("ann", DAY, "8.40", "Food", "lunch"))
    edit = original.with_changes(date=DAY + dt.timedelta(days=5), amount=Decimal("9.40"))
    rig.proxy.inject(step, fault)
    with pytest.raises(StoreUnavailableError):
        rig.store.update_transaction(original.sort_key, edit)
    assert rig.proxy.attempts[step] == MAX_ATTEMPTS
    # Whatever step it stopped at, every stored item is a visible transaction: the original
    # (perhaps with its version claimed), or the original and its moved copy.
    stopped = _all(rig.direct)
    assert {t.amount for t in stopped} <= {Decimal("8.40"), Decimal("9.40")} and Decimal("8.40") in {
        t.amount for t in stopped
    }
    assert len(stopped) == (2 if step == "DeleteItem" else 1)
    assert len(rig.direct.export_items("ann")) == len(stopped)  # nothing the user cannot see

    rig.proxy.heal()
    rig.clock.now += OUTAGE_MEMORY_SECONDS
    moved = rig.store.update_transaction(original.sort_key, edit)  # the same Save again
    assert _all(rig.direct) == [moved] and (moved.amount, moved.version, moved.date) == (
        Decimal("9.40"), 2, DAY + dt.timedelta(days=5))


@pytest.mark.parametrize("step", ["PutItem", "UpdateItem", "DeleteItem"])
def test_an_edit_whose_answer_is_lost_at_any_step_is_saved_once(rig: Rig, step: str) -> None:
    original = rig.direct.add_transaction(validate_transaction("ann", DAY, "8.40", "Food", "lunch"))
    day = DAY if step == "PutItem" else DAY + dt.timedelta(days=5)  # PutItem alone: a same-date edit
    rig.proxy.inject(step, "lose", times=1)
    saved = rig.store.update_transaction(original.sort_key, original.with_changes(date=day, amount=Decimal("9.40")))
    # The lost step sent twice; an UpdateItem also bumps the data version once the move is done.
    assert rig.proxy.faults_hit[f"{step}:lose"] == 1 and rig.proxy.attempts[step] == 2 + (step == "UpdateItem")
    assert _all(rig.direct) == [saved] and saved.version == 2


# -- delete -------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", OUTAGES)
def test_delete_under_an_outage(rig: Rig, fault: str) -> None:
    original = rig.direct.add_transaction(validate_transaction("ann", DAY, "8.40", "Food", "lunch"))
    rig.proxy.inject("DeleteItem", fault)
    with pytest.raises(StoreUnavailableError):
        rig.store.delete_transaction("ann", original.sort_key, original.version)
    assert rig.proxy.attempts["DeleteItem"] == MAX_ATTEMPTS
    assert _all(rig.direct) == [original]  # nothing deleted that the user was told was not
    rig.proxy.heal()
    rig.clock.now += OUTAGE_MEMORY_SECONDS
    rig.store.delete_transaction("ann", original.sort_key, original.version)
    assert _all(rig.direct) == []


def test_a_delete_whose_answer_is_lost_is_a_success(rig: Rig) -> None:
    original = rig.direct.add_transaction(validate_transaction("ann", DAY, "8.40", "Food", "lunch"))
    rig.proxy.inject("DeleteItem", "lose", times=1)
    rig.store.delete_transaction("ann", original.sort_key, original.version)  # not "changed elsewhere"
    assert rig.proxy.attempts["DeleteItem"] == 2 and _all(rig.direct) == []


# -- import (put_transactions) and delete-all -----------------------------------------------


@pytest.mark.parametrize(("fault", "unconfirmed"), [("hang", 25), ("reset", 25), ("throttle", 0)])
def test_an_import_stopped_at_its_second_batch_says_exactly_how_far_it_got(
    rig: Rig, fault: str, unconfirmed: int
) -> None:
    items = _txns(60)
    rig.proxy.inject("BatchWriteItem", fault, skip=1)
    with pytest.raises(PartialWriteError) as caught:
        rig.store.put_transactions(items)
    exc = caught.value
    assert (exc.written, exc.total, exc.unconfirmed) == (25, 60, unconfirmed)
    assert rig.proxy.attempts["BatchWriteItem"] == 1 + MAX_ATTEMPTS
    assert len(_all(rig.direct)) == 25  # exactly what it says (the unanswered batch never got through)
    text = writes.partial_text(exc, "Import the same file again")
    assert text.startswith("Stopped midway: 25 of 60 items were written")

    rig.proxy.heal()
    rig.clock.now += OUTAGE_MEMORY_SECONDS
    assert rig.store.put_transactions(items) == 60  # the same import again finishes the job
    assert sorted(t.sort_key for t in _all(rig.direct)) == sorted(t.sort_key for t in items)


def test_an_import_whose_batch_answer_is_lost_is_written_once(rig: Rig) -> None:
    items = _txns(60)
    rig.proxy.inject("BatchWriteItem", "lose", times=1, skip=1)
    assert rig.store.put_transactions(items) == 60
    assert rig.proxy.attempts["BatchWriteItem"] == 4  # 3 batches, the second one sent twice
    assert len(_all(rig.direct)) == 60


def test_an_import_whose_answers_are_always_lost_is_reported_as_unconfirmed(rig: Rig) -> None:
    items = _txns(60)
    rig.proxy.inject("BatchWriteItem", "lose", skip=1)
    with pytest.raises(PartialWriteError) as caught:
        rig.store.put_transactions(items)
    assert (caught.value.written, caught.value.unconfirmed, caught.value.remaining) == (25, 25, 10)
    assert len(_all(rig.direct)) == 50  # the 25 unconfirmed were in fact written: "may or may not"


@pytest.mark.parametrize(("fault", "unconfirmed"), [("hang", 25), ("reset", 25), ("throttle", 0)])
def test_delete_all_stopped_midway_says_how_many_were_deleted_and_again_finishes(
    rig: Rig, fault: str, unconfirmed: int
) -> None:
    rig.direct.save_profile(Profile("ann", "Ann"))
    rig.direct.put_transactions(_txns(59))  # 60 items with the profile
    rig.proxy.inject("BatchWriteItem", fault, skip=1)
    with pytest.raises(PartialWriteError) as caught:
        rig.store.delete_user("ann")
    exc = caught.value
    assert (exc.written, exc.total, exc.unconfirmed, exc.action) == (25, 60, unconfirmed, "delete")
    assert len(rig.direct.export_items("ann")) == 35
    text = writes.partial_text(exc, "Press Delete everything again")
    assert text.startswith("Stopped midway: 25 of 60 items were deleted")

    rig.proxy.heal()
    rig.clock.now += OUTAGE_MEMORY_SECONDS
    assert rig.store.delete_user("ann") == 35 and rig.direct.export_items("ann") == []


def test_delete_all_whose_answer_is_lost_finishes(rig: Rig) -> None:
    rig.direct.put_transactions(_txns(60))
    rig.proxy.inject("BatchWriteItem", "lose", times=1)
    assert rig.store.delete_user("ann") == 60
    assert rig.direct.export_items("ann") == []


# -- reads ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", OUTAGES)
def test_a_page_load_under_an_outage_waits_once_then_answers_at_once(rig: Rig, fault: str) -> None:
    rig.direct.add_transaction(validate_transaction("ann", DAY, "8.40", "Food", "lunch"))
    window = _outage_then_recovery(
        rig, "Query", fault, lambda: rig.store.load_window("ann", DAY, DAY + dt.timedelta(days=1))
    )
    assert isinstance(window, StoreUnavailableError)


def test_a_refused_write_is_not_an_outage(rig: Rig) -> None:
    original = rig.direct.add_transaction(validate_transaction("ann", DAY, "8.40", "Food", "lunch"))
    stale = replace(original, version=0)
    with pytest.raises(Exception, match="changed in another tab"):
        rig.store.update_transaction(original.sort_key, stale.with_changes(amount=Decimal("1.00")))
    assert not rig.store.outages.active  # a lost race is no reason to stop talking to the store


def test_opening_the_store_under_an_outage_waits_once_then_answers_at_once(rig: Rig) -> None:
    _outage_then_recovery(rig, "DescribeTable", "hang", rig.store.init)
