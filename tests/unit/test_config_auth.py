"""Settings precedence and the hosted-deployment refusals."""
from __future__ import annotations

import tomllib
from pathlib import Path

from lib.auth import auth_config, startup_problems
from lib.config import load_settings

EXAMPLE = Path(__file__).resolve().parents[2] / ".streamlit" / "secrets.toml.example"


def test_environment_wins_over_secrets_and_defaults_are_local_sqlite() -> None:
    assert load_settings({}, {}).store_url.startswith("sqlite:///")
    secrets = {"store": "dynamodb://FromSecrets", "bedrock": {"enabled": True, "model_id": "us.amazon.nova-micro-v1:0"}}
    s = load_settings(secrets, {})
    assert (s.store_url, s.bedrock_enabled, s.bedrock_model_id) == ("dynamodb://FromSecrets", True,
                                                                    "us.amazon.nova-micro-v1:0")
    assert load_settings(secrets, {"FINANCE_STORE": "sqlite:///tmp/x.db"}).store_url == "sqlite:///tmp/x.db"


def test_the_example_secrets_serve_locally_but_a_hosted_deployment_refuses_them() -> None:
    secrets = tomllib.loads(EXAMPLE.read_text())
    auth = auth_config(secrets)
    assert auth.usernames == ["demo"]
    assert startup_problems(load_settings(secrets, {}), auth) == []
    problems = startup_problems(load_settings(secrets, {"FINANCE_ENV": "hosted"}), auth)
    assert any("demo account" in p for p in problems)
    assert any("cookie key" in p for p in problems)


def test_no_accounts_is_explained() -> None:
    problems = startup_problems(load_settings({}, {}), auth_config({}))
    assert any("secrets.toml" in p for p in problems)
