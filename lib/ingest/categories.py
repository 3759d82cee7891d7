"""Categories that learn: the user's "always this category for this merchant" rules.

A merchant is its description without the parts that change from one purchase to the next
(card numbers, dates, branch numbers), so "CB CARREFOUR CITY 01/11" and "CB CARREFOUR CITY
14/11" are one merchant. Rules are plain items in the store: no network, no model.
"""
from __future__ import annotations

import datetime as dt
import logging

from lib.core import clock
from lib.core.errors import ValidationError
from lib.core.models import clean_text
from lib.core.types import CategoryRule
from lib.ingest.dates import EARLIEST, FUTURE_DAYS
from lib.ingest.text import norm
from lib.store.base import Store

log = logging.getLogger(__name__)

_MAX_WORDS = 4
_MAX_KEY = 60


def merchant_key(description: str) -> str:
    """The merchant a description names: its first words, without numbers (lowercase ASCII)."""
    words = [w for w in norm(description).split() if not any(ch.isdigit() for ch in w)]
    return " ".join(words[:_MAX_WORDS])[:_MAX_KEY]


def rule_lookup(rules: list[CategoryRule]) -> dict[str, str]:
    """merchant -> category, for applying rules to many rows."""
    return {r.merchant: r.category for r in rules}


def category_for(description: str, bank_category: str, rules: dict[str, str]) -> str:
    """The bank's own category where there is one; otherwise the user's rule for the merchant."""
    if (bank_category and bank_category != "Other") or not rules:
        return bank_category or "Other"
    return rules.get(merchant_key(description), bank_category or "Other")


def always_for_merchant(
    store: Store, user_id: str, description: str, category: str, today: dt.date | None = None
) -> int:
    """Save the rule and re-file the user's existing rows of that merchant; returns how many changed."""
    merchant = merchant_key(description)
    category = clean_text(category, 40)
    if not merchant:
        raise ValidationError({"merchant": "This description has no merchant name to make a rule from."})
    if not category:
        raise ValidationError({"category": "Choose a category for the rule."})
    today = today or clock.today()
    store.put_category_rule(CategoryRule(user_id, merchant, category, clean_text(description),
                                         dt.datetime.now(dt.UTC).isoformat(timespec="seconds")))
    existing = store.list_transactions(user_id, EARLIEST, today + dt.timedelta(days=FUTURE_DAYS))
    changed = [t.with_changes(category=category) for t in existing
               if t.category != category and merchant_key(t.description) == merchant]
    count = store.put_transactions(changed) if changed else 0
    log.info("category rule saved", extra={"user_id": user_id, "merchant": merchant, "changed": count})
    return count
