"""The small-record primitives (used by notifications, jobs, bank feeds, sessions) agree on every backend."""
from __future__ import annotations

from typing import Any

import pytest

from lib.core.errors import ConflictError


def _item(pk: str, sk: str, **extra: Any) -> dict[str, Any]:
    return {"user_id": pk, "transaction_date": sk, **extra}


def test_a_record_written_only_if_absent_is_written_once(store: Any) -> None:
    store.put_record(_item("ann", "~DELIVERY#2026-12-04#morning", state="sending"), if_absent=True)
    with pytest.raises(ConflictError) as refused:
        store.put_record(_item("ann", "~DELIVERY#2026-12-04#morning", state="again"), if_absent=True)
    assert refused.value.current["state"] == "sending"
    stored = store.get_record({"user_id": "ann", "transaction_date": "~DELIVERY#2026-12-04#morning"})
    assert stored["state"] == "sending"


def test_a_versioned_record_refuses_a_stale_write(store: Any) -> None:
    store.put_record(_item("ann", "~CHANNEL#1", version=1, url="x"), expected_version=0)
    store.put_record(_item("ann", "~CHANNEL#1", version=2, url="y"), expected_version=1)
    with pytest.raises(ConflictError):
        store.put_record(_item("ann", "~CHANNEL#1", version=2, url="z"), expected_version=1)
    assert store.get_record({"user_id": "ann", "transaction_date": "~CHANNEL#1"})["url"] == "y"


def test_records_are_queried_by_prefix_in_key_order_in_one_partition(store: Any) -> None:
    for sk in ("~SLOT#0815#bob", "~SLOT#0800#ann", "~SLOT#0800#cat", "~SLOTX"):
        store.put_record(_item("SCHEDULE#morning", sk))
    store.put_record(_item("other", "~SLOT#0800#dan"))
    got = [i["transaction_date"] for i in store.query_records("SCHEDULE#morning", "~SLOT#0800#")]
    assert got == ["~SLOT#0800#ann", "~SLOT#0800#cat"]
    assert len(store.query_records("SCHEDULE#morning", "~SLOT#", limit=1)) == 1
    store.delete_record({"user_id": "SCHEDULE#morning", "transaction_date": "~SLOT#0800#ann"})
    store.delete_record({"user_id": "SCHEDULE#morning", "transaction_date": "~SLOT#0800#ann"})
    assert [i["transaction_date"] for i in store.query_records("SCHEDULE#morning", "~SLOT#0800#")] == ["~SLOT#0800#cat"]


def test_a_profiles_time_zone_round_trips(store: Any) -> None:
    from lib.core.models import validate_profile
    saved = store.save_profile(validate_profile("ann", "Ann", "30", None, "polite", timezone="Asia/Tokyo"))
    assert store.get_profile("ann").timezone == "Asia/Tokyo" == saved.timezone
    assert store.get_profile("nobody").timezone == ""


def test_every_write_bumps_the_data_version_and_a_batch_bumps_it_once(store: Any) -> None:
    from lib.core import clock
    from lib.core.models import validate_transaction
    day = clock.today()
    assert store.data_version("ann") == 0
    store.add_transaction(validate_transaction("ann", day, "3.00", "Food", "one"))
    assert store.data_version("ann") == 1

    def five(user: str) -> int:
        before = store.meter.for_user(user)
        for n in range(5):
            store.add_transaction(validate_transaction(user, day, f"{n + 1}.00", "Food", f"row {n}"))
        return store.meter.for_user(user).minus(before).writes

    one_by_one = five("bob")
    assert store.data_version("bob") == 5
    with store.batched_changes("ann"):
        batched = five("ann")
        assert store.data_version("ann") == 1  # held until the block ends
    assert store.data_version("ann") == 2
    assert batched == one_by_one - 5  # the five bumps were held


def test_the_payday_rule_is_stored_on_every_backend(store: Any) -> None:
    """issue 26: the profile's budget period survives a save and a read; the default is not written."""
    from lib.core.models import validate_profile

    saved = store.save_profile(validate_profile("bea", "Bea", "30", None, "polite", payday="biweekly:2026-11-27"))
    assert store.get_profile("bea").payday == "biweekly:2026-11-27" == saved.payday
    store.save_profile(validate_profile("bea", "Bea", "30", None, "polite", saved.version))
    assert store.get_profile("bea").payday == "calendar"
    assert store.get_profile("nobody").payday == "calendar"
