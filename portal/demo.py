"""The demo's regions (config/management/commands/seed_demo.py): 山东省 › 淄博市 › 高青县 (seed 000) with its towns and
streets, and 广东省 › 广州市 › 从化区 › 良口镇 with the 23 communities and villages of seed 002 附件2, in its order.

Real codes only where they are known: the 6-digit 行政区划代码 of the provinces, cities and counties. The towns and
villages get local codes (portal/regions.py: 9xx inside the parent's code), shown as 「本地编码」 until someone enters
the statistical ones. Idempotent: a region is found by its code, or by its name under its parent (a local code
corrected since is kept).
"""

from portal import regions
from portal.enums import RegionLevel, Settlement
from portal.models import Region

# (code, name, level, parent code)
COUNTIES = [
    ("370000", "山东省", RegionLevel.PROVINCE, None),
    ("370300", "淄博市", RegionLevel.CITY, "370000"),
    ("370322", "高青县", RegionLevel.COUNTY, "370300"),
    ("440000", "广东省", RegionLevel.PROVINCE, None),
    ("440100", "广州市", RegionLevel.CITY, "440000"),
    ("440117", "从化区", RegionLevel.COUNTY, "440100"),
]
# 高青县's two streets and seven towns (the demo's institutions sit in 田镇街道, 芦湖街道 and 花沟镇).
GAOQING_TOWNS = ["田镇街道", "芦湖街道", "青城镇", "高城镇", "黑里寨镇", "唐坊镇", "常家镇", "花沟镇", "木李镇"]
LIANGKOU = "良口镇"
# Seed 002 附件2 《良口镇2024年创建充分就业社区(村)名单》, in its order (it writes 「锦 村」).
LIANGKOU_COMMUNITIES = [
    "良新村", "米埗村", "和丰村", "良平村", "塘尾村", "少沙村", "良明村", "磻溪村", "塘料村", "高沙村", "联群村", "胜塘村",
    "长流村", "北溪村", "合群村", "梅树村", "锦村", "乐明村", "下溪村", "溪头村", "东星村", "黄竹塱社区", "彩虹社区",
]


def settlement_of(name: str) -> str:
    return Settlement.COMMUNITY if name.endswith("社区") else Settlement.VILLAGE


def seed_regions() -> dict[str, Region]:
    """The demo's regions by code (provinces, cities, counties) and by name (towns, communities, villages)."""
    found: dict[str, Region] = {}
    for code, name, level, parent in COUNTIES:
        found[code] = regions.region_ensure(code=code, name=name, level=level, parent=found.get(parent))
    for name in GAOQING_TOWNS:
        found[name] = regions.region_ensure(name=name, level=RegionLevel.TOWN, parent=found["370322"])
    town = found[LIANGKOU] = regions.region_ensure(name=LIANGKOU, level=RegionLevel.TOWN, parent=found["440117"])
    for name in LIANGKOU_COMMUNITIES:
        found[name] = regions.region_ensure(
            name=name, level=RegionLevel.COMMUNITY, parent=town, settlement=settlement_of(name)
        )
    return found
