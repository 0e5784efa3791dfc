"""Which 「十百千」 levels a region can hold a target of, and which it hands down (seed 001 二: provincial, city and
county benchmark institutions). A region holds the levels at or below its own tier: the province its own 10 and the
province-wide 100 and 1,000; a city its share of the city-level and county-level targets; a county its county-level
share. Its children (the regions one tier down) can be allocated the levels they can hold."""

from portal.enums import Level, RegionLevel

# Shown top-down, as the seed names them: 十 (省级), 百 (市级), 千 (县级).
ORDER = (Level.PROVINCE, Level.CITY, Level.COUNTY)
TIER = {RegionLevel.PROVINCE: 0, RegionLevel.CITY: 1, RegionLevel.COUNTY: 2, RegionLevel.TOWN: 3, RegionLevel.COMMUNITY: 4}
LEVEL_TIER = {Level.PROVINCE: 0, Level.CITY: 1, Level.COUNTY: 2}
# The tiers whose regions have a dashboard and an allocation page (towns and villages hold no 「十百千」 target).
TRACKED = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)
# How many leading code digits name a child region: a province's cities (3703…), a city's counties (370322); at the
# top (no region), the provinces (37…).
CHILD_PREFIX = {None: 2, RegionLevel.PROVINCE: 4, RegionLevel.CITY: 6}


def levels_held(region_level: str | None) -> list[Level]:
    """The levels a region of `region_level` may hold a target of (None: above every province, all of them)."""
    tier = -1 if region_level is None else TIER[region_level]
    return [level for level in ORDER if LEVEL_TIER[level] >= tier]


def child_level(region_level: str | None) -> str | None:
    """The tier of the children whose targets a region of `region_level` allocates (None below a county)."""
    if region_level is None:
        return RegionLevel.PROVINCE
    return {RegionLevel.PROVINCE: RegionLevel.CITY, RegionLevel.CITY: RegionLevel.COUNTY}.get(region_level)


def levels_handed_down(region_level: str | None) -> list[Level]:
    """The levels a region allocates to its children: the province the city and county levels, a city the county
    level, a county nothing."""
    below = child_level(region_level)
    return levels_held(below) if below is not None else []
