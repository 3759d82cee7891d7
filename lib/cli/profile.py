"""`python -m lib profile --user U [--name N] [--budget D] [--tone T] [--timezone Area/City] [--payday RULE]
[--currency CODE] [--json]`.

Sets what is given and prints the profile. Every value goes through the same validation as the Settings
page; a refused value exits 2 with a reason per field and nothing is saved. The flags are a table
(`FLAGS`): a new setting is one more row, with the profile field it sets and how its text is read.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lib.cli.nudges import add_nudge_arguments, apply_nudge_flags
from lib.core import clock, period
from lib.core.errors import ValidationError
from lib.core.models import Profile, validate_profile
from lib.jobs import manage
from lib.store import Store


@dataclass(frozen=True)
class Flag:
    """One `--flag VALUE`: the profile field it sets and how its text becomes that field's value."""

    flag: str
    field: str
    parse: Callable[[str], Any]  # raises ValueError(reason) for text it refuses
    metavar: str
    help: str


def _text(value: str) -> str:
    return value


def _payday(value: str) -> str:
    """A budget-period rule in its canonical spelling (calendar, monthly:25[:friday], biweekly:DATE)."""
    reason = period.rule_reason(value)
    if reason:
        raise ValueError(reason)
    return period.parse_rule(value).text


FLAGS: list[Flag] = [
    Flag("--name", "display_name", _text, "NAME", "how the coach addresses you"),
    Flag("--budget", "daily_budget", _text, "AMOUNT", "daily budget, e.g. 30 or 12.50"),
    Flag("--tone", "ai_tone", _text, "TONE", "coach tone: brutal, sarcastic or polite"),
    Flag("--timezone", "timezone", _text, "AREA/CITY", "your IANA time zone (your today), e.g. Australia/Sydney"),
    Flag("--payday", "payday", _payday, "RULE", f"the budget period: {period.EXAMPLES}"),
    Flag("--currency", "currency", _text, "CODE", "your home currency, ISO 4217 (EUR, USD, GBP ...)"),
]


VALIDATED = ("display_name", "daily_budget", "monthly_salary", "ai_tone", "fixed_categories", "budget_style",
             "timezone", "payday", "currency")


def _checked(current: Profile, changes: dict[str, Any]) -> Profile:
    """The current profile with `changes`, validated like the Settings form (ValidationError per field)."""
    merged = dataclasses.replace(current, **changes)
    valid = validate_profile(
        current.user_id, merged.display_name, merged.daily_budget, merged.monthly_salary, merged.ai_tone,
        current.version, fixed_categories=merged.fixed_categories, budget_style=merged.budget_style,
        timezone=merged.timezone, payday=merged.payday, currency=merged.currency,
    )
    # Only what validate_profile checks comes from it; fields it does not know keep the values given.
    return dataclasses.replace(merged, **{name: getattr(valid, name) for name in VALIDATED})


def profile_dict(profile: Profile) -> dict[str, Any]:
    """The profile as printed by --json (money as strings, every field)."""
    out = dataclasses.asdict(profile)
    out["nudges"] = profile.nudges.to_dict()  # an object, as the nudges command prints it
    for name, value in out.items():
        if value is not None and not isinstance(value, str | int | bool | list | tuple | dict):
            out[name] = str(value)
    return out


def cmd_profile(args: argparse.Namespace, store: Store) -> int:
    current = store.get_profile(args.user)
    changes: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for flag in FLAGS:
        text = getattr(args, flag.field)
        if text is None:
            continue
        try:
            changes[flag.field] = flag.parse(text)
        except ValueError as exc:
            errors[flag.flag] = str(exc)
    wanted = current
    try:
        wanted = apply_nudge_flags(current, args)
    except ValidationError as exc:
        errors.update({f"--{k.replace('_', '-')}": v for k, v in exc.errors.items()})
    profile = current
    if changes or wanted is not current or errors:
        try:  # every refused value gets its reason, not only the first kind found
            wanted = _checked(wanted, changes)
        except ValidationError as exc:
            by_flag = {f.field: f.flag for f in FLAGS}
            errors.update({by_flag.get(k, k): v for k, v in exc.errors.items() if by_flag.get(k, k) not in errors})
        if errors:
            raise ValidationError(errors)
        profile = manage.save_profile(store, wanted)  # the nudges' schedule follows the zone and times
    if profile.currency and profile.currency != current.currency:  # issue 25: a new home currency re-prices
        from lib.cli.fx import reprice_and_report

        with contextlib.redirect_stdout(sys.stderr if args.json else sys.stdout):
            reprice_and_report(store, profile.user_id, profile.currency)
    if args.json:
        print(json.dumps(profile_dict(profile), indent=2))
        return 0
    zone = profile.timezone or "not set (the server's zone)"
    print(f"{profile.user_id}: {profile.display_name}, daily budget {profile.daily_budget}, tone {profile.ai_tone}, "
          f"time zone {zone}, today {clock.today(profile.timezone).isoformat()} (version {profile.version})")
    if profile is current:
        print("nothing changed (no setting given)", file=sys.stderr)
    return 0


def register(sub: Any) -> None:
    """Add the profile subcommand to the CLI's subparsers."""
    p = sub.add_parser("profile", help="set a user's settings (only those given) and print the profile")
    p.add_argument("--user", required=True)
    for flag in FLAGS:
        p.add_argument(flag.flag, dest=flag.field, default=None, metavar=flag.metavar, help=flag.help)
    add_nudge_arguments(p)
    p.add_argument("--json", action="store_true", help="print the profile as JSON")
    p.set_defaults(handler=cmd_profile)
