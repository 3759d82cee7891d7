"""Hosted, a user's imports are limited per hour with a clear wait; a laptop imports freely."""
from __future__ import annotations

import pytest

from lib.config import Settings
from lib.core import clock
from lib.store.throttle import RateLimitedError
from lib.web.state import Context, check_import_quota


@pytest.mark.parametrize("env", ["hosted", "local"])
def test_the_eleventh_import_in_an_hour_waits_when_hosted(store, env) -> None:
    ctx = Context(user_id="ann", name="Ann", settings=Settings(env=env), store=store, today=clock.today())
    for _ in range(10):
        check_import_quota(ctx)
    if env == "local":
        check_import_quota(ctx)  # a laptop's owner imports as many files as they like
        return
    with pytest.raises(RateLimitedError, match="try again in") as refused:
        check_import_quota(ctx)
    assert refused.value.retry_after > 0
    check_import_quota(Context(user_id="bob", name="Bob", settings=Settings(env=env), store=store,
                               today=clock.today()))  # per user
