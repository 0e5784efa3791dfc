"""A locked assessment (submitted: a community's self-evaluation sent to its town) is read only for everyone: the page
shows the facts without a form, every change refuses, the evidence still downloads; and the apps above may grant
others the sight of an assessment, or keep its editing to whom they name (rubrics.selectors)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.urls import reverse

from portal.permissions import visible
from portal.transitions import Refused
from rubrics import selectors
from rubrics.assessments import assessment_lock, assessment_record, evidence_add
from rubrics.models import Assessment
from tests.applications.factories import PDF
from tests.portal.helpers import messages_of, text
from tests.rubrics.assessment_world import build, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build()


def test_a_locked_assessment_is_shown_read_only_and_refuses_every_change(world, login):
    evidence = evidence_add(assessment=world.assessment, item_code="(一)1", uploaded=SimpleUploadedFile("台账.pdf", PDF),
                            note="", actor=world.owner)
    assessment_lock(assessment=world.assessment, actor=world.owner, reason="自评提交")
    client = login(world.owner)
    url = reverse("rubrics:assessment", args=[world.assessment.pk])

    page = client.get(url)
    posted = client.post(url, form_data(world.assessment, {("(一)1", "achieved"): "1"}), follow=True)
    download = client.get(reverse("rubrics:evidence", args=[world.assessment.pk, evidence.pk]))

    assert page.status_code == 200
    assert "本评估已于" in text(page) and "提交，只能查看" in text(page)
    assert "保存并计分" not in text(page) and "上传并预览" not in text(page) and 'type="file"' not in text(page)
    assert messages_of(posted) == ["该评估已提交，不能修改。"]
    assert download.status_code == 200
    with pytest.raises(Refused):
        assessment_record(assessment=world.assessment, facts={}, notes={}, events={}, actor=world.owner)
    with pytest.raises(Refused):
        assessment_lock(assessment=world.assessment, actor=world.owner, reason="again")
    assert client.post(reverse("rubrics:evidence_delete", args=[world.assessment.pk, evidence.pk])).status_code == 404


def test_an_app_above_grants_sight_and_keeps_editing_to_whom_it_names(world, monkeypatch):
    other = Assessment.objects.create(rubric=world.rubric, subject="彩虹社区", created_by=world.stranger)
    monkeypatch.setattr(selectors, "VIEW_GRANTS", [lambda user: Q(subject="彩虹社区") if user == world.applicant else Q(pk=None)])
    monkeypatch.setattr(selectors, "CLAIMS", [lambda: Q(subject="彩虹社区")])
    monkeypatch.setattr(selectors, "EDIT_GRANTS", [lambda user: Q(pk=None)])

    seen = set(visible(world.applicant, Assessment).values_list("subject", flat=True))
    editable_by_owner = set(visible(world.owner, Assessment, "edit").values_list("subject", flat=True))
    seen_by_owner = set(visible(world.owner, Assessment).values_list("subject", flat=True))

    assert seen == {"彩虹社区"}  # granted by the app, not created by the applicant
    assert visible(world.applicant, Assessment, "edit").count() == 0
    assert seen_by_owner == {"黄竹塱社区", "彩虹社区"}  # the programme's admin sees both
    assert editable_by_owner == {"黄竹塱社区"} and other.pk  # but the claimed one is the app's to hand out
