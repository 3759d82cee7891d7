"""What an identity token's claims prove (issue 22), shared by the dashboard's OIDC gate and the API:
an email is an identity only once the provider verified it; a sign-in's age runs from auth_time."""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any


def email_verified(claims: Mapping[str, Any]) -> bool:
    """The provider says it proved the address (`email_verified` true; some providers send "true")."""
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def authenticated_at(claims: Mapping[str, Any]) -> float | None:
    """When the user last proved who they are (auth_time, else iat), epoch seconds; None when unknown."""
    for key in ("auth_time", "iat"):
        value = claims.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
    return None

