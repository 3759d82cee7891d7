"""`python -m lib profile`: sets what is given, prints the profile; a refused value exits 2 and saves nothing."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from lib.store.sqlite import SQLiteStore

REPO = Path(__file__).resolve().parents[2]


def run(tmp_path: Path, *args: str, code: int = 0, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "FINANCE_STORE": f"sqlite:///{tmp_path / 'cli.db'}", **env}
    proc = subprocess.run([sys.executable, "-m", "lib", *args], cwd=REPO, env=environ, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == code, (proc.stdout, proc.stderr)
    return proc


def test_profile_sets_the_given_settings_and_prints_the_profile(tmp_path: Path) -> None:
    run(tmp_path, "init")
    shown = run(tmp_path, "profile", "--user", "ann", "--name", "Ann Lee", "--budget", "25.50", "--tone", "Polite",
                "--timezone", "Australia/Sydney", "--json")
    profile = json.loads(shown.stdout)
    assert {k: profile[k] for k in ("display_name", "daily_budget", "ai_tone", "timezone", "version")} == {
        "display_name": "Ann Lee", "daily_budget": "25.50", "ai_tone": "polite", "timezone": "Australia/Sydney",
        "version": 1}
    # Only what is given changes; the rest stays.
    again = json.loads(run(tmp_path, "profile", "--user", "ann", "--timezone", "America/Los_Angeles",
                           "--json").stdout)
    assert (again["display_name"], again["daily_budget"], again["timezone"], again["version"]) == (
        "Ann Lee", "25.50", "America/Los_Angeles", 2)
    # Printing alone writes nothing, and says the user's today in their zone (pinned here).
    text = run(tmp_path, "profile", "--user", "ann", FINANCE_TODAY="2026-12-04").stdout
    assert "time zone America/Los_Angeles, today 2026-12-04 (version 2)" in text


def test_a_refused_value_exits_2_with_a_reason_per_flag_and_saves_nothing(tmp_path: Path) -> None:
    run(tmp_path, "init")
    run(tmp_path, "profile", "--user", "ann", "--budget", "30", "--timezone", "Europe/Paris")
    refused = run(tmp_path, "profile", "--user", "ann", "--name", "Ann", "--budget", "-3", "--tone", "meh",
                  "--timezone", "Mars/Olympus", code=2)
    for flag in ("--budget", "--tone", "--timezone"):
        assert f"{flag}: " in refused.stderr, refused.stderr
    assert "IANA" in refused.stderr and refused.stdout == ""
    store = SQLiteStore(tmp_path / "cli.db")
    kept = store.get_profile("ann")
    assert (kept.display_name, str(kept.daily_budget), kept.timezone, kept.version) == ("ann", "30.00",
                                                                                         "Europe/Paris", 1)


def test_the_flags_are_a_table_another_setting_adds_a_row_to() -> None:
    from lib.cli.profile import FLAGS

    assert [(f.flag, f.field) for f in FLAGS] == [("--name", "display_name"), ("--budget", "daily_budget"),
                                                  ("--tone", "ai_tone"), ("--timezone", "timezone"),
                                                  ("--payday", "payday"), ("--currency", "currency")]


def test_today_defaults_to_the_users_today_in_the_cli_commands(tmp_path: Path, monkeypatch) -> None:
    """Kiritimati (UTC+14) is a day or two ahead of Pago Pago (UTC-11): `checkin` marks each user's own today."""
    import datetime as dt

    from lib.core import clock

    monkeypatch.delenv("FINANCE_TODAY", raising=False)
    run(tmp_path, "init")
    env = {"FINANCE_TODAY": ""}  # the real clock in the subprocess
    run(tmp_path, "profile", "--user", "kir", "--timezone", "Pacific/Kiritimati")
    run(tmp_path, "profile", "--user", "pago", "--timezone", "Pacific/Pago_Pago")
    days = {}
    for user, zone in (("kir", "Pacific/Kiritimati"), ("pago", "Pacific/Pago_Pago")):
        before = clock.today(zone)
        said = run(tmp_path, "checkin", "--user", user, **env).stdout
        days[user] = dt.date.fromisoformat(said.split("through ")[1][:10])
        assert days[user] in {before, clock.today(zone)}, said  # (a midnight may pass during the run)
    assert days["kir"] > days["pago"]


def test_profile_sets_the_payday_rule_and_refuses_a_bad_one(tmp_path: Path) -> None:
    run(tmp_path, "init")
    shown = json.loads(run(tmp_path, "profile", "--user", "ann", "--payday", "biweekly:2026-11-27", "--json").stdout)
    assert shown["payday"] == "biweekly:2026-11-27"
    refused = run(tmp_path, "profile", "--user", "ann", "--payday", "monthly:40", "--name", "Ann", code=2)
    assert "--payday" in refused.stderr
    assert SQLiteStore(tmp_path / "cli.db").get_profile("ann").payday == "biweekly:2026-11-27"  # nothing saved


def test_profile_refuses_a_bad_nudge_time_and_a_bad_zone_together_and_prints_nudges_as_an_object(
        tmp_path: Path) -> None:
    run(tmp_path, "init")
    refused = run(tmp_path, "profile", "--user", "ann", "--morning", "25:00", "--timezone", "Mars/Olympus", code=2)
    assert "--morning: " in refused.stderr and "--timezone: " in refused.stderr, refused.stderr
    shown = json.loads(run(tmp_path, "profile", "--user", "ann", "--evening", "off", "--json").stdout)
    assert shown["nudges"]["evening"] is None or shown["nudges"]["evening"] in ("off", "")
    assert shown["nudges"]["morning"] == "08:00"
