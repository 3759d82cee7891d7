"""Issue 25: the reader's locale on the profile round-trips on every backend; a stored tag Babel does not know reads
as none (en_US when formatting), never as a crash."""
from __future__ import annotations

from typing import Any

from lib.core.models import Profile
from lib.store import schema


def test_a_profiles_locale_and_home_currency_round_trip(store: Any) -> None:
    store.save_profile(Profile("ann", "Ann", currency="EUR", locale="de_DE"))
    loaded = store.get_profile("ann")
    assert (loaded.currency, loaded.locale) == ("EUR", "de_DE")
    assert store.get_profile("nobody").locale == ""


def test_a_profile_without_a_locale_stores_no_attribute() -> None:
    assert "locale" not in schema.profile_to_item(Profile("ann", "Ann"))
    assert schema.item_to_profile({"locale": "xx-not-a-locale"}, "ann").locale == ""
    assert schema.item_to_profile({"locale": "fr-CH"}, "ann").locale == "fr_CH"
