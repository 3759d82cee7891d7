"""The `--payday` flag of `python -m lib profile` (issue 26), kept here so the profile command adds it in one line.

    from lib.cli.period import add_period_arguments, apply_period_flags
    add_period_arguments(parser)              # where the profile parser is built
    profile = apply_period_flags(profile, args)  # before the profile is saved

A bad rule raises ValidationError({"--payday": reason}), which the CLI prints with exit code 2.
"""
from __future__ import annotations

import argparse
from dataclasses import replace

from lib.core import period
from lib.core.errors import ValidationError
from lib.core.models import Profile


def add_period_arguments(parser: argparse.ArgumentParser) -> None:
    """Add --payday RULE to a profile command's parser."""
    parser.add_argument(
        "--payday", default=None, metavar="RULE",
        help=f"the budget period: {period.EXAMPLES} (a weekend payday moves to the Friday before with :friday)",
    )


def apply_period_flags(profile: Profile, args: argparse.Namespace) -> Profile:
    """The profile with the --payday rule applied (unchanged without the flag); the rule's canonical spelling."""
    text = getattr(args, "payday", None)
    if text is None:
        return profile
    reason = period.rule_reason(text)
    if reason:
        raise ValidationError({"--payday": reason})
    return replace(profile, payday=period.parse_rule(text).text)
