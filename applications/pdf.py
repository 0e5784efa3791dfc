"""The application form as a PDF: 就业服务质量X级标杆机构评定申报表 (seed 000, annex 2)."""

from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from applications.enums import AttachmentPurpose, ConditionSection
from applications.models import COMMITMENT_TEXT, Application
from applications.selectors import self_check_rows
from portal.display import format_phone
from portal.enums import DepartmentKind, Level
from portal.files import local_copy
from portal.pdf import render_pdf

TEMPLATE = "applications/pdf/annex2.html"

# 「县人力资源社会保障部门意见：」: the jurisdiction's one-character prefix, then the department as annex 2 names it.
LEVEL_PREFIX = {Level.COUNTY: _("县"), Level.CITY: _("市"), Level.PROVINCE: _("省")}
DEPARTMENT_LABEL = {
    DepartmentKind.HR: _("人力资源社会保障部门"),
    DepartmentKind.DRC: _("发改部门"),
    DepartmentKind.CIVIL_AFFAIRS: _("民政部门"),
    DepartmentKind.FINANCE: _("财政部门"),
}
SEAL_IMAGE_TYPES = ("image/png", "image/jpeg")
CHINESE_ORDINALS = "一二三四五六七八九十"


def department_opinions_for(application: Application) -> dict[int, object]:
    """The signed opinion (review.DepartmentOpinion) of each department on this application, by department id."""
    return {opinion.department_id: opinion for opinion in application.department_opinions.all()}


def opinion_box_title(programme, department) -> str:
    """「县人力资源社会保障部门意见：」; an 'other' department uses its short name (「县教体局意见：」)."""
    prefix = str(LEVEL_PREFIX.get(programme.level, ""))
    label = str(DEPARTMENT_LABEL.get(department.kind) or department.short_name or department.name)
    if label.startswith(prefix):
        prefix = ""
    return str(_("%(prefix)s%(department)s意见：") % {"prefix": prefix, "department": label})


def _seal_path(application: Application) -> Path | None:
    """The uploaded seal image as a local file, if it is a PNG or JPEG that is stored; a scanned PDF page cannot be
    stamped on the form."""
    seal = application.seal
    if seal is None or seal.content_type not in SEAL_IMAGE_TYPES:
        return None
    return local_copy(seal.file)


def _principal_line(application: Application) -> str:
    details = "，".join(part for part in (application.principal_title, format_phone(application.principal_phone)) if part)
    return f"{application.principal_name}（{details}）" if details else application.principal_name


def _condition_sections(application: Application) -> list[dict]:
    """Every condition of the programme, in order, with this application's answer (`selectors.SelfCheckRow`: 不适用
    for a condition that does not bind the institution's kind, "" if not answered yet)."""
    programme = application.round.programme
    titles = {
        ConditionSection.BASIC: _("就业服务质量标杆机构评定基本条件"),
        ConditionSection.LEVEL: _("%(level)s标杆机构评定条件") % {"level": programme.get_level_display()},
    }
    rows = self_check_rows(application)
    sections = []
    for section in ConditionSection:
        section_rows = [row for row in rows if row.condition.section == section]
        if section_rows:
            ordinal = CHINESE_ORDINALS[len(sections)]
            sections.append({"title": f"（{ordinal}）{titles[section]}", "rows": section_rows})
    return sections


def _opinion_boxes(application: Application) -> tuple[list[dict], dict[int, object]]:
    programme = application.round.programme
    found = department_opinions_for(application)
    links = programme.programme_departments.select_related("department").order_by("order", "pk")
    opinions = {link.department_id: found.get(link.department_id) for link in links}
    boxes = [
        {
            "department": link.department,
            "title": opinion_box_title(programme, link.department),
            "opinion": opinions[link.department_id],
            "seal_uri": _opinion_seal_uri(opinions[link.department_id]),
        }
        for link in links
    ]
    return boxes, opinions


def _opinion_seal_uri(opinion) -> str | None:
    """The department's seal as it was when the opinion was signed (a copy kept with the opinion)."""
    if opinion is None or not getattr(opinion, "seal", None):
        return None
    path = local_copy(opinion.seal)
    return path.as_uri() if path else None


def application_pdf_context(application: Application) -> dict:
    """Everything the annex 2 template prints, read in a handful of queries."""
    programme = application.round.programme
    seal_path = _seal_path(application)
    boxes, opinions = _opinion_boxes(application)
    return {
        "application": application,
        "programme": programme,
        "round": application.round,
        "title": _("就业服务质量%(level)s标杆机构评定申报表") % {"level": programme.get_level_display()},
        "principal_line": _principal_line(application),
        # Browsers post textareas with CRLF; one kind of line break keeps `white-space: pre-wrap` exact.
        "work_record": application.work_record.replace("\r\n", "\n").replace("\r", "\n"),
        "condition_sections": _condition_sections(application),
        "priority_items": list(application.priority_items.order_by("issued_on", "pk")),
        "attachments": list(application.attachments.exclude(purpose=AttachmentPurpose.SEAL)),
        "commitment_text": COMMITMENT_TEXT,
        "seal_path": seal_path,
        "seal_uri": seal_path.as_uri() if seal_path else None,
        "departments": boxes,
        "opinions": opinions,
    }


def application_pdf(application: Application) -> bytes:
    """The filled-in annex 2 form of `application` as PDF bytes. No side effects (nothing saved or stored)."""
    # The form is a Chinese official document whatever language the requesting user has chosen.
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf(TEMPLATE, application_pdf_context(application))
