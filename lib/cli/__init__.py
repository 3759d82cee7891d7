"""`python -m lib ...`: the command line used by the README, the tests and scripts.

Every command exits non-zero with a one-line reason on any error.
"""
from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from lib.cli import api, bank, channels, coach, data, forecast, fx, jobs, nudges, profile
from lib.cli.common import open_configured_store
from lib.core.errors import FinanceError, ValidationError
from lib.store import Store

Handler = Callable[[argparse.Namespace, Store], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lib", description="Tough-love money coach: data commands.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    # One module per group of commands.
    for module in (data, coach, forecast, api, profile, bank):
        module.register(sub)
    for module in (nudges, channels, jobs):  # issue 18: nudges
        module.register(sub)
    fx.register(sub)  # issue 25: exchange rates, re-pricing
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr)
    try:
        return int(args.handler(args, open_configured_store()))
    except ValidationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except FinanceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0  # `... | head` closed the pipe: not an error of ours
    except (OSError, UnicodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
