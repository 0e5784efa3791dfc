"""Aggregation and ranking rules of issue 5 §6 (review/scoring.py): pure, fixed data, no database."""

from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from review.scoring import (
    Settings,
    Sheet,
    fmt2,
    needs_justification,
    rank,
)

D = Decimal
EQUAL_3 = Settings(department_weights={1: D(1), 2: D(1), 3: D(1)})


@pytest.fixture(autouse=True)
def _fast_test_settings():
    """Stands in for the suite's autouse Django settings fixture: nothing here touches Django,
    so the file also runs with -p no:django."""


def sheets_for(application_id, department_id, totals, *, first_reviewer=1, failed=()):
    """One sheet per total, reviewers numbered from first_reviewer, all in one department."""
    return [
        Sheet(application_id, first_reviewer + i, department_id, D(total), frozenset(failed))
        for i, total in enumerate(totals)
    ]


def order(ranked):
    return [a.application_id for a in ranked]


# --- department mean and drop of extremes ------------------------------------------------------


def test_department_mean_drops_highest_and_lowest_with_five_reviewers():
    sheets = sheets_for(1, 1, ["70", "80", "85", "90", "99"], first_reviewer=11)

    ranked, ineligible = rank(sheets, settings=EQUAL_3, priority={})

    (department,) = ranked[0].departments
    assert department.mean == D("85")
    assert department.sheet_count == 5
    assert department.dropped == (11, 15)
    assert ranked[0].overall == D("85")
    assert ineligible == []


def test_department_mean_keeps_all_four_reviewers():
    sheets = sheets_for(1, 1, ["70", "80", "90", "99"], first_reviewer=11)

    ranked, _ = rank(sheets, settings=EQUAL_3, priority={})

    (department,) = ranked[0].departments
    assert department.mean == D("84.75")
    assert department.sheet_count == 4
    assert department.dropped == ()


def test_department_mean_drop_threshold_is_a_setting():
    sheets = sheets_for(1, 1, ["70", "80", "90", "99"], first_reviewer=11)
    settings = Settings(department_weights={1: D(1)}, drop_extremes_from=4)

    ranked, _ = rank(sheets, settings=settings, priority={})

    assert ranked[0].departments[0].mean == D("85")
    assert ranked[0].departments[0].dropped == (11, 14)


def test_department_mean_of_thirds_is_rounded_once_to_28_digits():
    sheets = sheets_for(1, 1, ["80", "80", "81"])

    ranked, _ = rank(sheets, settings=EQUAL_3, priority={})

    assert ranked[0].overall == D("80.33333333333333333333333333")
    assert fmt2(ranked[0].overall) == "80.33"


def test_settings_refuses_drop_below_three_and_unknown_gate_rule():
    with pytest.raises(ValueError):
        Settings(department_weights={1: D(1)}, drop_extremes_from=2)
    with pytest.raises(ValueError):
        Settings(department_weights={1: D(1)}, gate_rule="department_majority")
    with pytest.raises(ValueError):
        Settings(department_weights={1: D(-1)})
    with pytest.raises(TypeError):
        Settings(department_weights={1: 1.0})


# --- overall: weighted mean of departments -----------------------------------------------------


def two_applications_three_departments():
    # Application 1 is strong in department 1 only; application 2 is good in departments 2 and 3.
    return [
        *sheets_for(1, 1, ["90"], first_reviewer=11),
        *sheets_for(1, 2, ["70"], first_reviewer=21),
        *sheets_for(1, 3, ["70"], first_reviewer=31),
        *sheets_for(2, 1, ["70"], first_reviewer=11),
        *sheets_for(2, 2, ["85"], first_reviewer=21),
        *sheets_for(2, 3, ["85"], first_reviewer=31),
    ]


def test_overall_equal_weights_ranks_broad_application_first():
    ranked, _ = rank(two_applications_three_departments(), settings=EQUAL_3, priority={})

    assert order(ranked) == [2, 1]
    assert ranked[0].overall == D("80")
    assert ranked[1].overall == D("76.66666666666666666666666667")


def test_overall_weights_2_1_1_change_the_order():
    settings = Settings(department_weights={1: D(2), 2: D(1), 3: D(1)})

    ranked, _ = rank(two_applications_three_departments(), settings=settings, priority={})

    assert order(ranked) == [1, 2]
    assert [a.overall for a in ranked] == [D("80"), D("77.5")]
    assert [a.rank for a in ranked] == [1, 2]


def test_overall_leaves_out_a_department_without_sheets():
    sheets = [*sheets_for(1, 1, ["90"]), *sheets_for(1, 2, ["80"], first_reviewer=21)]

    ranked, _ = rank(sheets, settings=EQUAL_3, priority={})

    assert ranked[0].overall == D("85")
    assert [d.department_id for d in ranked[0].departments] == [1, 2]


def test_overall_zero_weight_department_is_shown_but_not_counted():
    sheets = [*sheets_for(1, 1, ["90"]), *sheets_for(1, 2, ["50"], first_reviewer=21)]
    settings = Settings(department_weights={1: D(1), 2: D(0)})

    ranked, _ = rank(sheets, settings=settings, priority={})

    assert ranked[0].overall == D("90")
    assert [d.mean for d in ranked[0].departments] == [D("90"), D("50")]
    with pytest.raises(ValueError):
        rank(sheets_for(1, 2, ["50"]), settings=settings, priority={})


def test_rank_refuses_department_without_weight_and_duplicate_sheet():
    with pytest.raises(ValueError):
        rank(sheets_for(1, 4, ["90"]), settings=EQUAL_3, priority={})
    with pytest.raises(ValueError):
        rank([*sheets_for(1, 1, ["90"]), *sheets_for(1, 1, ["80"])], settings=EQUAL_3, priority={})


# --- gates -------------------------------------------------------------------------------------


def test_gate_failed_by_majority_makes_application_ineligible():
    sheets = [
        *sheets_for(1, 1, ["95", "92"], failed={"(一)5"}),
        *sheets_for(1, 2, ["90"], first_reviewer=21, failed={"(一)3"}),
        *sheets_for(2, 1, ["60", "60", "60"]),
    ]

    ranked, ineligible = rank(sheets, settings=EQUAL_3, priority={})

    assert order(ranked) == [2]
    assert ranked[0].rank == 1
    assert order(ineligible) == [1]
    assert ineligible[0].ineligible_reasons == ("(一)5",)
    assert ineligible[0].rank is None
    assert ineligible[0].tie_group is None
    assert ineligible[0].overall == D("91.75")


def test_gate_failed_by_minority_or_exactly_half_does_not():
    sheets = [
        *sheets_for(1, 1, ["95"], failed={"(一)5"}),
        *sheets_for(1, 1, ["92", "90"], first_reviewer=2),
        *sheets_for(2, 1, ["80", "80"], failed={"(一)1"}),
        *sheets_for(2, 1, ["80", "80"], first_reviewer=3),
    ]

    ranked, ineligible = rank(sheets, settings=EQUAL_3, priority={})

    assert order(ranked) == [1, 2]
    assert ineligible == []


def test_gate_rule_any_fails_on_one_sheet():
    sheets = [*sheets_for(1, 1, ["95"], failed={"(一)5", "(一)2"}), *sheets_for(1, 1, ["92", "90"], first_reviewer=2)]
    settings = Settings(department_weights={1: D(1)}, gate_rule="any")

    ranked, ineligible = rank(sheets, settings=settings, priority={})

    assert ranked == []
    assert ineligible[0].ineligible_reasons == ("(一)2", "(一)5")


# --- ties ------------------------------------------------------------------------------------


def three_equal_applications():
    return [*(s for i in (1, 2, 3) for s in sheets_for(i, 1, ["80"])), *sheets_for(4, 1, ["90"])]


def test_tie_priority_item_ranks_first():
    ranked, _ = rank(three_equal_applications(), settings=EQUAL_3, priority={3: True, 1: False})

    assert order(ranked) == [4, 3, 1, 2]
    assert [a.rank for a in ranked] == [1, 2, 3, 4]
    assert [a.tie_group for a in ranked] == [None, None, 1, 1]
    assert ranked[1].has_priority is True


def test_tie_remaining_is_flagged_and_ordered_by_id():
    ranked, _ = rank(three_equal_applications(), settings=EQUAL_3, priority={})

    assert order(ranked) == [4, 1, 2, 3]
    assert [a.tie_group for a in ranked] == [None, 1, 1, 1]
    assert [a.rank for a in ranked] == [1, 2, 3, 4]


def test_tie_resolved_by_admin_tie_breaks():
    ranked, _ = rank(three_equal_applications(), settings=EQUAL_3, priority={}, tie_breaks={2: 1, 3: 2, 1: 3})

    assert order(ranked) == [4, 2, 3, 1]
    assert [a.tie_group for a in ranked] == [None, None, None, None]


def test_tie_breaks_missing_a_member_leave_the_group_flagged():
    ranked, _ = rank(three_equal_applications(), settings=EQUAL_3, priority={}, tie_breaks={3: 1, 2: 2})

    assert order(ranked) == [4, 1, 2, 3]
    assert [a.tie_group for a in ranked] == [None, 1, 1, 1]


def test_tie_groups_are_numbered_in_rank_order():
    sheets = [*three_equal_applications(), *sheets_for(5, 1, ["70"]), *sheets_for(6, 1, ["70"])]

    ranked, _ = rank(sheets, settings=EQUAL_3, priority={})

    assert order(ranked) == [4, 1, 2, 3, 5, 6]
    assert [a.tie_group for a in ranked] == [None, 1, 1, 1, 2, 2]


# --- normalisation -----------------------------------------------------------------------------


def lenient_and_strict_reviewers():
    # Reviewer 1 is lenient (applications 1, 2, 5); reviewer 2 is strict (3, 4, 6). Raw, reviewer 1's
    # applications all come first; standardised, application 3 (reviewer 2's best, and further above
    # that reviewer's mean than application 1 is above reviewer 1's) comes first.
    return [
        Sheet(1, 1, 1, D("92")),
        Sheet(2, 1, 1, D("88")),
        Sheet(5, 1, 1, D("84")),
        Sheet(3, 2, 1, D("78")),
        Sheet(4, 2, 1, D("70")),
        Sheet(6, 2, 1, D("65")),
    ]


def test_normalise_off_keeps_raw_order():
    ranked, _ = rank(lenient_and_strict_reviewers(), settings=EQUAL_3, priority={})

    assert order(ranked) == [1, 2, 5, 3, 4, 6]
    assert [a.overall for a in ranked] == [D(t) for t in ("92", "88", "84", "78", "70", "65")]


def test_normalise_on_lifts_the_strict_reviewers_best():
    settings = Settings(department_weights={1: D(1)}, normalise=True)

    ranked, _ = rank(lenient_and_strict_reviewers(), settings=settings, priority={})

    assert order(ranked) == [3, 1, 2, 4, 6, 5]
    # Application 2 is exactly reviewer 1's mean (z = 0), so it lands on the stage mean 477 / 6.
    assert ranked[2].overall == D("79.5")
    assert all(a.overall == a.overall.quantize(D("0.0001")) for a in ranked)


def test_normalise_keeps_raw_total_of_single_sheet_and_zero_spread_reviewers():
    single_and_flat = [Sheet(7, 3, 1, D("50")), Sheet(8, 4, 1, D("60")), Sheet(9, 4, 1, D("60"))]
    sheets = [*lenient_and_strict_reviewers(), *single_and_flat]
    settings = Settings(department_weights={1: D(1)}, normalise=True)

    ranked, _ = rank(sheets, settings=settings, priority={})

    overall = {a.application_id: a.overall for a in ranked}
    assert (overall[7], overall[8], overall[9]) == (D("50"), D("60"), D("60"))


# --- outliers ----------------------------------------------------------------------------------


def test_needs_justification_is_strictly_over_the_threshold():
    # |82 − mean(80, 60)| = 12.
    others = [D("80"), D("60")]

    assert needs_justification(D("82"), others, threshold=D("12")) is False
    assert needs_justification(D("82"), others, threshold=D("11.99")) is True


def test_needs_justification_against_four_others():
    # |95 − mean(80, 82, 78, 81)| = 14.75; |78 − mean(80, 82, 81, 95)| = 6.5.
    others = [D("80"), D("82"), D("78"), D("81")]

    assert needs_justification(D("95"), others, threshold=D("10")) is True
    assert needs_justification(D("95"), others, threshold=D("14.75")) is False
    assert needs_justification(D("78"), [D("80"), D("82"), D("81"), D("95")], threshold=D("10")) is False


def test_needs_justification_against_the_others():
    assert needs_justification(D("60"), [D("80"), D("82")], threshold=D("15")) is True
    assert needs_justification(D("75"), [D("80"), D("82")], threshold=D("15")) is False
    assert needs_justification(D("20"), [D("80")], threshold=D("15")) is False
    with pytest.raises(TypeError):
        needs_justification(60.0, [D("80"), D("82")], threshold=D("15"))


# --- display -----------------------------------------------------------------------------------


def test_fmt2_rounds_half_up():
    assert fmt2(D("84.125")) == "84.13"
    assert fmt2(D("84.124")) == "84.12"
    assert fmt2(D("84.135")) == "84.14"
    assert fmt2(D("85")) == "85.00"


# --- properties --------------------------------------------------------------------------------

tenths = st.integers(min_value=0, max_value=1100).map(lambda n: Decimal(n) / 10)
few_values = st.sampled_from([D("60"), D("75.5"), D("90")])  # makes ties likely


@st.composite
def application_sheets(draw, application_id, totals=tenths, gates=st.just(frozenset())):
    """Sheets of one application: 1–3 departments with 1–4 reviewers each (reviewer id = department·10 + k)."""
    sheets = []
    for department_id in sorted(draw(st.sets(st.sampled_from([1, 2, 3]), min_size=1))):
        for k in range(draw(st.integers(min_value=1, max_value=4))):
            sheets.append(Sheet(application_id, department_id * 10 + k, department_id, draw(totals), draw(gates)))
    return sheets


def exact_decimal(value: Fraction) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 28
        return Decimal(value.numerator) / Decimal(value.denominator)


application_ids = st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=5, unique=True)


@given(application_ids.flatmap(lambda ids: st.tuples(*(application_sheets(i) for i in ids))))
def test_property_equal_weights_no_drop_overall_is_mean_of_department_means(stage):
    sheets = [sheet for application in stage for sheet in application]

    ranked, _ = rank(sheets, settings=EQUAL_3, priority={})

    for application in ranked:
        own = [s for s in sheets if s.application_id == application.application_id]
        means = []
        for department_id in sorted({s.department_id for s in own}):
            totals = [Fraction(s.total) for s in own if s.department_id == department_id]
            means.append(sum(totals, Fraction(0)) / len(totals))
        assert application.overall == exact_decimal(sum(means, Fraction(0)) / len(means))
        assert [d.mean for d in application.departments] == [exact_decimal(m) for m in means]


@hypothesis_settings(deadline=None)
@given(st.data())
def test_property_ranking_is_deterministic_for_shuffled_input(data):
    ids = data.draw(st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=6, unique=True))
    gates = st.sampled_from([frozenset(), frozenset(), frozenset({"(一)1"})])
    totals = st.one_of(few_values, tenths)
    sheets = [s for i in ids for s in data.draw(application_sheets(i, totals=totals, gates=gates))]
    priority = {i: data.draw(st.booleans()) for i in ids}
    settings = Settings(
        department_weights={1: D(2), 2: D(1), 3: D("1.5")},
        drop_extremes_from=data.draw(st.sampled_from([3, 5])),
        normalise=data.draw(st.booleans()),
    )

    expected = rank(sheets, settings=settings, priority=priority)
    shuffled = rank(data.draw(st.permutations(sheets)), settings=settings, priority=priority)

    assert shuffled == expected
    ranked, ineligible = expected
    assert [a.rank for a in ranked] == list(range(1, len(ranked) + 1))
    assert sorted(order(ranked) + order(ineligible)) == sorted(ids)
