"""The daily request counter: at most 24 bridge requests per user per day, counted before each is sent."""
from __future__ import annotations

import datetime as dt

from lib.core.bank import QUOTA, REQUESTS_PER_DAY
from lib.core.errors import ConflictError
from lib.store import Store
from lib.store.bank_items import bank_quota_to_item, item_to_bank_quota
from lib.store.schema_bank import bank_quota_key
from lib.sync.base import SyncError


class DailyQuota:
    """`take()` before each request: a versioned write, so two syncs at once never both get the 24th."""

    def __init__(self, store: Store, user_id: str, now: dt.datetime, limit: int = REQUESTS_PER_DAY):
        self.store, self.user_id, self.limit = store, user_id, limit
        self.day = now.astimezone(dt.UTC).date()  # the bridge's quota is not the user's calendar
        self.taken = 0

    def used(self) -> int:
        day, count, _ = item_to_bank_quota(self.store.get_record(bank_quota_key(self.user_id)))
        return count if day == self.day else 0

    def take(self) -> None:
        """Count one request, or SyncError(quota) when today's are spent."""
        for _ in range(5):
            day, count, version = item_to_bank_quota(self.store.get_record(bank_quota_key(self.user_id)))
            count = count if day == self.day else 0
            if count >= self.limit:
                raise SyncError(QUOTA, f"Today's {self.limit} bank requests are used up; syncing goes on tomorrow.")
            try:
                self.store.put_record(bank_quota_to_item(self.user_id, self.day, count + 1, version + 1),
                                      expected_version=version)
            except ConflictError:
                continue  # another sync counted one at the same moment: read again
            self.taken += 1
            return
        raise SyncError(QUOTA, "The bank request counter is busy; try again in a moment.")
