"""Cost per user-month at 1,000 and 100,000 users: the template's hosting plus each user's own
DynamoDB and Bedrock use (the simulated month of `make bench`), from the prices in lib/core/cost.py."""
from __future__ import annotations

from lib.core import cost

SCALES = (1_000, 100_000)
FLEET = cost.Fleet()


def table(per_user_usage_usd: float, fleet: cost.Fleet = FLEET) -> dict[int, dict[str, float]]:
    """users -> each part's month total (USD), with `per_user_total` the cost per user-month."""
    out = {}
    for users in SCALES:
        parts = cost.hosting_month_usd(users, fleet)
        parts["dynamodb_and_bedrock"] = per_user_usage_usd * users
        parts["total"] = sum(parts.values())
        parts["per_user_total"] = parts["total"] / users
        out[users] = parts
    return out


def markdown(per_user_usage_usd: float, fleet: cost.Fleet = FLEET) -> str:
    """The cost-at-scale section of bench/RESULTS.md."""
    rows = table(per_user_usage_usd, fleet)
    names = [k for k in rows[SCALES[0]] if k not in ("total", "per_user_total")]
    lines = [
        "## Cost at scale (per month, USD)",
        "",
        f"List prices US East as of {cost.HOSTING_PRICES_AS_OF} (`lib/core/cost.py`, not re-checked here). "
        f"Assumptions: {fleet.peak_share_online:.0%} of users online at the busiest hour, average tasks "
        f"{fleet.average_to_peak:.0%} of the peak, {fleet.sessions_per_task} sessions per 1-vCPU/2-GB task "
        f"(at least {fleet.min_tasks}), {fleet.http_requests_per_user_day:g} HTTP requests per user-day through WAF, "
        f"{fleet.job_actions_per_user_day:g} jobs (nudges, bank syncs) per user-day at "
        f"{fleet.job_seconds_per_action:g} s each; each user's own store and coach use "
        f"${per_user_usage_usd:.5f} (the simulated month above).",
        "",
        "| part | " + " | ".join(f"{u:,} users" for u in SCALES) + " |",
        "|---|" + "---:|" * len(SCALES),
    ]
    for name in names:
        lines.append(f"| {name.replace('_', ' ')} | " + " | ".join(f"{rows[u][name]:,.2f}" for u in SCALES) + " |")
    lines.append("| **total** | " + " | ".join(f"**{rows[u]['total']:,.2f}**" for u in SCALES) + " |")
    lines.append("| **per user-month** | " + " | ".join(f"**{rows[u]['per_user_total']:.4f}**" for u in SCALES)
                 + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(0.00149))
