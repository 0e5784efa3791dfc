"""Department opinions (review.services.results.opinion_sign and the lead's page): who signs, the seal, annex 2."""

import io
import re
import subprocess
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from review.enums import OpinionVerdict
from review.models import DepartmentOpinion
from review.services import results
from tests.factories import DepartmentFactory, DepartmentLeadFactory
from tests.portal.helpers import at, refusal, visible_text
from tests.review.builders import CIVIL, DRC, HR, activate, build_review, submit
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

TEXT = "经审核，该机构发挥作用明显，同意推荐。"


def png(colour) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 60), colour).save(buffer, "PNG")
    return buffer.getvalue()


RED, BLUE = png((200, 20, 20)), png((20, 20, 200))


def build_sealed():
    review = build_review(labels=("甲",), reviewers_each=1)
    review.departments[DRC].seal_image.save("drc-seal.png", ContentFile(RED))
    return review


# After the signing date the tests post (2026-11-20): a date in the future is refused.
_review, review = module_world("review", build_sealed, built_at=at(2026, 12, 1, 9))


def sign(review, kind=DRC, **kwargs):
    fields = {"verdict": OpinionVerdict.AGREE, "text": TEXT, "signed_on": date(2026, 11, 20)} | kwargs
    return results.opinion_sign(application=review.application("甲"), actor=review.leads[kind], **fields)


@pytest.mark.history
def test_sign_records_the_opinion_with_a_copy_of_the_seal(review):
    opinion = sign(review)
    review.departments[DRC].seal_image.save("new-seal.png", ContentFile(BLUE))  # the seal changes later

    opinion.refresh_from_db()
    assert (opinion.department, opinion.verdict, opinion.text, opinion.signed_by, opinion.signed_on) == (
        review.departments[DRC], OpinionVerdict.AGREE, TEXT, review.leads[DRC], date(2026, 11, 20)
    )
    assert opinion.seal.name.startswith("opinion-seals/")
    assert opinion.seal.name != review.departments[DRC].seal_image.name
    with opinion.seal.open("rb") as stored:
        assert stored.read() == RED
    assert opinion.history.first().history_change_reason == "签署部门意见"


def test_sign_without_a_department_seal_leaves_the_seal_empty(review):
    opinion = sign(review, kind=HR, signed_on=None)

    assert not opinion.seal
    assert opinion.signed_on == timezone.localdate()


def test_signing_again_replaces_the_departments_opinion(review):
    sign(review)

    sign(review, verdict=OpinionVerdict.DISAGREE, text="材料与实际不符。")

    assert list(DepartmentOpinion.objects.values_list("department", "verdict", "text")) == [
        (review.departments[DRC].pk, OpinionVerdict.DISAGREE, "材料与实际不符。")
    ]


@pytest.mark.parametrize("case", ["reviewer", "lead_of_another_department", "not_accepted", "empty_text"])
def test_sign_is_refused(review, case):
    application = review.application("甲")
    actor, text = review.leads[DRC], TEXT
    expected = {
        "reviewer": "只有部门负责人可以签署部门意见。",
        "lead_of_another_department": "本部门不是该评定项目的评定部门。",
        "not_accepted": "只能对已受理的申报签署意见。",
        "empty_text": "请填写意见内容。",
    }[case]
    if case == "reviewer":
        actor = review.reviewers[DRC][0]
    elif case == "lead_of_another_department":
        actor = DepartmentLeadFactory(department=DepartmentFactory(name="测试县财政局"))
    elif case == "not_accepted":
        application.status = "withdrawn"
        application.save()
    else:
        text = "  "

    message = refusal(lambda: results.opinion_sign(application=application, actor=actor, verdict=OpinionVerdict.AGREE, text=text))

    assert message == expected
    assert DepartmentOpinion.objects.count() == 0


# --- the lead's page ------------------------------------------------------------------------------------------------


def test_opinion_page_shows_the_departments_scores_and_signs(review, login):
    submit(activate(review, review.application("甲"), review.reviewers[DRC][0]), 88)
    submit(activate(review, review.application("甲"), review.reviewers[HR][0]), 61)
    client = login(review.leads[DRC])
    url = reverse("review:opinion", args=[review.application("甲").pk])

    page = client.get(url)
    response = client.post(url, {"verdict": "agree", "text": TEXT, "signed_on": "2026-11-20"})

    assert page.status_code == 200
    assert "发改专家1 88.00" in visible_text(page)
    assert "61.00" not in visible_text(page)  # another department's reviewer
    assert response.status_code == 302
    assert response["Location"] == url
    assert DepartmentOpinion.objects.get().text == TEXT


def test_opinion_page_refuses_a_date_in_the_future(review, login):
    client = login(review.leads[DRC])
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)

    response = client.post(reverse("review:opinion", args=[review.application("甲").pk]), {"verdict": "agree", "text": TEXT, "signed_on": tomorrow.isoformat()})

    assert response.status_code == 200
    assert "签署日期不能晚于今天。" in visible_text(response)
    assert DepartmentOpinion.objects.count() == 0


def test_opinion_page_of_another_programmes_application_is_404(review, login):
    other = build_review(labels=("乙",))
    client = login(review.leads[DRC])

    response = client.post(reverse("review:opinion", args=[other.applications[0].pk]), {"verdict": "agree", "text": TEXT, "signed_on": "2026-11-20"})

    assert response.status_code == 404
    assert DepartmentOpinion.objects.count() == 0


def test_opinion_page_is_for_department_leads_only(review, client, login):
    url = reverse("review:opinion", args=[review.application("甲").pk])

    anonymous = client.get(url)
    as_reviewer = login(review.reviewers[DRC][0]).post(url, {"verdict": "agree", "text": TEXT, "signed_on": "2026-11-20"})

    assert anonymous.status_code == 302
    assert anonymous["Location"] == f"{reverse('login')}?next={url}"
    assert as_reviewer.status_code == 403
    assert DepartmentOpinion.objects.count() == 0


# --- annex 2 -----------------------------------------------------------------------------------------------------------


def pdf_text(pdf: bytes, folder) -> str:
    path = folder / "form.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s", "", re.sub(r"^第 \d+ 页 共 \d+ 页$", "", text, flags=re.MULTILINE))


@pytest.mark.pdf
def test_signed_opinion_fills_the_departments_box_on_annex_2(review, login, tmp_path):
    sign(review)
    client = login(review.leads[CIVIL])  # another department's lead may read the form

    response = client.get(reverse("applications:pdf", args=[review.application("甲").pk]))

    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    assert text.endswith(
        "县人力资源社会保障部门意见：（盖章）年月日"
        f"县发改部门意见：同意。{TEXT}（盖章）2026年11月20日"
        "县民政部门意见：（盖章）年月日"
    )
    images = subprocess.run(["pdfimages", "-list", str(tmp_path / "form.pdf")], capture_output=True, text=True, check=True)
    assert [line.split()[2:5] for line in images.stdout.splitlines()[2:]] == [["image", "60", "60"]]  # the seal copy
