"""Login configuration from secrets, the checks that keep a deployment honest, and login cookies.

Two login modes (Settings.login): "password" (streamlit-authenticator, accounts in the secrets
section [passwords]) and "oidc" (Streamlit's own st.login, which reads the section [auth]).
"""
from __future__ import annotations

import copy
import datetime as dt
import ipaddress
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt

from lib.coach.guardrail import guardrail_problems
from lib.config import ENVS, LOGINS, Settings

log = logging.getLogger(__name__)

EXAMPLE_COOKIE_KEY = "example-cookie-key-change-me-before-hosting"
DEMO_USERNAME = "demo"
MIN_KEY_BYTES = 32
# What [auth] needs for st.login with one provider (Streamlit checks the same when st.login runs).
OIDC_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
_OLD_LAYOUT_KEYS = ("credentials", "cookie_key", "cookie_name", "cookie_expiry_days")
_NEW_KEY_HINT = "python -c \"import secrets; print(secrets.token_urlsafe(32))\""


@dataclass(frozen=True)
class AuthConfig:
    """What streamlit-authenticator needs: credentials as a plain dict, and the cookie."""

    credentials: dict[str, Any] = field(default_factory=lambda: {"usernames": {}})
    cookie_name: str = "finance_coach_auth"
    cookie_key: str = ""
    cookie_expiry_days: float = 7.0

    @property
    def usernames(self) -> list[str]:
        """Account names as the login sees them (it lowercases what is typed and what is configured)."""
        return sorted({str(name).lower() for name in self.credentials.get("usernames", {})})


def _plain(value: Any) -> Any:
    """st.secrets sections are read-only mappings; the authenticator mutates its dict."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return copy.deepcopy(value)


def _section(secrets: Mapping[str, Any] | None, name: str) -> dict[str, Any]:
    value = (secrets or {}).get(name, {})
    return _plain(value) if isinstance(value, Mapping) else {}


def auth_config(secrets: Mapping[str, Any] | None) -> AuthConfig:
    """Read the [passwords] section of secrets.toml into an AuthConfig (empty when absent)."""
    section = _section(secrets, "passwords")
    creds = section.get("credentials") or {"usernames": {}}
    creds.setdefault("usernames", {})
    return AuthConfig(
        credentials=creds,
        cookie_name=str(section.get("cookie_name") or "finance_coach_auth"),
        cookie_key=str(section.get("cookie_key") or ""),
        cookie_expiry_days=float(section.get("cookie_expiry_days") or 7),
    )


def is_loopback(address: str | None) -> bool:
    """True when the server listens on loopback only; None (Streamlit's default) listens everywhere."""
    if not address:
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip()).is_loopback
    except ValueError:
        return False


def _why_strict(settings: Settings, address: str | None) -> str:
    if settings.env != "local":
        return f"env is {settings.env!r}, not \"local\""
    return f"the server listens on {address or 'every address (no --server.address)'}, not only on 127.0.0.1"


def _key_problem(what: str, key: str, settings: Settings, address: str | None) -> str | None:
    """A secret that signs login cookies: the published example or a short one is refused off a laptop."""
    if settings.env == "local" and is_loopback(address):
        return None
    why = _why_strict(settings, address)
    if key == EXAMPLE_COOKIE_KEY:
        return (f"{what} is the example key published in the repository, so anyone could forge a login cookie "
                f"({why}). Set it to a new random value: {_NEW_KEY_HINT}")
    if len(key.encode()) < MIN_KEY_BYTES:
        return (f"{what} is {len(key.encode())} bytes; at least {MIN_KEY_BYTES} are needed ({why}). "
                f"Set it to a new random value: {_NEW_KEY_HINT}")
    return None


def case_clashes(auth: AuthConfig) -> list[list[str]]:
    """Groups of configured usernames that differ only in case (the login would merge them)."""
    groups: dict[str, list[str]] = {}
    for name in auth.credentials.get("usernames", {}):
        groups.setdefault(str(name).lower(), []).append(str(name))
    return [sorted(names) for names in groups.values() if len(names) > 1]


def _password_problems(settings: Settings, auth: AuthConfig, address: str | None) -> list[str]:
    problems: list[str] = []
    if not auth.usernames:
        problems.append(
            "No login accounts are configured: run `make run` (it writes .streamlit/secrets.toml) or add "
            "[passwords.credentials.usernames.<name>] to .streamlit/secrets.toml."
        )
    for names in case_clashes(auth):
        listed = " and ".join(repr(n) for n in names)
        problems.append(
            f"The usernames {listed} differ only in case: the login lowercases what is typed, so one would sign "
            "in as the other and share its data. Rename or remove all but one of them in secrets.toml."
        )
    if not auth.cookie_key:
        problems.append(
            f"No cookie key is set: add [passwords] cookie_key to .streamlit/secrets.toml ({_NEW_KEY_HINT})."
        )
    else:
        key = _key_problem("[passwords] cookie_key", auth.cookie_key, settings, address)
        if key:
            problems.append(key)
    if settings.is_hosted:
        if DEMO_USERNAME in auth.usernames:
            problems.append(
                "This is a hosted deployment but the demo account 'demo' with its published password is still "
                "configured: remove [passwords.credentials.usernames.demo] from secrets.toml."
            )
        for name, user in auth.credentials.get("usernames", {}).items():
            password = str((user or {}).get("password", ""))
            if not password.startswith(("$2a$", "$2b$", "$2y$")):
                problems.append(f"The password of '{name}' is not a bcrypt hash: store only hashes when hosted.")
    return problems


def _oidc_problems(settings: Settings, secrets: Mapping[str, Any], address: str | None) -> list[str]:
    section = _section(secrets, "auth")
    providers = {k: v for k, v in section.items() if isinstance(v, dict)}
    missing = [k for k in OIDC_KEYS if not section.get(k) and not all(v.get(k) for v in providers.values())]
    if not providers:
        missing = [k for k in OIDC_KEYS if not section.get(k)]
    problems: list[str] = []
    if missing:
        problems.append(
            "login = \"oidc\" needs the section [auth] in .streamlit/secrets.toml with "
            + ", ".join(missing) + " (see .streamlit/secrets.toml.example)."
        )
    secret = str(section.get("cookie_secret") or "")
    if secret:
        key = _key_problem("[auth] cookie_secret", secret, settings, address)
        if key:
            problems.append(key)
    if not settings.user_claim.strip():
        problems.append("user_claim (FINANCE_USER_CLAIM) is empty: name the claim that is the user id, e.g. \"sub\".")
    return problems


def startup_problems(
    settings: Settings, auth: AuthConfig, address: str | None, secrets: Mapping[str, Any] | None = None
) -> list[str]:
    """Reasons the app must refuse to start; empty when it may serve.

    `address` is where the server listens (server.address): the example key is fine on a laptop's
    loopback with env = "local", and nowhere else.
    """
    problems: list[str] = []
    if settings.env not in ENVS:
        problems.append(
            f"env = {settings.env!r} (or FINANCE_ENV) is not a known deployment: set it to exactly \"local\" "
            "on a laptop or \"hosted\" anywhere else."
        )
    if settings.login not in LOGINS:
        problems.append(f"login = {settings.login!r} (or FINANCE_LOGIN) is not known: use \"password\" or \"oidc\".")
        return problems
    old = _section(secrets, "auth")
    if any(k in old for k in _OLD_LAYOUT_KEYS):
        problems.append(
            "secrets.toml keeps the password login in [auth], the old layout; [auth] now belongs to OIDC "
            "(st.login). Rename [auth] to [passwords] and [auth.credentials.usernames.<name>] to "
            "[passwords.credentials.usernames.<name>] (cookie_name, cookie_key and cookie_expiry_days move too)."
        )
        return problems
    if settings.login == "password":
        problems += _password_problems(settings, auth, address)
    else:
        problems += _oidc_problems(settings, secrets or {}, address)
    problems += guardrail_problems(settings)  # issue 24: a hosted coach on Bedrock needs its guardrail
    return problems


# -- the password login's cookie ----------------------------------------------------------------
@dataclass(frozen=True)
class LoginToken:
    """What a verified login cookie says: who, and when it was issued (to compare with their last logout)."""

    username: str
    issued_at: float
    exp_date: float


def issue_token(username: str, key: str, expiry_days: float, now: dt.datetime) -> str:
    """A login cookie's value: the authenticator's claims (username, exp_date) plus when it was issued."""
    issued = now.timestamp()
    payload = {"username": username, "exp_date": issued + expiry_days * 86400, "iat": issued}
    return jwt.encode(payload, key, algorithm="HS256")


def read_token(value: str, key: str, now: dt.datetime) -> LoginToken | None:
    """The cookie's claims when its signature, expiry and issue time check out; None otherwise."""
    try:
        # A little leeway on iat: servers behind one load balancer never agree to the millisecond.
        claims = jwt.decode(value, key, algorithms=["HS256"], leeway=60,
                            options={"require": ["username", "exp_date", "iat"]})
        token = LoginToken(str(claims["username"]), float(claims["iat"]), float(claims["exp_date"]))
    except (jwt.InvalidTokenError, TypeError, ValueError) as exc:
        log.info("login cookie refused", extra={"reason": type(exc).__name__})
        return None
    if token.exp_date <= now.timestamp():
        log.info("login cookie refused", extra={"reason": "expired", "user_id": token.username})
        return None
    return token


def issued_after(issued_at: float, valid_after: dt.datetime | None) -> bool:
    """True when a login issued at `issued_at` (epoch seconds) is newer than the user's last logout."""
    return valid_after is None or issued_at > valid_after.timestamp()


# -- OIDC identities ----------------------------------------------------------------------------
def oidc_display_name(claims: Mapping[str, Any], user_id: str) -> str:
    """The token's name, then given_name, then the part of the email before @, capitalised; else the id."""
    for key in ("name", "given_name"):
        value = str(claims.get(key) or "").strip()
        if value:
            return value
    email = str(claims.get("email") or "").strip()
    if "@" in email and email.split("@", 1)[0]:
        return email.split("@", 1)[0].capitalize()
    return user_id
