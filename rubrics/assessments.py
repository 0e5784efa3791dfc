"""Assessments (评估记录, 试评): one subject's facts against a rubric, entered in the browser or from the rubric's
Excel template, re-scored by the engine on every change, with evidence files per item.

Each item's facts may carry a source (`Assessment.sources[code]`): the ledger import or the template that set them,
with the facts it set. A later change to those facts drops the source: what the page says came from a file did.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import AuditEvent, audit
from portal.transitions import Refused
from rubrics import uploads
from rubrics.assessment_forms import item_facts, stored_value
from rubrics.assessment_sheet import score
from rubrics.models import Assessment, Evidence, Rubric
from rubrics.services import rubric_data


def check_open(assessment: Assessment) -> None:
    """A locked (submitted) assessment is read only: every change refuses, whoever asks."""
    if assessment.locked_at is not None:
        raise Refused(_("该评估已提交，不能修改。"))


def assessment_lock(*, assessment: Assessment, actor, reason: str) -> Assessment:
    """Make the assessment read only (submitted), with the reason in its history and the audit log."""
    check_open(assessment)
    assessment.locked_at = timezone.now()
    assessment._change_reason = reason
    assessment.save(update_fields=["locked_at", "updated_at"])
    audit(AuditEvent.TRANSITION, user=actor, obj=assessment, detail=f"locked: {reason[:100]}")
    return assessment


def assessment_create(*, rubric: Rubric, subject: str, actor, region=None, period: str = "") -> Assessment:
    """A new assessment of `subject` against `rubric`, with no facts yet. Side effects: the row (history), an audit
    record."""
    assessment = Assessment.objects.create(
        rubric=rubric, subject=subject.strip(), region=region, period=period.strip(), created_by=actor
    )
    audit(AuditEvent.TRANSITION, user=actor, obj=assessment, detail=f"assessment created against rubric #{rubric.pk}")
    return assessment


def _kept_sources(sources: dict, facts: dict) -> dict:
    """The sources whose facts still stand (a source records the facts it set)."""
    return {
        code: source for code, source in sources.items()
        if all(facts.get(code, {}).get(key) == value for key, value in source.get("facts", {}).items())
    }


def rescore(assessment: Assessment, data: dict | None = None) -> None:
    """Store the rubric's score and capped bonus of the assessment's facts (None while an item is open or wrong)."""
    result = score(data or rubric_data(assessment.rubric), assessment.facts)
    assessment.score = None if result is None else result.score
    assessment.bonus = None if result is None else result.bonus


def assessment_record(*, assessment: Assessment, facts: dict, notes: dict, events: dict, actor) -> Assessment:
    """Save the facts, notes and events entered for every item and score them again. Side effects: the row (its
    history records who changed what)."""
    check_open(assessment)
    assessment.facts, assessment.notes, assessment.events = facts, notes, events
    assessment.sources = _kept_sources(assessment.sources, facts)
    rescore(assessment)
    assessment._change_reason = f"facts recorded by {actor.username}"
    assessment.save()
    return assessment


# --- the Excel template filled in ------------------------------------------------------------------------------------


@dataclass
class Change:
    code: str
    title: str
    fact: str
    before: str
    after: str


def _shown(value, type_: str) -> str:
    if value is None or value == "":
        return _("（空）")
    if type_ in ("bool", "entry"):
        return _("是") if value else _("否")
    return str(value)


def template_changes(assessment: Assessment, facts: dict, data: dict | None = None) -> list[Change]:
    """What applying a filled template's facts would change, fact by fact: each item it gives replaces that item's
    facts (a fact it leaves empty is emptied); items it leaves out stay as they are."""
    changes = []
    for item, _bonus, item_facts_ in item_facts(data or rubric_data(assessment.rubric)):
        code = str(item["code"])
        if code not in facts:
            continue
        before, after = assessment.facts.get(code, {}), facts[code]
        for fact in item_facts_:
            old, new = stored_value(before, fact), stored_value(after, fact)
            if fact.type == "entry":
                old, new = bool(old), bool(new)
            if old != new:
                changes.append(Change(code, str(item.get("title", "")), fact.label,
                                      _shown(old, fact.type), _shown(new, fact.type)))
    return changes


@transaction.atomic
def template_apply(*, assessment: Assessment, facts: dict, file_name: str, actor) -> Assessment:
    """Apply a filled template's facts (as read and previewed): each item it gives replaces that item's facts, with
    the template as their source; events entered one by one for those items give way to its counts. Side effects: the
    row (history), an audit record."""
    check_open(assessment)
    merged = dict(assessment.facts)
    merged.update(facts)
    events = {key: rows for key, rows in assessment.events.items() if key.split("|", 1)[0] not in facts}
    sources = _kept_sources(assessment.sources, merged)
    stamp = timezone.now().isoformat(timespec="seconds")
    for code, item_facts_ in facts.items():
        sources[code] = {"kind": "template", "file": file_name[:200], "at": stamp, "by": actor.username,
                         "facts": {key: value for key, value in item_facts_.items() if not isinstance(value, dict | list)}}
    assessment.facts, assessment.events, assessment.sources = merged, events, sources
    rescore(assessment)
    assessment._change_reason = f"template {file_name[:100]} applied by {actor.username}"
    assessment.save()
    audit(AuditEvent.TRANSITION, user=actor, obj=assessment, detail=f"template applied to items {sorted(facts)}")
    return assessment


# --- evidence --------------------------------------------------------------------------------------------------------


def evidence_add(*, assessment: Assessment, item_code: str, uploaded, note: str, actor) -> Evidence:
    """Store an evidence file of an item after the portal's upload inspection (ValidationError in Chinese when it
    refuses the file; Refused for an item the rubric does not have). Side effects: the file, its row."""
    check_open(assessment)
    codes = {str(item["code"]) for item, _bonus, _facts in item_facts(rubric_data(assessment.rubric))}
    if item_code not in codes:
        raise Refused(_("评分标准中没有评分项“%(code)s”。") % {"code": item_code})
    kept = assessment.evidence.all()
    found = uploads.inspect(
        uploaded, limits=uploads.EVIDENCE_LIMITS, allowed=uploads.EVIDENCE_TYPES, existing_count=kept.count(),
        existing_bytes=sum(kept.values_list("size", flat=True)),
    )
    return Evidence.objects.create(
        assessment=assessment, item_code=item_code, file=uploaded, original_name=uploaded.name[:200], size=found.size,
        content_type=found.content_type, sha256=found.sha256, note=note.strip(), uploaded_by=actor,
    )


def evidence_delete(*, evidence: Evidence, actor) -> None:
    """Remove an evidence file and its row. Side effects: an audit record."""
    check_open(evidence.assessment)
    name = evidence.original_name
    evidence.file.delete(save=False)
    evidence.delete()
    audit(AuditEvent.TRANSITION, user=actor, obj=evidence.assessment, detail=f"evidence removed: {name[:100]}")
