"""Facts -> commentary: the facts builder, the offline coach, Bedrock, and the grounding check.

Callers (sidebar, CLI) use `get_commentary` / `stream_commentary` with facts from `build_facts`.
"""
from __future__ import annotations

from lib.coach.facts import Facts, build_facts, facts_hash
from lib.coach.grounding import ungrounded_numbers
from lib.coach.offline import offline_commentary
from lib.coach.result import CoachResult
from lib.coach.service import CommentaryStream, get_commentary, reuse_of, stream_commentary

__all__ = [
    "CoachResult",
    "CommentaryStream",
    "Facts",
    "build_facts",
    "facts_hash",
    "get_commentary",
    "offline_commentary",
    "reuse_of",
    "stream_commentary",
    "ungrounded_numbers",
]
