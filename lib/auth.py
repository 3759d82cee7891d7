"""Login configuration from secrets, and the checks that keep a hosted deployment honest."""
from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lib.config import Settings

EXAMPLE_COOKIE_KEY = "example-cookie-key-change-me-before-hosting"
DEMO_USERNAME = "demo"


@dataclass(frozen=True)
class AuthConfig:
    """What streamlit-authenticator needs: credentials as a plain dict, and the cookie."""

    credentials: dict[str, Any] = field(default_factory=lambda: {"usernames": {}})
    cookie_name: str = "finance_coach_auth"
    cookie_key: str = ""
    cookie_expiry_days: float = 7.0

    @property
    def usernames(self) -> list[str]:
        return sorted(self.credentials.get("usernames", {}))


def _plain(value: Any) -> Any:
    """st.secrets sections are read-only mappings; the authenticator mutates its dict."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return copy.deepcopy(value)


def auth_config(secrets: Mapping[str, Any] | None) -> AuthConfig:
    """Read the [auth] section of secrets.toml into an AuthConfig (empty when absent)."""
    section = _plain((secrets or {}).get("auth", {}))
    creds = section.get("credentials") or {"usernames": {}}
    creds.setdefault("usernames", {})
    return AuthConfig(
        credentials=creds,
        cookie_name=str(section.get("cookie_name") or "finance_coach_auth"),
        cookie_key=str(section.get("cookie_key") or ""),
        cookie_expiry_days=float(section.get("cookie_expiry_days") or 7),
    )


def startup_problems(settings: Settings, auth: AuthConfig) -> list[str]:
    """Reasons the app must refuse to start; empty when it may serve."""
    problems: list[str] = []
    if not auth.usernames:
        problems.append(
            "No login accounts are configured: copy .streamlit/secrets.toml.example to "
            ".streamlit/secrets.toml (make run does this) or add [auth.credentials.usernames.<name>]."
        )
    if not auth.cookie_key:
        problems.append("No cookie key is set: add [auth] cookie_key to .streamlit/secrets.toml.")
    if settings.is_hosted:
        if DEMO_USERNAME in auth.usernames:
            problems.append(
                "This is a hosted deployment (FINANCE_ENV=hosted) but the demo account 'demo' with its "
                "published password is still configured: remove it from secrets.toml."
            )
        if auth.cookie_key == EXAMPLE_COOKIE_KEY:
            problems.append(
                "This is a hosted deployment (FINANCE_ENV=hosted) but the cookie key is the example one "
                "from the repository: anyone could forge a login cookie. Set a long random cookie_key."
            )
        for name, user in auth.credentials.get("usernames", {}).items():
            password = str((user or {}).get("password", ""))
            if not password.startswith(("$2a$", "$2b$", "$2y$")):
                problems.append(f"The password of '{name}' is not a bcrypt hash: store only hashes when hosted.")
    return problems
