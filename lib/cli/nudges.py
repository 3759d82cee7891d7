"""Nudge flags of `python -m lib profile` (merged there with one line each), and `python -m lib nudges`.

`add_nudge_arguments(parser)` adds --morning/--evening/--weekly/--quiet/--milestones/--hide-amounts;
`apply_nudge_flags(profile, args)` returns the profile with the given ones set, or raises
ValidationError with a reason per field (exit 2, nothing saved). A profile command saves the
result through `lib.jobs.manage.save_profile`, which keeps the user's schedule current.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import tomllib
from pathlib import Path
from typing import Any

from lib.config import REPO_ROOT, Settings, load_settings
from lib.core.models import Profile
from lib.core.nudge_prefs import validate_nudge_prefs
from lib.jobs import manage
from lib.store import Store

FLAGS = ("morning", "evening", "weekly", "quiet", "milestones", "hide_amounts")


def add_nudge_arguments(parser: argparse.ArgumentParser) -> None:
    """The nudge flags (each optional: what is not given stays as it is)."""
    parser.add_argument("--morning", metavar="HH:MM|off", help="morning nudge time in your zone (default 08:00)")
    parser.add_argument("--evening", metavar="HH:MM|off", help="evening reminder time (default 20:30)")
    parser.add_argument("--weekly", metavar="on|off", help="Sunday evening round-up (default on)")
    parser.add_argument("--quiet", metavar="HH:MM-HH:MM|off", help="quiet hours (default 22:00-07:00)")
    parser.add_argument("--milestones", metavar="on|off", help="streak milestones 7/14/30/60/100/365 (default on)")
    parser.add_argument("--hide-amounts", dest="hide_amounts", metavar="on|off",
                        help="leave amounts out of nudges (lock screens; default off)")


def apply_nudge_flags(profile: Profile, args: argparse.Namespace) -> Profile:
    """The profile with the nudge flags that were given; ValidationError (a reason per field) otherwise."""
    current = profile.nudges.to_dict()
    given = {f: getattr(args, f) for f in FLAGS if getattr(args, f, None) is not None}
    if not given:
        return profile
    prefs = validate_nudge_prefs(**{**current, **given})
    return dataclasses.replace(profile, nudges=prefs)


def settings_with_app_secrets() -> Settings:
    """The settings the app sees: environment first, then .streamlit/secrets.toml (its encryption key above all).

    The worker and `channels` must open the channel URLs the Settings page sealed, so they read the
    same secrets file the app reads (the current directory's, else the repository's).
    """
    for folder in (Path.cwd(), REPO_ROOT):
        path = folder / ".streamlit" / "secrets.toml"
        if path.is_file():
            try:
                data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError):
                break
            return load_settings(data)
    return load_settings()


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("nudges", help="show or set when the coach nudges you (times in your own zone)")
    p.add_argument("--user", required=True)
    add_nudge_arguments(p)
    p.add_argument("--json", action="store_true", help="print the settings as JSON")
    p.set_defaults(handler=cmd_nudges)


def cmd_nudges(args: argparse.Namespace, store: Store) -> int:
    profile = store.get_profile(args.user)
    wanted = apply_nudge_flags(profile, args)
    if wanted is not profile:
        profile = manage.save_profile(store, wanted)
    data = {"user": profile.user_id, "timezone": profile.timezone or "(server zone)", **profile.nudges.to_dict()}
    if args.json:
        print(json.dumps(data))
    else:
        for key, value in data.items():
            print(f"{key:13} {value}")
    return 0
