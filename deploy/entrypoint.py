"""The dashboard container's start: st.login's [auth] section from the task's environment, then Streamlit.

Streamlit reads OIDC settings only from a secrets.toml file, while ECS hands secrets to a task as
environment variables (from Secrets Manager). This writes ~/.streamlit/secrets.toml (0600, in the
container's own home, never in the image) from FINANCE_AUTH_* and replaces itself with Streamlit.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

AUTH_KEYS = {  # secrets.toml [auth] key -> environment variable
    "redirect_uri": "FINANCE_AUTH_REDIRECT_URI",
    "cookie_secret": "FINANCE_AUTH_COOKIE_SECRET",
    "client_id": "FINANCE_AUTH_CLIENT_ID",
    "client_secret": "FINANCE_AUTH_CLIENT_SECRET",
    "server_metadata_url": "FINANCE_AUTH_SERVER_METADATA_URL",
}
STREAMLIT = ["streamlit", "run", "streamlit_app.py", "--server.address=0.0.0.0", "--server.port=8501",
             "--server.headless=true", "--browser.gatherUsageStats=false", "--client.showErrorDetails=none"]


def auth_section(environ: dict[str, str]) -> str:
    """The [auth] table of secrets.toml, or "" when no OIDC setting is in the environment."""
    values = {key: environ[var] for key, var in AUTH_KEYS.items() if environ.get(var)}
    if not values:
        return ""
    missing = sorted(AUTH_KEYS[k] for k in AUTH_KEYS if k not in values)
    if missing:
        raise SystemExit(f"OIDC login needs {', '.join(missing)} as well")
    # A JSON string is a valid TOML basic string (same quotes and escapes).
    return "[auth]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in values.items())


def write_secrets(home: Path, environ: dict[str, str]) -> Path | None:
    """Write ~/.streamlit/secrets.toml readable by this user only; None when there is nothing to write."""
    text = auth_section(environ)
    if not text:
        return None
    folder = home / ".streamlit"
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / "secrets.toml"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)
    return path


def main() -> None:
    write_secrets(Path.home(), dict(os.environ))
    os.execvp(STREAMLIT[0], STREAMLIT + sys.argv[1:])


if __name__ == "__main__":
    main()
