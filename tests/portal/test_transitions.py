"""portal.transitions, the one mechanism for status fields: every model's table of moves names only statuses the model
has, a move outside the table is a TransitionError worded with the statuses' labels, a move inside it saves the status
with its history and one audit record, and a refusal that is not about the status is a plain Refused."""

import pytest
from django.apps import apps

from applications.enums import ApplicationStatus
from applications.services import TRANSITIONS as APPLICATION_TRANSITIONS
from portal.enums import AuditEvent
from portal.models import AuditRecord
from portal.transitions import Refused, TransitionError, allowed, transition
from tests.applications.factories import ApplicationFactory
from tests.factories import ApplicantFactory, InstitutionFactory, RoundFactory

pytestmark = pytest.mark.django_db


def models_with_a_table():
    return [model for model in apps.get_models() if isinstance(getattr(model, "TRANSITIONS", None), dict)]


def test_every_status_model_has_its_table():
    names = {model.__name__ for model in models_with_a_table()}

    assert names >= {
        "ReviewAssignment", "ScoreSheet", "Institution", "Objection", "IdentityAccessRequest", "Announcement",
        "Award", "PlaqueBatch", "User",
    }


@pytest.mark.parametrize("model", models_with_a_table(), ids=lambda model: model.__name__)
def test_each_table_names_only_statuses_of_its_model(model):
    field = "is_active" if model.__name__ == "User" else "status"
    choices = {value for value, _label in model._meta.get_field(field).flatchoices} or {True, False}

    named = set(model.TRANSITIONS) | {to for targets in model.TRANSITIONS.values() for to in targets}

    assert named <= choices
    assert set(model.TRANSITIONS) <= choices and all(isinstance(targets, set) for targets in model.TRANSITIONS.values())


def test_the_application_table_names_only_application_statuses():
    named = set(APPLICATION_TRANSITIONS) | {to for targets in APPLICATION_TRANSITIONS.values() for to in targets}

    assert named <= set(ApplicationStatus.values)


def test_a_move_outside_the_table_is_a_transition_error_worded_with_the_labels():
    application = ApplicationFactory(status=ApplicationStatus.DRAFT)

    with pytest.raises(TransitionError) as refused:
        transition(application, ApplicationStatus.ACCEPTED, table=APPLICATION_TRANSITIONS, actor=None)

    assert str(refused.value) == "当前状态为“草稿”，不能变更为“已受理”。"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert not AuditRecord.objects.filter(event=AuditEvent.TRANSITION).exists()


@pytest.mark.history
def test_a_move_in_the_table_saves_history_and_one_audit_record():
    application = ApplicationFactory(status=ApplicationStatus.DRAFT)
    assert allowed(APPLICATION_TRANSITIONS, ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED)

    moved = transition(
        application, ApplicationStatus.SUBMITTED, table=APPLICATION_TRANSITIONS, actor=application.created_by,
        note="测试提交",
    )

    assert moved.status == ApplicationStatus.SUBMITTED
    latest = moved.history.latest()
    assert (latest.status, latest.history_user, latest.history_change_reason) == (
        ApplicationStatus.SUBMITTED, application.created_by, "测试提交"
    )
    record = AuditRecord.objects.get(event=AuditEvent.TRANSITION)
    assert record.detail == "draft→submitted 测试提交"


def test_a_refusal_that_is_not_a_move_is_refused_and_not_a_transition_error():
    from applications.services import application_start

    applicant = ApplicantFactory(institution=InstitutionFactory(status="pending"))

    with pytest.raises(Refused) as refused:
        application_start(round=RoundFactory(), user=applicant)

    assert not isinstance(refused.value, TransitionError)
    assert str(refused.value) == "本机构信息尚未通过核验，核验通过后方可申报。"
