"""Score facts against a rubric in bulk: `manage.py rubric_score RUBRIC FACTS`.

RUBRIC is a shipped standard's slug (rubrics/standards/, e.g. gz_community_2024) or a stored rubric's id. FACTS is a
JSON file: the facts of one unit (a mapping of item codes to facts), or `{"units": [{"name": …, "facts": {…}}, …]}`
for many; or the rubric's Excel facts template filled in (.xlsx, rubrics/excel.py), for one unit, its ledger sheets
counted. The output is JSON: per unit its items' points, the score, the capped bonus, the total and the gates not
met. The format is documented in docs/rubrics.md.
"""

import json
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rubrics.engine import FactsError, score_rubric


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _load_rubric(name: str) -> dict:
    from rubrics.standards import STANDARDS

    if name in STANDARDS:
        return STANDARDS[name]
    if name.isdigit():
        from rubrics.models import Rubric
        from rubrics.services import rubric_data

        rubric = Rubric.objects.filter(pk=int(name)).first()
        if rubric is not None:
            return rubric_data(rubric)
    raise CommandError(f"no rubric {name!r}: give a standard ({', '.join(sorted(STANDARDS))}) or a stored rubric's id")


def _read_facts(path: Path, spec: dict):
    """The facts of a JSON file, or of a filled Excel template (an .xlsx is a zip: its first bytes say so)."""
    try:
        content = path.read_bytes()
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error}") from error
    if content[:2] == b"PK":
        from rubrics.excel import read_facts_template
        from rubrics.ledger import LedgerError

        try:
            return read_facts_template(content, spec)
        except LedgerError as error:
            raise CommandError(f"cannot read {path}: {error}") from error
    try:
        return json.loads(content.decode("utf-8"), parse_float=Decimal)
    except ValueError as error:
        raise CommandError(f"cannot read {path}: {error}") from error


def _units(data) -> list[tuple[str, dict]]:
    if isinstance(data, dict) and isinstance(data.get("units"), list):
        return [(str(unit.get("name", index + 1)), unit.get("facts", {})) for index, unit in enumerate(data["units"])]
    if isinstance(data, dict):
        return [("1", data)]
    raise CommandError("FACTS must be a JSON object: one unit's facts, or {\"units\": [...]}")


class Command(BaseCommand):
    help = "按评分标准批量计分：输出每项得分和总分（JSON）。"

    def add_arguments(self, parser):
        parser.add_argument("rubric", help="标准标识（如 gz_community_2024）或已保存评分标准的编号")
        parser.add_argument("facts", type=Path, help="事实数据 JSON 文件（格式见 docs/rubrics.md）")

    def handle(self, *args, rubric, facts, **options):
        spec = _load_rubric(rubric)
        data = _read_facts(facts, spec)
        out = []
        for name, unit_facts in _units(data):
            try:
                result = score_rubric(spec, unit_facts)
            except (FactsError, KeyError, TypeError) as error:
                out.append({"name": name, "error": str(error)})
                continue
            out.append({
                "name": name,
                "items": {code: _number(points) for code, points in result.items.items()},
                "score": _number(result.score),
                "bonus": _number(result.bonus),
                "total": _number(result.total),
                "excluded_by": result.excluded_by,
            })
        self.stdout.write(json.dumps({"rubric": spec["name"], "units": out}, ensure_ascii=False, indent=2))
