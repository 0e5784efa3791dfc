"""The scoring standards shipped as data (issue 14), by slug: each a JSON file beside this module, a plain dict the
engine scores (`rubrics.engine.score_rubric`). Text fields are the source document's as written (its ASCII "," ";"
"(" kept); a cell of several paragraphs is its paragraphs joined by "\\n"; each checklist entry, part and deduction
rule carries the clause it scores (`text`, a piece of the item's `standard`). How the text was read: each standard's
`notes`; the format: docs/rubrics.md.

- gq_county_benchmark: seed 000 四 评定条件, the county benchmark review's rubric: basic conditions (一)1–6 and county
  condition (二)1 are gates ((二)1 binds only the county public agency: `applies_to`), (二)2–4 required and judged
  (35 + 35 + 30, the portal's points: the text gives none), (二)5 priority a judged bonus ≤ 10 for claimed items.
- gz_village_2024: seed 002 附件3 广州市高质量就业村建设标准(试行).
- gz_community_2024: seed 002 附件4 广州市充分就业社区(村)建设标准(2024年修订版). The annex has one column
  评估标准和方法: its paragraphs are split into what an item measures or requires (`content`, after the 建设内容), how
  it scores (`standard`) and how it is checked (`method`, empty where the cell names no method).
- sd_community: seed 003 山东省基层公共就业服务平台业务规范 五、充分就业社区创建标准, as far as the seed goes (cut off
  in (三)1: `truncated`). The text gives no points, methods nor offices: each numbered clause is a requirement met or
  not (`pass_fail`, max 1), full marks the number of clauses (12); the score counts what is met, not points.
"""

import json
from pathlib import Path

FOLDER = Path(__file__).resolve().parent
SLUGS = ("gq_county_benchmark", "gz_village_2024", "gz_community_2024", "sd_community")


def load(slug: str) -> dict:
    return json.loads((FOLDER / f"{slug}.json").read_text(encoding="utf-8"))


STANDARDS = {slug: load(slug) for slug in SLUGS}
