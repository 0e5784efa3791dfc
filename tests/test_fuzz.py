"""No input makes a 500 (docs/security.md 12): property-based fuzzing of every form and public endpoint.

Each test builds its data once (outside `@given`); every example then runs in a savepoint that is rolled back, so a
request that happens to succeed (a valid reason accepts the application, a valid shortlist is saved) does not change
what the next example sees. The test client re-raises any exception of a view, so an input that would answer 500
fails the test with its traceback; the status is checked besides.

The registration form's fields and the application form's main fields already have their own fuzz tests
(tests/applications/test_views_applicant.py); here the registration form gets long and repeated values instead, and
the application form its per-condition answers and the priority formset.
"""

import os
from contextlib import contextmanager
from datetime import time, timedelta
from urllib.parse import quote, urlencode

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from applications.conditions import conditions_install_default
from applications.enums import ApplicationStatus
from applications.models import Condition
from portal import services as portal_services
from portal.enums import Role
from review.models import ReviewPlan
from review.services import sheets
from review.services.stages import defense_session_create
from tests.applications.factories import PDF, PNG, ApplicationFactory, AttachmentFactory
from tests.factories import InstitutionFactory, RoundFactory, UserFactory
from tests.review.builders import CIVIL, DRC, HR, activate, build_review, confirmed, submitted_sheet

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

# FUZZ_SCALE=10 runs ten times the examples (a deeper search than the suite's ~40 s allows).
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))
FUZZ = settings(
    max_examples=round(20 * SCALE),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FEW = settings(FUZZ, max_examples=round(15 * SCALE))
# Anything a browser (or a script) can send: a 400 for a malformed request, a 403/404 for a refusal, a 405 for a wrong
# method, a 429 for the login lockout. Never a 500.
ANSWERS = {200, 302, 400, 403, 404, 405, 429}

# --- strategies ------------------------------------------------------------------------------------------------------

CHARS = st.characters(blacklist_categories=("Cs",))  # lone surrogates cannot be encoded in a request
TEXT = st.text(alphabet=CHARS, max_size=60)
# Long strings: one character repeated (cheap to generate), or a short random text repeated.
LONG = st.one_of(
    st.builds(lambda c, n: c * n, st.sampled_from(["a", "测", "\x00", " ", "9", "\U0001f600", "'", "<"]), st.integers(200, 20_000)),
    st.builds(lambda t, n: t * n, st.text(alphabet=CHARS, min_size=1, max_size=8), st.integers(50, 2_000)),
)
NUMBER = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
).map(str)
DATE = st.one_of(
    st.dates().map(str),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.datetimes().map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
)
ODD = st.sampled_from([
    "", " ", "\x00", "\x00\x00", "\r\n", "\t", "0", "-1", "1.5", "00", "+1", "1e309", "-1e309", "NaN", "nan", "inf",
    "-inf", "99999999999999999999999", "9223372036854775808", "-9223372036854775809", "²", "١٢", "Ⅻ", "2026-02-30",
    "2026-13-01", "9999-12-31", "0001-01-01", "9999-12-31T23:59", "0001-01-01T00:00", "0001-01-01 00:00:00",
    "10000-01-01", "2026-1-1", "None", "null", "true", "[]", "{}", "%00", "%ff", "../../etc/passwd", "<script>",
    "=1+1", "' OR 1=1 --", "\u202e", "\ufeff", "\U0001f600",
])
VALUE = st.one_of(TEXT, LONG, NUMBER, DATE, ODD)
VALUES = st.one_of(VALUE, st.lists(VALUE, max_size=3))  # a list is a repeated key
KEY = st.one_of(TEXT, st.sampled_from(["q", "page", "next", "status", "kind", "region", "sort", "export", "start",
                                       "days", "language", "csrfmiddlewaretoken", "", "page[]", "q\x00"]))
QUERY = st.dictionaries(KEY, VALUES, max_size=6)
# A raw query string, percent-escapes and bytes as they come (WSGI hands them over as latin-1 text).
RAW_QUERY = st.one_of(
    st.binary(max_size=80).map(lambda b: b.decode("latin-1")),
    st.lists(st.sampled_from(["q=", "%", "%f", "%ff", "%00", "&", "=", "==", "&&", ";", "page=", "+", "%E6%B5",
                              "%C0%AF", "a[]=", "q=%ff%fe", "page=-1", "page=9999999999999999999"]), max_size=8).map("".join),
)
IDS = st.one_of(st.integers(min_value=-5, max_value=50), st.integers(min_value=0, max_value=10**30))


def id_text(known=()) -> st.SearchStrategy[str]:
    """Ids as a form sends them: mostly real ones (so the happy path is reached), or anything at all."""
    options = [IDS.map(str), VALUE]
    if known:
        options.insert(0, st.sampled_from([str(pk) for pk in known]))
    return st.one_of(*options)


@contextmanager
def rolled_back():
    """Run one example in a savepoint that is always rolled back."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def fields(names, value=VALUE):
    """A form's data: every field name present or not, each with any value."""
    return st.fixed_dictionaries({}, optional={name: value for name in names})


MISSING = object()


def around(valid: dict, value=VALUE):
    """Form data around a valid one: a few fields replaced by any value or left out (often none, so that examples
    also get past validation to the code behind it). A valid value may be a strategy."""

    def merge(drawn):
        data, changes = drawn
        for name, change in changes.items():
            if change is MISSING:
                data.pop(name)
            else:
                data[name] = change
        return data

    good = st.fixed_dictionaries({k: v if isinstance(v, st.SearchStrategy) else st.just(v) for k, v in valid.items()})
    changes = st.dictionaries(st.sampled_from(list(valid)), st.one_of(value, st.just(MISSING)), max_size=len(valid))
    return st.tuples(good, changes).map(merge)


def today_plus(days: int) -> st.SearchStrategy[str]:
    return st.builds(lambda: str(timezone.localdate() + timedelta(days=days)))


def check(response):
    assert response.status_code in ANSWERS, response.status_code
    return response


# --- public GET endpoints with any query ------------------------------------------------------------------------------


@pytest.fixture
def public_round():
    round = RoundFactory()
    conditions_install_default(round.programme)
    return round


PUBLIC_PATHS = [
    "/", "/accounts/login/", "/accounts/password/reset/", "/register/", "/healthz/", "/calls/{round}/",
    "/accounts/password/reset/done/", "/accounts/password/reset/complete/", "/accounts/logout/", "/home/",
]


@FUZZ
@given(path=st.sampled_from(PUBLIC_PATHS), query=QUERY)
def test_public_get_with_any_query_params(client, public_round, path, query):
    with rolled_back():
        check(client.get(path.format(round=public_round.pk), query))


@FUZZ
@given(path=st.sampled_from(PUBLIC_PATHS), raw=RAW_QUERY)
def test_public_get_with_a_raw_query_string(client, public_round, path, raw):
    with rolled_back():
        check(client.get(path.format(round=public_round.pk), QUERY_STRING=raw))


@FEW
@given(pk=IDS.filter(lambda n: n >= 0), query=QUERY)
def test_call_page_of_any_id(client, public_round, pk, query):
    with rolled_back():
        check(client.get(f"/calls/{pk}/", query))


# --- public POST forms ------------------------------------------------------------------------------------------------


@pytest.fixture
def accounts():
    return [UserFactory(username="zhao"), UserFactory(username="qian", email="qian@example.com")]


NEXT = st.sampled_from(["/home/", "https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)",
                        "/home/\x00", "/%0d%0aSet-Cookie:x=1", "http://testserver/home/", "\u202e/home/"])


@FUZZ
@given(data=st.one_of(
    around({"username": st.sampled_from(["zhao", "ZHAO", "zhao\x00", " zhao"]), "password": "Test-pass-2026", "next": NEXT}),
    fields(["username", "password", "next", "captcha_0", "captcha_1"]),
), query=QUERY)
def test_login_post(client, accounts, data, query):
    with rolled_back():
        check(client.post("/accounts/login/", data, QUERY_STRING=urlencode(query, doseq=True)))


@FUZZ
@given(data=fields(["email", "captcha_0", "captcha_1"], st.one_of(st.just("qian@example.com"), VALUE)))
def test_password_reset_post(client, accounts, data):
    with rolled_back():
        check(client.post("/accounts/password/reset/", data))


@FEW
@given(uidb64=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=", max_size=30),
       token=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", max_size=60),
       data=fields(["new_password1", "new_password2"]))
def test_password_reset_confirm_with_any_link(client, uidb64, token, data):
    with rolled_back():
        check(client.get(f"/accounts/password/reset/{uidb64 or 'x'}/{token or 'x'}/"))
        check(client.post(f"/accounts/password/reset/{uidb64 or 'x'}/{token or 'x'}/", data))


REGISTRATION_FIELDS = [
    "name", "uscc", "kind", "region", "address", "principal_name", "contact_name", "contact_phone",
    "contact_email", "username", "full_name", "email", "password1", "password2",
]


@FEW
@given(data=fields(REGISTRATION_FIELDS, st.one_of(LONG, NUMBER, ODD, st.lists(VALUE, min_size=2, max_size=3))))
def test_registration_post_with_long_odd_and_repeated_values(client, data):
    with rolled_back():
        check(client.post("/register/", data))


@FUZZ
@given(data=fields(["language", "next"], st.one_of(VALUE, NEXT, st.sampled_from(["en", "zh-hans", "zh-hant", "xx"]))),
       referer=st.one_of(st.none(), TEXT, ODD))
def test_set_language_post(client, data, referer):
    headers = {"referer": referer} if referer is not None else {}
    with rolled_back():
        check(client.post("/i18n/setlang/", data, headers=headers))
        check(client.get("/i18n/setlang/", data))


CONTENT_TYPES = st.sampled_from([
    "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=latin-1",
    "application/x-www-form-urlencoded; charset=nonsense", "multipart/form-data", "multipart/form-data; boundary=",
    "multipart/form-data; boundary=x", "text/plain", "application/json", "", "*/*; charset=utf-8",
])


@FUZZ
@given(
    path=st.sampled_from(["/accounts/login/", "/accounts/password/reset/", "/register/", "/i18n/setlang/"]),
    body=st.one_of(st.binary(max_size=300), RAW_QUERY.map(lambda q: q.encode("latin-1"))),
    content_type=CONTENT_TYPES,
)
def test_public_post_with_a_raw_body(client, path, body, content_type):
    with rolled_back():
        check(client.generic("POST", path, body, content_type=content_type))


# --- signed-in GET pages with filters ---------------------------------------------------------------------------------


@pytest.fixture
def admin_world():
    """A programme admin and a round with applications in several states, of institutions in several states."""
    round = RoundFactory()
    admin = UserFactory(role=Role.PROGRAMME_ADMIN)
    portal_services.programme_admin_grant(programme=round.programme, user=admin)
    for status in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED):
        ApplicationFactory(round=round, status=status, submitted_at=None if status == "draft" else timezone.now())
    InstitutionFactory(status="pending")
    return round, admin


@FUZZ
@given(data=st.one_of(
    fields(["start", "days"], st.one_of(VALUE, st.integers(-5, 40).map(str), st.dates().map(str))),
    QUERY,
))
def test_workday_calculator(login, admin_world, data):
    client = login(admin_world[1])
    with rolled_back():
        check(client.get("/tools/workdays/", data))


@FUZZ
@given(data=st.one_of(fields(["q", "page"]), QUERY), raw=st.one_of(st.none(), RAW_QUERY))
def test_programme_list(login, admin_world, data, raw):
    client = login(admin_world[1])
    with rolled_back():
        check(client.get("/programmes/", data) if raw is None else client.get("/programmes/", QUERY_STRING=raw))


ROUND_FILTERS = ["q", "status", "kind", "region", "sort", "page", "export"]


@FUZZ
@given(data=fields(ROUND_FILTERS, st.one_of(
    VALUE,
    st.sampled_from(["xlsx", "-submitted", "submitted", "name", "status", "draft", "submitted", "accepted", "370322"]),
)))
def test_round_application_table(login, admin_world, data):
    round, admin = admin_world
    client = login(admin)
    with rolled_back():
        check(client.get(reverse("applications:round_applications", args=[round.pk]), data))


@FEW
@given(data=fields(["q", "status", "page"], st.one_of(VALUE, st.sampled_from(["pending", "verified", "rejected"]))))
def test_institution_list(login, admin_world, data):
    client = login(admin_world[1])
    with rolled_back():
        check(client.get(reverse("applications:institutions"), data))


# --- the applicant's edit and upload ---------------------------------------------------------------------------------


@pytest.fixture
def draft():
    application = ApplicationFactory()
    conditions_install_default(application.round.programme)
    application.proof = AttachmentFactory(application=application)
    application.round.programme.admin = UserFactory(role=Role.PROGRAMME_ADMIN)
    portal_services.programme_admin_grant(programme=application.round.programme, user=application.round.programme.admin)
    return application


PRIORITY_FIELDS = ["kind", "title", "issuer", "issuer_level", "issued_on", "proof", "id", "DELETE"]


def edit_post(draw, draft) -> dict:
    """The edit page's POST: valid main fields (fuzzed elsewhere), random condition answers and priority formset."""
    data = {
        "institution_name": draft.institution_name,
        "contact_name": draft.contact_name,
        "contact_phone": "0533-6961000",
        "action": draw(st.sampled_from(["save", "submit", ""])),
    }
    for pk in draft.condition_pks:
        for suffix, choices in (("answer", ["met", "not_met", "na", ""]), ("statement", [])):
            key = f"c{pk}-{suffix}"
            choice = draw(st.integers(0, 3))
            if choice == 0:
                continue
            data[key] = draw(st.sampled_from(choices)) if choice == 1 and choices else draw(VALUES)
    management = {
        "TOTAL_FORMS": st.one_of(st.integers(0, 4).map(str), VALUE),
        "INITIAL_FORMS": st.one_of(st.integers(0, 2).map(str), VALUE),
        "MIN_NUM_FORMS": st.one_of(st.just("0"), VALUE),
        "MAX_NUM_FORMS": st.one_of(st.just("20"), VALUE),
    }
    for name, strategy in management.items():
        if draw(st.integers(0, 5)):
            data[f"priority-{name}"] = draw(strategy)
    for index in range(draw(st.integers(0, 3))):
        for name in PRIORITY_FIELDS:
            if draw(st.booleans()):
                special = {
                    "proof": id_text([draft.proof.pk]), "id": id_text(), "issued_on": st.one_of(DATE, VALUE),
                    "issuer_level": st.one_of(st.sampled_from(["county", "township", "other", ""]), VALUE),
                }  # fmt: skip
                data[f"priority-{index}-{name}"] = draw(special.get(name, VALUE))
    return data


@FEW
@given(data=st.data())
def test_edit_post_condition_answers_and_priority_formset(login, draft, data):
    draft.condition_pks = list(Condition.objects.filter(programme=draft.round.programme).values_list("pk", flat=True))
    client = login(draft.created_by)
    post = edit_post(data.draw, draft)
    with rolled_back():
        check(client.post(reverse("applications:edit", args=[draft.pk]), post))


@FEW
@given(values=st.fixed_dictionaries({
    "institution_name": st.text(alphabet=CHARS, min_size=1, max_size=100),
    "principal_name": st.text(alphabet=CHARS, max_size=50),
}))
def test_text_saved_through_the_edit_form_goes_into_the_excel_export(login, draft, values):
    """What the form accepts (control characters included) must not break the admin's export of the round."""
    admin = draft.round.programme.admin
    applicant = login(draft.created_by)
    staff = Client()
    staff.force_login(admin)
    post = {"contact_name": "李联系", "contact_phone": "0533-6961000", "priority-TOTAL_FORMS": "0",
            "priority-INITIAL_FORMS": "0", **values}
    with rolled_back():
        check(applicant.post(reverse("applications:edit", args=[draft.pk]), post))
        check(staff.get(reverse("applications:round_applications", args=[draft.round.pk]), {"export": "xlsx"}))


FILE_NAME = st.one_of(
    TEXT,
    st.builds(lambda stem, ext: stem + ext, TEXT, st.sampled_from([".pdf", ".png", ".PNG", ".jpg", ".docx", ".xlsx",
                                                                     ".exe", ".pdf.exe", "", ".", ".tar.gz"])),
    LONG.map(lambda s: s[:1000] + ".pdf"),
    st.sampled_from(["../../../etc/passwd", "..", ".", "con.pdf", "a\x00b.pdf", "a/b.pdf", "a\\b.pdf", "测试.pdf"]),
)
FILE_BYTES = st.one_of(st.binary(max_size=2048), st.sampled_from([PDF, PNG, b"", b"PK\x03\x04", b"%PDF-"]),
                       st.binary(max_size=64).map(lambda b: PNG + b))


BOUNDARY = "----fuzz-7MA4YWxkTrZu0gW"


def multipart(data: dict, files, file_field="files") -> bytes:
    """A multipart body written by hand: the test client's own encoder would refuse (or clean) the odd file names
    that a script can send, and those are what the server's parser and the view must cope with."""
    parts = []
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'.encode() + item.encode())
    for name, content, content_type in files:
        head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{name}"\r\n'
        parts.append(f"{head}Content-Type: {content_type}\r\n\r\n".encode() + content)
    return b"\r\n".join(parts) + f"\r\n--{BOUNDARY}--\r\n".encode()


@FUZZ
@given(
    files=st.lists(st.tuples(FILE_NAME, FILE_BYTES, st.one_of(st.just("application/octet-stream"), TEXT)), max_size=3),
    data=fields(["purpose", "condition"], st.one_of(VALUE, st.sampled_from(["evidence", "condition", "priority", "seal"]))),
)
def test_upload_post(login, draft, files, data):
    client = login(draft.created_by)
    data.setdefault("purpose", "evidence")
    body = multipart(data, files)
    with rolled_back():
        check(client.generic("POST", reverse("applications:upload", args=[draft.pk]), body,
                             content_type=f"multipart/form-data; boundary={BOUNDARY}"))


# --- the admin's decisions -------------------------------------------------------------------------------------------


@pytest.fixture
def submitted():
    application = ApplicationFactory(status=ApplicationStatus.SUBMITTED, submitted_at=timezone.now())
    admin = UserFactory(role=Role.PROGRAMME_ADMIN)
    portal_services.programme_admin_grant(programme=application.round.programme, user=admin)
    return application, admin


@FUZZ
@given(
    action=st.sampled_from(["return", "accept", "reject"]),
    data=around({"reason": "请补充服务台账。", "deadline": today_plus(5), "note": "材料齐全。"},
                st.one_of(VALUE, st.integers(-3, 30).flatmap(today_plus))),
)
def test_return_accept_reject_post(login, submitted, action, data):
    application, admin = submitted
    client = login(admin)
    with rolled_back():
        check(client.post(reverse(f"applications:{action}", args=[application.pk]), data))


@FEW
@given(data=around({
    "username": "wang_wu", "full_name": "王五", "email": "wang@example.com", "note": "核验无误。",
    "decision": st.sampled_from(["verify", "reject"]), "active": st.sampled_from(["1", "0"]),
}))
def test_institution_pages_post(login, admin_world, data):
    round, admin = admin_world
    institution = round.applications.first().institution
    member = institution.staff.first()
    client = login(admin)
    with rolled_back():
        check(client.post(reverse("applications:institution", args=[institution.pk]), data))
        check(client.post(reverse("applications:institution_decide", args=[institution.pk]), data))
        check(client.post(reverse("applications:staff_set_active", args=[institution.pk, member.pk]), data))


# --- review ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def review():
    """Two accepted applications; 甲's 人社 reviewer has declared (sheet open), 乙's 发改 reviewer has not yet."""
    review = build_review(labels=("甲", "乙"), reviewers_each=1)
    review.active = activate(review, review.application("甲"), review.reviewers[HR][0])
    review.sheet_lines = sheets.sheet_lines(review.active.sheet)
    review.confirmed = confirmed(review, review.application("乙"), review.reviewers[DRC][0])
    review.defense_session = defense_session_create(
        round=review.round, actor=review.admin, starts_on=timezone.localdate() + timedelta(days=3),
        first_slot_at=time(9), minutes_each=20, place="县人社局三楼第一会议室", note="",
    )
    return review


def datetime_in_days(days: int) -> str:
    return (timezone.localtime() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


DATETIME = st.one_of(
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
    st.datetimes().map(str),
    st.integers(-30, 30).map(datetime_in_days),
    VALUE,
)


@FUZZ
@given(data=around({
    "methods": st.lists(st.sampled_from(["written", "defense", "field"]), max_size=3).map(lambda m: ["written", *m]),
    "reviewers_per_department": st.integers(1, 3).map(str),
    "scoring_opens_at": st.integers(-30, 0).map(datetime_in_days),
    "scoring_closes_at": st.integers(1, 30).map(datetime_in_days),
}, st.one_of(VALUES, DATETIME)), with_plan=st.booleans())
def test_review_plan_post(login, review, data, with_plan):
    client = login(review.admin)
    with rolled_back():
        if not with_plan:
            ReviewPlan.objects.filter(round=review.round).delete()
        check(client.post(reverse("review:plan", args=[review.round.pk]), data))


@FUZZ
@given(data=st.data())
def test_assignment_add_post(login, review, data):
    applications = [a.pk for a in review.applications]
    reviewers = [r.pk for people in review.reviewers.values() for r in people]
    post = data.draw(around({
        "application": st.sampled_from(applications), "reviewer": st.sampled_from(reviewers), "override": "on",
    }, st.one_of(IDS.map(str), VALUE)))
    client = login(review.admin)
    with rolled_back():
        check(client.post(reverse("review:assignment_add", args=[review.round.pk]), post))


@FUZZ
@given(data=around({
    "kind": st.sampled_from(["none", "employment", "relative", "financial", "other"]), "detail": "三年前曾在该机构兼职。",
}))
def test_declare_post(login, review, data):
    assignment = review.confirmed
    client = login(assignment.reviewer)
    with rolled_back():
        check(client.post(reverse("review:declare", args=[assignment.pk]), data))


POINTS = st.one_of(
    st.decimals(min_value=-10, max_value=200, places=2).map(str),
    st.integers(-5, 40).map(str),
    st.sampled_from(["1", "0", "0.5", "35", "35.01", "1e2", "1E-2", "0x10", "1,5", "１２"]),
    VALUE,
)


@FUZZ
@given(data=st.data())
def test_score_sheet_post(login, review, data):
    assignment = review.active
    post = {"action": data.draw(st.one_of(st.sampled_from(["save", "submit"]), VALUE)), "justification": data.draw(VALUE)}
    for line in review.sheet_lines:  # every item, the one that does not apply (不适用) included: posted anyway
        key = f"i{line.item.pk}"
        if data.draw(st.integers(0, 5)):
            post[f"{key}_met"] = data.draw(st.one_of(st.sampled_from(["1", "0"]), VALUE))
        if data.draw(st.integers(0, 5)):
            post[key] = data.draw(POINTS)
        if data.draw(st.booleans()):
            post[f"{key}_comment"] = data.draw(VALUE)
    client = login(assignment.reviewer)
    with rolled_back():
        check(client.post(reverse("review:assignment", args=[assignment.pk]), post))


@pytest.fixture
def ranked():
    """甲 90, 乙 80 and 丙 80 (tied), 丁 failing (一)1; quota 2."""
    review = build_review(labels=("甲", "乙", "丙", "丁"), reviewers_each=1)
    for label, total in (("甲", 90), ("乙", 80), ("丙", 80), ("丁", 95)):
        for kind in (HR, DRC, CIVIL):
            submitted_sheet(review.application(label), review.reviewers[kind][0], total, failed={"(一)1"} if label == "丁" else ())
    return review


@FUZZ
@given(data=st.data())
def test_tie_break_post(login, ranked, data):
    ids = [a.pk for a in ranked.applications]
    suffix = st.one_of(st.sampled_from([str(pk) for pk in ids]), IDS.map(str), TEXT, ODD)
    post = data.draw(st.dictionaries(suffix.map(lambda s: f"pos_{s}"), id_text(range(1, 5)), max_size=5))
    if data.draw(st.booleans()):
        post["reason"] = data.draw(VALUE)
    client = login(ranked.admin)
    with rolled_back():
        check(client.post(reverse("review:tie_break", args=[ranked.round.pk]), post))


@FUZZ
@given(data=st.data())
def test_shortlist_post(login, ranked, data):
    ids = [a.pk for a in ranked.applications]
    post = {"application": data.draw(st.lists(id_text(ids), max_size=4))}
    suffix = st.one_of(st.sampled_from([str(pk) for pk in ids]), IDS.map(str), TEXT, ODD)
    post |= data.draw(st.dictionaries(suffix.map(lambda s: f"skip_{s}"), VALUE, max_size=3))
    client = login(ranked.admin)
    with rolled_back():
        check(client.post(reverse("review:shortlist", args=[ranked.round.pk]), post))


@FUZZ
@given(data=around(
    {"verdict": st.sampled_from(["agree", "disagree"]), "text": "同意推荐。", "signed_on": today_plus(0)},
    st.one_of(VALUE, st.integers(-3, 3).flatmap(today_plus)),
))
def test_opinion_post(login, review, data):
    client = login(review.leads[HR])
    with rolled_back():
        check(client.post(reverse("review:opinion", args=[review.application("甲").pk]), data))


# --- review stages: defense sessions and field inspections -----------------------------------------------------------


@FEW
@given(data=around({
    "starts_on": st.integers(0, 30).flatmap(today_plus),
    "first_slot_at": st.sampled_from(["09:00", "14:30", "23:50", "00:00"]),
    "minutes_each": st.integers(1, 130).map(str),
    "place": "县人社局三楼第一会议室",
    "note": "请携带原件。",
}, st.one_of(VALUE, st.times().map(str))))
def test_defense_session_post(login, review, data):
    client = login(review.admin)
    with rolled_back():
        check(client.post(reverse("review:defense", args=[review.round.pk]), data))


@FEW
@given(data=st.data())
def test_inspection_post(login, review, data):
    applications = [str(a.pk) for a in review.applications]
    people = [str(r.pk) for r in review.reviewers[HR] + review.reviewers[DRC]] + [str(review.admin.pk)]
    post = data.draw(around({
        "application": st.sampled_from(applications),
        "inspected_on": st.integers(-5, 1).flatmap(today_plus),
        "inspectors": st.lists(st.sampled_from(people), min_size=1, max_size=3),
        "findings": "场所、台账与申报材料一致。",
    }, st.one_of(VALUES, st.lists(id_text(people), max_size=3))))
    files = data.draw(st.lists(st.tuples(FILE_NAME, FILE_BYTES, st.sampled_from(["image/png", "image/jpeg", ""])),
                               max_size=2))
    body = multipart(post, files, file_field="photos")
    client = login(review.admin)
    with rolled_back():
        check(client.generic("POST", reverse("review:inspections", args=[review.round.pk]), body,
                             content_type=f"multipart/form-data; boundary={BOUNDARY}"))


@FEW
@given(files=st.lists(st.tuples(FILE_NAME, FILE_BYTES, st.just("application/octet-stream")), max_size=2))
def test_defense_minutes_post(login, review, files):
    session = review.defense_session
    client = login(review.admin)
    with rolled_back():
        check(client.generic("POST", reverse("review:defense_minutes", args=[session.pk]),
                             multipart({}, files, file_field="minutes"),
                             content_type=f"multipart/form-data; boundary={BOUNDARY}"))


# --- signed-in pages with any query ----------------------------------------------------------------------------------


@FUZZ
@given(path=st.sampled_from([
    "/home/", "/notifications/", "/programmes/{programme}/", "/staff/institutions/{institution}/",
    "/applications/{application}/", "/review/rounds/{round}/plan/", "/review/rounds/{round}/assignments/",
    "/review/rounds/{round}/ranking/", "/review/rounds/{round}/defense/", "/review/rounds/{round}/inspections/",
    "/review/rounds/{round}/export/{kind}/",
]), kind=st.one_of(st.sampled_from(["sheets", "departments", "ranking"]), TEXT.filter(lambda k: k and "/" not in k)),
    query=st.one_of(QUERY, RAW_QUERY))
def test_signed_in_pages_with_any_query(login, review, path, kind, query):
    application = review.application("甲")
    url = path.format(programme=review.programme.pk, institution=application.institution_id, application=application.pk,
                      round=review.round.pk, kind=quote(kind, safe=""))
    client = login(review.admin)
    with rolled_back():
        if isinstance(query, dict):
            check(client.get(url, query))
        else:
            check(client.get(url, QUERY_STRING=query))


# --- ids beyond the database's integer range (the examples the search above finds only now and then) -----------------

OUT_OF_RANGE = [
    " 9223372036854775808", "-9223372036854775809", "+9" + "0" * 30, "９２２３３７２０３６８５４７７５８０８", "9" * 5000, "²",
]


@pytest.mark.parametrize("bad", OUT_OF_RANGE)
def test_out_of_range_ids_in_review_forms(login, review, bad):
    client = login(review.admin)
    application, reviewer = review.application("甲"), review.reviewers[CIVIL][0]
    inspection = {"application": str(application.pk), "inspected_on": str(timezone.localdate()), "findings": "一致。"}
    posts = [
        ("review:assignment_add", {"application": bad, "reviewer": str(reviewer.pk)}),
        ("review:assignment_add", {"application": str(application.pk), "reviewer": bad}),
        ("review:inspections", {**inspection, "inspectors": [bad]}),
        ("review:inspections", {**inspection, "application": bad, "inspectors": [str(reviewer.pk)]}),
        ("review:shortlist", {"application": [bad], f"skip_{bad}": "理由。"}),
        ("review:tie_break", {f"pos_{bad}": "1", f"pos_{application.pk}": bad, "reason": "理由。"}),
    ]
    for name, data in posts:
        with rolled_back():
            check(client.post(reverse(name, args=[review.round.pk]), data))


@pytest.mark.parametrize("bad", OUT_OF_RANGE)
def test_out_of_range_ids_in_the_priority_formset(login, draft, bad):
    client = login(draft.created_by)
    data = {
        "institution_name": draft.institution_name, "contact_name": draft.contact_name, "contact_phone": "0533-6961000",
        "priority-TOTAL_FORMS": "1", "priority-INITIAL_FORMS": "0",
        "priority-0-kind": "honour", "priority-0-title": "优质服务窗口", "priority-0-issuer": "县人社局",
        "priority-0-issuer_level": "county",
        "priority-0-issued_on": str(timezone.localdate()), "priority-0-proof": bad, "priority-0-id": bad,
    }
    with rolled_back():
        check(client.post(reverse("applications:edit", args=[draft.pk]), data))


# --- publicity: the public notice pages, the objection form, the private link; the handling forms ----------------


@pytest.fixture
def open_notice(captcha_passes):
    from publicity.models import NoticeEntry, PublicityNotice

    application = ApplicationFactory()
    admin = UserFactory()
    portal_services.programme_admin_grant(programme=application.round.programme, user=admin)
    now = timezone.now()
    notice = PublicityNotice.objects.create(
        round=application.round, programme=application.round.programme, index_number="F-1", title="公示", body="正文", contacts="电话", issuers=["人社局"],
        written_on=now.date(), published_at=now - timedelta(days=1), starts_on=now.date(), ends_on=now.date(),
        working_days=5, closes_at=now + timedelta(days=3), created_by=admin,
    )
    entry = NoticeEntry.objects.create(
        notice=notice, application=application, institution=application.institution,
        institution_name=application.institution_name, institution_kind="类", region_name="县", rank=1,
    )
    return notice, entry, admin


OBJECTION_FIELDS = ["entry", "objector_type", "name", "contact_person", "phone", "id_number", "email", "facts", "consent",
                    "captcha_0", "captcha_1"]


@FUZZ
@given(
    data=fields(OBJECTION_FIELDS, st.one_of(VALUE, st.sampled_from(["person", "organisation", "PASSED", "on", "13912345678"]))),
    files=st.lists(st.tuples(FILE_NAME, FILE_BYTES, st.just("application/octet-stream")), max_size=2),
    file_field=st.sampled_from(["evidence", "seal"]),
)
def test_objection_post(client, open_notice, data, files, file_field):
    notice, entry, _admin = open_notice
    data.setdefault("entry", str(entry.pk))
    body = multipart(data, files, file_field=file_field)
    with rolled_back():
        check(client.generic("POST", reverse("publicity:objection_new", args=[notice.pk]), body,
                             content_type=f"multipart/form-data; boundary={BOUNDARY}"))


@FUZZ
@given(
    path=st.sampled_from(["/notices/", "/notices/{notice}/", "/notices/{notice}/objection/", "/objections/lookup/"]),
    query=QUERY,
)
def test_publicity_public_get_with_any_query(client, open_notice, path, query):
    check(client.get(path.format(notice=open_notice[0].pk), query))


@FUZZ
@given(receipt=TEXT, token=TEXT, data=fields(["receipt_number", "token"]))
def test_objection_private_link_and_lookup(client, open_notice, receipt, token, data):
    path = f"/objections/{quote(receipt, safe='') or 'x'}/{quote(token, safe='') or 'y'}/"
    check(client.get(path))
    with rolled_back():
        check(client.post("/objections/lookup/", data))


@FUZZ
@given(
    action=st.sampled_from(["assign", "decide", "grant", "identity"]),
    data=fields(["handler", "deadline", "grant_identity", "outcome", "findings", "reply", "user", "reason"],
                st.one_of(VALUE, st.sampled_from(["upheld", "not_upheld", "on"]), today_plus(3))),
    query=fields(["status", "notice", "page", "format", "identities"]),
)
def test_objection_handling_forms(login, open_notice, action, data, query):
    from publicity.models import Objection

    notice, entry, admin = open_notice
    objection, _ = Objection.objects.get_or_create(
        receipt_number="YY-F",
        defaults={"notice": notice, "entry": entry, "token": "t" * 32, "objector_type": "person", "name": "某",
                  "phone": "+8613912345678", "facts": "事实"},
    )
    client = login(admin)
    check(client.get("/staff/objections/", query))
    with rolled_back():
        check(client.post(f"/staff/objections/{objection.pk}/{action}/", data))


# --- results: verification links, the announcement draft, revocation ------------------------------------------------


@FUZZ
@given(code=TEXT, path=st.sampled_from(["/verify/{}/", "/results/{}/", "/revocations/{}/", "/results/{}/pdf/"]))
def test_public_result_pages_with_any_id(client, code, path):
    check(client.get(path.format(quote(code, safe="") or "x")))


@pytest.fixture
def awarded(open_notice):
    from awards.models import Award

    notice, entry, admin = open_notice
    award = Award.objects.create(
        programme=notice.round.programme, institution=entry.institution, institution_name=entry.institution_name,
        plaque_number="F-2026-001", awarded_on=timezone.localdate(),
    )
    return notice, award, admin


@FUZZ
@given(data=fields(["doc_prefix", "doc_year", "doc_serial", "title", "written_on", "body"],
                   st.one_of(VALUE, NUMBER, today_plus(0))))
def test_announcement_draft_post(login, awarded, data):
    notice, _award, admin = awarded
    client = login(admin)  # outside the savepoint: the session lives in the cache too, which no rollback undoes
    with rolled_back():
        check(client.post(f"/staff/rounds/{notice.round_id}/announcement/", data))


@FUZZ
@given(
    data=fields(["ground", "ground_text", "document_number", "decided_on", "quota_returned", "quota_reason"],
                st.one_of(VALUE, st.sampled_from(["other", "violation", "on"]), st.integers(-30, 3).flatmap(today_plus))),
    files=st.lists(st.tuples(FILE_NAME, FILE_BYTES, st.just("application/octet-stream")), max_size=2),
)
def test_revoke_post(login, awarded, data, files):
    _notice, award, admin = awarded
    client = login(admin)
    with rolled_back():
        check(client.generic("POST", f"/staff/awards/{award.pk}/revoke/", multipart(data, files, file_field="evidence"),
                             content_type=f"multipart/form-data; boundary={BOUNDARY}"))


# --- the administrators' pages and the second factor (issue 11) --------------------------------------------------------


@pytest.fixture
def administrators():
    from tests.factories import AuditAdminFactory, SecurityAdminFactory

    return SecurityAdminFactory(), AuditAdminFactory()


AUDIT_FILTERS = ["event", "username", "source_ip", "success", "date_from", "date_to", "q", "page"]


@FUZZ
@given(data=fields(AUDIT_FILTERS, st.one_of(VALUE, DATE, st.sampled_from(["login", "export", "0", "1"]))),
       raw=st.one_of(st.none(), RAW_QUERY), export=st.booleans())
def test_audit_log_search_and_export(login, administrators, data, raw, export):
    client = login(administrators[1])
    path = "/audit-log/export/" if export else "/audit-log/"
    with rolled_back():
        check(client.get(path, data) if raw is None else client.get(path, QUERY_STRING=raw))


@FUZZ
@given(data=fields(["username", "ip_address"], st.one_of(VALUE, st.sampled_from(["10.0.0.1", "::1", "zhao"]))),
       path=st.sampled_from(["/security/lockouts/unlock/", "/security/second-factor/{user}/reset/",
                             "/security/programme-admins/{programme}/grant/", "/security/programme-admins/{programme}/revoke/"]),
       extra=fields(["reason", "user"], st.one_of(VALUE, id_text())))
def test_security_pages_post(login, administrators, admin_world, data, path, extra):
    round, admin = admin_world
    client = login(administrators[0])
    with rolled_back():
        check(client.post(path.format(user=admin.pk, programme=round.programme_id), {**data, **extra}))


@FUZZ
@given(code=st.one_of(VALUE, st.integers(0, 999999).map(lambda n: f"{n:06d}")), next_url=st.one_of(VALUE, NEXT),
       path=st.sampled_from(["/accounts/second-factor/setup/", "/accounts/second-factor/verify/"]))
def test_second_factor_forms(login, settings, code, next_url, path):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.SECOND_FACTOR_REQUIRED = True
    admin = UserFactory(role=Role.PROGRAMME_ADMIN)
    if path.endswith("verify/"):
        TOTPDevice.objects.create(user=admin, name="totp", confirmed=True)
    client = login(admin)
    with rolled_back():
        check(client.post(path, {"code": code, "next": next_url}))
        check(client.get(path, {"next": next_url}))


@pytest.fixture
def identity_request(open_notice):
    from publicity.identity_access import identity_access_request
    from publicity.models import Objection

    notice, entry, admin = open_notice
    objection = Objection.objects.create(
        notice=notice, entry=entry, receipt_number="YY-1", token="t", objector_type="person", name="某", phone="1",
        facts="事实",
    )
    return objection, identity_access_request(objection=objection, grantee=admin, actor=admin, reason="核查"), admin


@FUZZ
@given(data=fields(["decision", "note", "user", "reason"], st.one_of(VALUE, st.sampled_from(["approve", "refuse"]), id_text())))
def test_identity_access_posts(login, administrators, identity_request, data):
    objection, access, admin = identity_request
    security = login(administrators[0])
    with rolled_back():
        check(security.post(f"/security/identity-requests/{access.pk}/decide/", data))
        check(security.post(f"/security/identity-requests/{access.pk}/revoke/", data))
    with rolled_back():
        check(login(admin).post(f"/staff/objections/{objection.pk}/grant/", data))


@FEW
@given(data=around({
    "name": "2027年度", "opens_at": "2027-03-01T09:00", "closes_at": "2027-04-15T17:30", "quota": "1",
    "call_text": "", "contact_name": "", "contact_phone": "", "contact_email": "", "max_file_mb": "20",
    "max_total_mb": "100", "max_files": "30",
}, st.one_of(VALUE, NUMBER, DATE)))
def test_round_form_post(login, admin_world, data):
    round, admin = admin_world
    client = login(admin)
    with rolled_back():
        check(client.post(f"/programmes/{round.programme_id}/rounds/new/", data))
        check(client.post(f"/programmes/{round.programme_id}/rounds/{round.pk}/edit/", data))


# --- satisfaction: the rating page of a window's QR code, the receipt lookup; complaints: the 意见箱, the status page --


@pytest.fixture
def rating_window():
    from platforms.models import ServicePoint

    return ServicePoint.objects.create(institution=InstitutionFactory(), name="就业登记窗口", services="就业登记\n失业登记")


GRADE = st.one_of(st.sampled_from(["1", "2", "3", "4", "5"]), st.sampled_from(["0", "6", "-1", "5.0", " 5", "５"]), VALUE)
PHONE_TEXT = st.one_of(
    st.sampled_from(["13812345678", "+8613812345678", "138 1234 5678", "138-1234-5678", "0533-6961000", "12345",
                     "138123456789", "１３８１２３４５６７８", "+86", "00861381234567"]),
    st.text(alphabet="0123456789+- ()", max_size=25), VALUE,
)  # fmt: skip
RATING_FIELDS = ["service", "other_service", "overall", "efficiency", "competence", "attitude", "comment", "phone",
                 "phone_consent"]


@FUZZ
@given(data=st.one_of(
    around({"service": st.sampled_from(["就业登记", "失业登记", "__other__"]), "other_service": "社保卡", "overall": GRADE,
            "efficiency": GRADE, "competence": GRADE, "attitude": GRADE, "comment": TEXT, "phone": PHONE_TEXT,
            "phone_consent": st.sampled_from(["on", "", "1", "false"])}, st.one_of(VALUE, GRADE, PHONE_TEXT)),
    fields(RATING_FIELDS, st.one_of(VALUE, GRADE, PHONE_TEXT)),
))  # fmt: skip
def test_rating_post(client, rating_window, data):
    """Any rating form answers without a 500; a rating is stored exactly when the form is valid."""
    from django.core.cache import cache

    from satisfaction.forms import RatingForm
    from satisfaction.models import Rating

    url = reverse("satisfaction:rate", args=[rating_window.token])
    check(client.get(url))  # the device cookie
    valid = RatingForm(data, service_point=rating_window).is_valid()
    event("valid" if valid else "invalid")
    cache.clear()  # the per-address count of posts
    with rolled_back():
        response = check(client.post(url, data))
        assert Rating.objects.count() == (1 if valid else 0), (response.status_code, data)
        assert response.status_code == (302 if valid else 200)


@FUZZ
@given(data=st.one_of(
    around({"name": "王秀英", "phone": PHONE_TEXT, "facts": "窗口人员态度生硬，推诿不办。", "staff_named": "GQ015",
            "publish_consent": "on", "captcha_0": "x", "captcha_1": "PASSED"}, st.one_of(VALUE, PHONE_TEXT)),
    fields(["name", "phone", "facts", "staff_named", "publish_consent", "captcha_0", "captcha_1"],
           st.one_of(VALUE, PHONE_TEXT, st.just("PASSED"))),
))  # fmt: skip
def test_complaint_post(client, captcha_passes, data):
    from django.core.cache import cache

    institution = InstitutionFactory()
    cache.clear()  # the per-address limit of complaints an hour
    with rolled_back():
        check(client.post(reverse("complaints:new", args=[institution.pk]), data))


@FUZZ
@given(code=st.one_of(VALUE, st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ23456789- ", max_size=20)),
       receipt=TEXT, token=TEXT, query=QUERY)
def test_satisfaction_and_complaint_status_lookups(client, rating_window, code, receipt, token, query):
    from django.core.cache import cache

    cache.clear()  # the per-address limit of lookups an hour
    with rolled_back():
        check(client.post("/satisfaction/status/", {"code": code}))
        check(client.get("/satisfaction/status/", query))
    check(client.get(f"/complaints/status/{quote(receipt, safe='') or 'x'}/{quote(token, safe='') or 'y'}/", query))


@FUZZ
@given(path=st.sampled_from(["/satisfaction/r/{token}/", "/satisfaction/rankings/", "/satisfaction/rankings/{pk}/",
                             "/complaints/{institution}/new/", "/complaints/{institution}/handled/",
                             "/satisfaction/thanks/{pk}/"]),
       pk=IDS.filter(lambda n: n >= 0), query=st.one_of(QUERY, RAW_QUERY))
def test_new_public_pages_with_any_query(client, rating_window, path, pk, query):
    url = path.format(token=rating_window.token, pk=pk, institution=rating_window.institution_id)
    with rolled_back():
        check(client.get(url, query) if isinstance(query, dict) else client.get(url, QUERY_STRING=query))
