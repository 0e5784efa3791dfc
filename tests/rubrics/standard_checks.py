"""Checks every shipped standard (rubrics/standards/) must pass, shared by the tests of each: its structure, its
numbers adding up, its text, and each item at its extremes through the engine."""

import json
import os
import re
from decimal import Decimal
from itertools import chain
from pathlib import Path

import pytest

from rubrics.engine import FactsError, item_points

METHOD_KINDS = ("系统取数", "查验台帐", "现场查看", "查阅资料")
# The source document: not in the repository; beside a checkout as CI has it (../shared/seeds/), or SEEDS_DIR.
SEED = Path(os.environ.get("SEEDS_DIR") or Path(__file__).resolve().parents[3] / "shared" / "seeds") / "002_802a087d396963ff.txt"
# Seed 003 (山东省基层公共就业服务平台业务规范, its section 五: rubrics/standards/sd_community.json), found the same way.
SEED_003 = SEED.with_name("003_4b6f3e15322cc7b6.txt")


def all_items(rubric):
    return list(chain(rubric["items"], rubric.get("bonus", ())))


def walk(value):
    yield value
    if isinstance(value, dict):
        for inner in value.values():
            yield from walk(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from walk(inner)


def check_plain_data(rubric):
    assert json.loads(json.dumps(rubric, ensure_ascii=False)) == rubric
    assert not [value for value in walk(rubric) if isinstance(value, float)]


def check_numbers_add_up(rubric, *, full_marks=100, bonus=True):
    """`full_marks` and `bonus` (a bonus section capped at 10) as the standard's text gives them: a standard without
    points (seed 003 五, its requirements counted) passes its own full marks and `bonus=False`."""
    codes = [item["code"] for item in all_items(rubric)]
    indicators = {indicator["code"]: indicator for indicator in rubric["indicators"]}
    assert len(codes) == len(set(codes))
    assert len(indicators) == len(rubric["indicators"])
    assert {item["indicator"] for item in rubric["items"]} == set(indicators)
    for code, indicator in indicators.items():
        maxima = [Decimal(str(item["max"])) for item in rubric["items"] if item["indicator"] == code]
        assert sum(maxima) == indicator["points"], code
    assert sum(indicator["points"] for indicator in indicators.values()) == rubric["full_marks"] == full_marks
    if not bonus:  # no bonus in the text: none in the data either
        assert "bonus_section" not in rubric and rubric["bonus"] == [] and rubric["bonus_cap"] == 0
        return
    section = rubric["bonus_section"]
    assert section["code"] not in indicators and section["points"] == rubric["bonus_cap"] == 10
    for item in rubric["bonus"]:
        assert item["indicator"] == section["code"] and 0 < Decimal(str(item["max"])) <= rubric["bonus_cap"]


def check_codes_follow_the_numbering(rubric):
    for item in all_items(rubric):
        assert re.fullmatch(re.escape(item["indicator"]) + r"\d+", item["code"]), item["code"]
    for items in (rubric["items"], rubric["bonus"]):  # numbered 1, 2, … within each indicator, in order
        for indicator in {item["indicator"] for item in items}:
            numbers = [int(item["code"][len(indicator):]) for item in items if item["indicator"] == indicator]
            assert numbers == list(range(1, len(numbers) + 1)), indicator


def clauses(item):
    """The entries, parts and rules of an item (and of its parts) with the clause each scores."""
    for key in ("entries", "parts", "rules", "deductions"):
        for sub in item.get(key, ()):
            yield sub
            yield from clauses(sub)


def check_text(rubric, *, no_method=(), unstated=()):
    """`unstated`: the fields the document gives nowhere, empty in the data wherever they occur (the rubric's
    "version", "issuer"; every item's "standard", "offices"): seed 003 五 names no issuer, no points, no office."""
    for field in ("name", "version", "document", "issuer"):
        if field in unstated:
            assert rubric[field] == "", field
            continue
        assert rubric[field].strip()
    assert rubric["notes"] and all(note.strip() for note in rubric["notes"])
    assert all(indicator["title"].strip() for indicator in rubric["indicators"])
    for item in all_items(rubric):
        code = item["code"]
        for field in ("title", "content", "standard"):
            if field in unstated:
                assert item[field] == "", (code, field)
                continue
            assert item[field].strip() and item[field] == item[field].strip(), (code, field)
        assert bool(item["method"]) == (code not in no_method), code  # empty only where the text names no method
        if "offices" in unstated:
            assert item["offices"] == [], code
        else:
            assert item["offices"] and all(office.strip() for office in item["offices"]), code
        assert item["method_kinds"] == [kind for kind in METHOD_KINDS if kind in item["method"]], code
        assert item["star"] == ("★" in item["content"]), code
        assert isinstance(item["guiding"], bool)
        for sub in clauses(item):
            assert sub["text"] and sub["text"] in item["standard"], (code, sub["text"])
        keys = [entry["key"] for entry in item.get("entries", ())]
        parts = [part["code"] for part in item.get("parts", ())]
        assert len(keys) == len(set(keys)) and len(parts) == len(set(parts)), code


def _candidates(item):
    """Facts of an item's own kind, from nothing to everything (its precondition and deductions apart)."""
    kind = item["kind"]
    if kind == "rate":
        return [{"achieved": n, "total": 100} for n in range(101)]
    if kind == "pass_fail":
        return [{"met": False}, {"met": True}]
    if kind in ("count", "recommendation"):
        return [{"count": n, "all_employed": e} for n in range(61) for e in (False, True)]
    if kind == "checklist":
        return [{"met": []}, {"met": [entry["key"] for entry in item["entries"]]}]
    if kind == "deduction":
        return [{}, {rule["key"]: True if rule["per"] == "fixed" else 100 for rule in item["rules"]}]
    if kind == "per_event":
        return [{"events": n} for n in range(21)]
    raise AssertionError(f"no candidate facts for {kind!r}")


def extremes(item):
    """(worst facts, best facts) of an item through the engine."""
    if item["kind"] == "sum":
        parts = [extremes(part) for part in item["parts"]]
        worst = {"parts": {p["code"]: facts[0] for p, facts in zip(item["parts"], parts, strict=True)}}
        best = {"parts": {p["code"]: facts[1] for p, facts in zip(item["parts"], parts, strict=True)}}
    else:
        plain = {key: value for key, value in item.items() if key not in ("precondition", "deductions")}
        ranked = sorted(_candidates(item), key=lambda facts: item_points(plain, facts))
        worst, best = ranked[0], ranked[-1]
    if item.get("precondition"):
        worst, best = {**worst, "precondition_met": False}, {**best, "precondition_met": True}
    if item.get("deductions"):
        worst = {**worst, "deductions": {r["key"]: True if r["per"] == "fixed" else 100 for r in item["deductions"]}}
    return worst, best


def check_extremes(rubric, *, worst_not_zero=None):
    """Every item scores its maximum with the best facts and 0 with the worst, except where its text gives points
    even then (`worst_not_zero`: code → points)."""
    worst_not_zero = worst_not_zero or {}
    for item in all_items(rubric):
        worst, best = extremes(item)
        assert item_points(item, best) == Decimal(str(item["max"])), item["code"]
        assert item_points(item, worst) == worst_not_zero.get(item["code"], 0), item["code"]


def check_empty_and_negative_facts(rubric):
    """No facts score nothing (or are refused as missing), except a pure deduction, which then takes nothing off;
    a negative number is refused."""
    for item in all_items(rubric):
        if item["kind"] == "deduction":
            assert item_points(item, {}) == Decimal(str(item["max"])), item["code"]
            negative = {rule["key"]: -1 for rule in item["rules"] if rule["per"] != "fixed"}
        else:
            try:
                assert item_points(item, {}) == 0, item["code"]
            except FactsError:
                pass
            reads_numbers = item["kind"] in ("rate", "count", "recommendation", "per_event")
            negative = {"achieved": -1, "total": 10, "count": -1, "events": -1} if reads_numbers else {}
        if negative:
            with pytest.raises(FactsError):
                item_points(item, {**negative, "precondition_met": True})


def check_seed_verbatim(rubric, first_line: str, end_line: str | None):
    """Every paragraph of the rubric's text is a line of its annex in the seed (its number「1. 」 apart), and every
    line of the annex that is neither a heading, a number of points nor an office is in the rubric."""
    if not SEED.exists():
        pytest.skip("the seed document is not on this machine")
    lines = [line.strip() for line in SEED.read_text(encoding="utf-8").split("\n")]
    annex = lines[lines.index(first_line):lines.index(end_line) if end_line else None]
    unnumbered = {re.sub(r"^\d+\.\s?", "", line): line for line in annex if line}
    used = set()
    for item in all_items(rubric):
        assert item["title"] in unnumbered, item["code"]
        used.add(unnumbered[item["title"]])
        for paragraph in "\n".join(filter(None, (item["content"], item["standard"], item["method"]))).split("\n"):
            assert paragraph in unnumbered, (item["code"], paragraph)
            used.add(unnumbered[paragraph])
        assert set(item["offices"]) <= set(annex), item["code"]
        used.update(item["offices"])
    for remark in rubric["remarks"]:
        assert remark in annex
        used.add(remark)
    left = [line for line in annex if line and line not in used and not re.fullmatch(r"[\d()]+|.*\d+分\)", line)]
    return left  # the headings the caller lists
