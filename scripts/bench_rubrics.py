"""Rubric scoring (`make bench`): 3,000 communities scored against annex 4 (广州市充分就业社区(村)建设标准) from their
facts by the engine (rubrics/engine.py). Target (the project guide): ≤ 2 s.

The facts are made up per item from its kind (a rate's counts, a checklist's entries, deductions now and then),
seeded, so every run scores the same 3,000 communities. Printed as `<figure>: <value>  (target …)  OK|MISS`.
"""

import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

COMMUNITIES = 3000
TARGET_SECONDS = 2.0


def facts_for(item: dict, rng: random.Random) -> dict:
    """Plausible facts of one item, from its kind."""
    kind = item["kind"]
    facts: dict = {}
    if kind == "rate":
        total = rng.randint(0 if item.get("none_scores_full") else 1, 400)
        excluded = rng.randint(0, total // 10)
        facts = {"total": total, "excluded": excluded, "achieved": rng.randint(0, total - excluded)}
    elif kind == "pass_fail":
        facts = {"met": rng.random() < 0.8, "none_in_period": rng.random() < 0.1}
    elif kind in ("count", "recommendation"):
        facts = {"count": rng.randint(0, 60), "all_employed": rng.random() < 0.3}
    elif kind == "checklist":
        facts = {"met": [e["key"] for e in item["entries"] if rng.random() < 0.7]}
    elif kind == "deduction":
        facts = {rule["key"]: rng.randint(0, 2) for rule in item["rules"] if rng.random() < 0.3}
    elif kind == "judged":
        facts = {"points": rng.randint(0, int(float(item["max"])))}
    elif kind == "sum":
        facts = {"parts": {part["code"]: facts_for(part, rng) for part in item["parts"]}}
    elif kind == "gate":
        facts = {"met": rng.random() < 0.95}
    elif kind == "per_event":
        facts = {"events": rng.randint(0, 3)}
    if item.get("precondition"):
        facts["precondition_met"] = rng.random() < 0.9
    if item.get("deductions") and rng.random() < 0.2:
        facts["deductions"] = {rule["key"]: rng.randint(1, 2) for rule in item["deductions"]}
    return facts


def community(rubric: dict, rng: random.Random) -> dict:
    facts = {item["code"]: facts_for(item, rng) for item in rubric["items"]}
    for item in rubric.get("bonus", ()):  # claimed now and then
        if rng.random() < 0.3:
            facts[item["code"]] = facts_for(item, rng) if "kind" in item else {"events": rng.randint(1, 3)}
    return facts


def main() -> None:
    import django

    django.setup()
    from rubrics.engine import score_rubric
    from rubrics.standards import STANDARDS

    rubric = STANDARDS["gz_community_2024"]
    rng = random.Random(2024)
    all_facts = [community(rubric, rng) for _ in range(COMMUNITIES)]
    started = time.perf_counter()
    totals = [score_rubric(rubric, facts).total for facts in all_facts]
    seconds = time.perf_counter() - started
    ok = seconds <= TARGET_SECONDS
    print(
        f"rubric scoring, {COMMUNITIES:,} communities against annex 4 from facts (mean total "
        f"{sum(totals) / len(totals):.1f}): {seconds:.2f} s  (target ≤ {TARGET_SECONDS:.0f} s)  {'OK' if ok else 'MISS'}",
        flush=True,
    )


if __name__ == "__main__":
    main()
