"""A run's data-quality summary: how much of what it extracted an analyst can use as it is.

Why: a batch that "succeeds" can still hand analysts targets without a year or a province
(34 of 144 targets on corpus-dev had no deadline year, 39 no province).  Each run counts
the gaps in the fields analysts group by, prints them under its closing summary and keeps
them with the run (`runs.quality` in a store), so a drop in quality shows up without a gold
set.  The fields counted are data (`FIELDS`), not code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# (name shown, where the value lives): a target field, or the plan's province.
FIELDS: tuple[tuple[str, str], ...] = (
    ("deadline_year", "target"),
    ("province", "plan"),
    ("scope", "target"),
    ("pillar", "target"),
)


def summarize(plans: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Counts and shares of targets missing each field, and documents without any target.

    Each plan is a mapping with `province` and `targets` (a list of target mappings), as
    a plan record's JSON has them.
    """
    documents = no_targets = targets = 0
    missing = dict.fromkeys((name for name, _ in FIELDS), 0)
    for plan in plans:
        documents += 1
        plan_targets = plan.get("targets") or []
        if not plan_targets:
            no_targets += 1
        for target in plan_targets:
            targets += 1
            for name, where in FIELDS:
                value = plan.get(name) if where == "plan" else target.get(name)
                if value is None:
                    missing[name] += 1
    return {
        "documents": documents,
        "documents_without_targets": no_targets,
        "targets": targets,
        "missing": missing,
        "missing_share": {k: round(v / targets, 3) if targets else None for k, v in missing.items()},
    }


def render(quality: Mapping[str, Any]) -> str:
    """One line: `quality: 144 targets; without deadline_year 24% (34), province 27% (39) …`."""
    share = quality["missing_share"]
    parts = [f"{name} {share[name] * 100:.0f}% ({count})" for name, count in quality["missing"].items()
             if share[name] is not None]
    line = f"quality: {quality['targets']} targets"
    if parts:
        line += "; without " + ", ".join(parts)
    return line + f"; {quality['documents_without_targets']} of {quality['documents']} documents without a target"
