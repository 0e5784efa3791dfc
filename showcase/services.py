"""Writes of the showcases (宣传展示, seed 000 六(三)): the institution's edits and photos, its submission, and the
programme admin's approval (publication) or return.

Who: the working copy is written by the institution's own staff (Role.APPLICANT users of the award's institution),
and decided by whoever manages the award's programme (portal.permissions.manages_programme). A revoked title's
showcase is neither edited nor approved any more; the public pages hide it (showcase.selectors.public_showcases).
Every status move goes through portal.transitions (row lock, history with the reason, audit record).
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import Award
from portal.audit import AuditEvent, audit
from portal.enums import Role
from portal.models import User
from portal.permissions import manages_programme
from portal.public_cache import public_pages_changed
from portal.selectors import programme_admins
from portal.services import notify
from portal.transitions import Refused, transition
from showcase.enums import ShowcaseStatus
from showcase.models import MAX_PHOTOS, Showcase, ShowcasePhoto
from showcase.photos import photo_encode

TEXT_FIELDS = ("summary", "practice", "brand_name", "brand_description")
PUBLISHED = {name: f"published_{name}" for name in TEXT_FIELDS}


def _award(award_id: int, *, lock: bool = False) -> Award:
    """The award as the database has it now (a page's copy may predate a revocation)."""
    awards = Award.objects.select_related("programme")
    return (awards.select_for_update(of=("self",)) if lock else awards).get(pk=award_id)


def _check_writer(award: Award, actor: User) -> None:
    """Only the institution's own staff write its showcase, and only while the title is in force."""
    if actor.role != Role.APPLICANT or actor.institution_id != award.institution_id:
        raise PermissionDenied
    if not award.is_valid:
        raise Refused(_("该称号已撤销，不能再编辑宣传材料。"))


def _check_decider(showcase: Showcase, actor: User) -> None:
    award = _award(showcase.award_id)
    if not manages_programme(actor, award.programme):
        raise PermissionDenied
    if not award.is_valid:
        raise Refused(_("该称号已撤销，宣传材料不再公开。"))


def _locked_for_edit(award: Award, actor: User) -> Showcase:
    """The award's showcase, locked (created as a draft the first time); refused while the admin reviews it."""
    award = _award(award.pk, lock=True)  # locked: two first saves at once make one showcase
    _check_writer(award, actor)
    showcase = Showcase.objects.select_for_update(of=("self",)).filter(award=award).first()
    if showcase is None:
        showcase = Showcase(award=award)
        showcase._history_user = actor
        showcase._change_reason = _("开始编写宣传材料")
        showcase.save()
    if showcase.status == ShowcaseStatus.SUBMITTED:
        raise Refused(_("宣传材料已提交审核，审核期间不能修改；如需修改，请先撤回提交。"))
    showcase.award = award
    return showcase


def _reopen_if_approved(showcase: Showcase, actor: User, request=None) -> Showcase:
    """An edit of an approved showcase is a new draft; the approved copy stays public until the next approval."""
    if showcase.status != ShowcaseStatus.APPROVED:
        return showcase
    return transition(showcase, ShowcaseStatus.DRAFT, table=Showcase.TRANSITIONS, actor=actor, request=request,
                      note=_("通过后修改，已发布版本继续展示"))


@transaction.atomic
def showcase_save(*, award: Award, actor: User, captions: dict[int, str] | None = None, request=None,
                  **fields: str) -> Showcase:
    """Save the working copy's text (`summary`, `practice`, `brand_name`, `brand_description`) and the photos'
    captions. Side effects: the showcase row (created on the first save), its history; an approved showcase becomes
    a draft again when anything changed (its published copy stays)."""
    showcase = _locked_for_edit(award, actor)
    changed = [name for name in TEXT_FIELDS if name in fields and getattr(showcase, name) != fields[name].strip()]
    for name in changed:
        setattr(showcase, name, fields[name].strip())
    if changed:
        showcase._history_user = actor
        showcase._change_reason = _("保存宣传材料")
        showcase.save(update_fields=[*changed, "updated_at"])
    captioned = _captions_save(showcase, captions or {}, actor)
    if changed or captioned:
        showcase = _reopen_if_approved(showcase, actor, request)
    return showcase


def _captions_save(showcase: Showcase, captions: dict[int, str], actor: User) -> bool:
    changed = False
    for photo in showcase.photos.filter(removed_at__isnull=True, pk__in=list(captions)):
        caption = captions[photo.pk].strip()
        if caption and caption != photo.caption:
            photo.caption = caption
            photo._history_user = actor
            photo.save(update_fields=["caption"])
            changed = True
    return changed


def showcase_problems(showcase: Showcase) -> list[str]:
    """What keeps the working copy from being submitted (seed 000 四(二)3: a typical practice or a service brand)."""
    problems = []
    if not showcase.summary.strip():
        problems.append(_("请填写简介。"))
    has_brand = showcase.brand_name.strip() and showcase.brand_description.strip()
    if not showcase.practice.strip() and not has_brand:
        problems.append(_("请填写典型经验做法，或服务品牌的名称和介绍。"))
    elif bool(showcase.brand_name.strip()) != bool(showcase.brand_description.strip()):
        problems.append(_("服务品牌的名称和介绍须一并填写。"))
    if not showcase.photos.filter(removed_at__isnull=True).exists():
        problems.append(_("请至少上传1张照片。"))
    return problems


@transaction.atomic
def showcase_submit(*, showcase: Showcase, actor: User, request=None, now: datetime | None = None) -> Showcase:
    """Send the working copy to the programme's admins. Refused while something is missing (showcase_problems).
    Side effects: the status move (history, audit), a notification to each of the programme's admins."""
    now = now or timezone.now()
    _check_writer(_award(showcase.award_id), actor)
    problems = showcase_problems(Showcase.objects.get(pk=showcase.pk))  # as saved, not as a page last read it
    if problems:
        raise Refused(_("暂不能提交：%(problems)s") % {"problems": "".join(problems)})
    return transition(
        showcase, ShowcaseStatus.SUBMITTED, table=Showcase.TRANSITIONS, actor=actor, request=request, now=now,
        fields={"submitted_at": now}, also=_notify_admins, refusal=_("宣传材料当前为“%(current)s”，不能提交审核。"),
    )


@transaction.atomic
def showcase_withdraw(*, showcase: Showcase, actor: User, request=None) -> Showcase:
    """Take a submission back to correct it before the admin decides."""
    _check_writer(_award(showcase.award_id), actor)
    return transition(showcase, ShowcaseStatus.DRAFT, table=Showcase.TRANSITIONS, actor=actor, request=request,
                      note=_("撤回提交"), refusal=_("宣传材料当前为“%(current)s”，不能撤回。"))


@transaction.atomic
def showcase_approve(*, showcase: Showcase, actor: User, request=None, now: datetime | None = None) -> Showcase:
    """Publish the working copy: it replaces the published copy on the public pages.

    Side effects: the status move with the copy (history, audit), photos no copy shows any more deleted, the
    institution's staff told, the public pages' cache renewed after the commit.
    """
    now = now or timezone.now()
    _check_decider(showcase, actor)
    showcase = Showcase.objects.select_for_update(of=("self",)).get(pk=showcase.pk)  # publish what is saved now
    photos = [
        {"id": photo.pk, "caption": photo.caption, "width": photo.width, "height": photo.height}
        for photo in showcase.photos.filter(removed_at__isnull=True)
    ]
    copy = {PUBLISHED[name]: getattr(showcase, name) for name in TEXT_FIELDS}
    approved = transition(
        showcase, ShowcaseStatus.APPROVED, table=Showcase.TRANSITIONS, actor=actor, request=request, now=now,
        fields={**copy, "published_photos": photos, "published_at": now, "approved_by": actor, "decided_at": now,
                "return_reason": ""},
        also=lambda saved: _notify_institution(saved, _("贵机构的宣传材料已审核通过，已在门户“标杆风采”栏目展示。")),
        refusal=_("宣传材料当前为“%(current)s”，不能审核。"),
    )
    _forget_unpublished_removed(approved)
    transaction.on_commit(public_pages_changed)
    return approved


@transaction.atomic
def showcase_return(*, showcase: Showcase, actor: User, reason: str, request=None, now: datetime | None = None) -> Showcase:
    """Send the working copy back with a reason; a published copy stays public. Side effects: the status move
    (history with the reason, audit), the institution's staff told the reason."""
    now = now or timezone.now()
    _check_decider(showcase, actor)
    reason = reason.strip()
    if not reason:
        raise Refused(_("请填写退回理由。"))
    text = _("贵机构的宣传材料被退回修改：%(reason)s") % {"reason": reason}
    return transition(
        showcase, ShowcaseStatus.RETURNED, table=Showcase.TRANSITIONS, actor=actor, request=request, now=now,
        note=reason[:100], fields={"return_reason": reason, "decided_at": now},
        also=lambda saved: _notify_institution(saved, text), refusal=_("宣传材料当前为“%(current)s”，不能审核。"),
    )


@transaction.atomic
def photo_add(*, award: Award, actor: User, uploaded, caption: str, request=None) -> ShowcasePhoto:
    """Add a photo to the working copy after the portal's upload inspection and a re-encoding (showcase.photos;
    ValidationError in Chinese when refused). Side effects: the file, its row, an audit record; an approved showcase
    becomes a draft again."""
    caption = caption.strip()
    if not caption:
        raise Refused(_("请填写照片说明。"))
    showcase = _locked_for_edit(award, actor)
    count = showcase.photos.filter(removed_at__isnull=True).count()
    if count >= MAX_PHOTOS:
        raise Refused(_("最多上传%(max)d张照片，已上传%(count)d张；请先移除一张。") % {"max": MAX_PHOTOS, "count": count})
    encoded = photo_encode(uploaded)
    photo = ShowcasePhoto(
        showcase=showcase, caption=caption, original_name=uploaded.name[:200], content_type=encoded.content_type,
        size=encoded.size, sha256=encoded.sha256, width=encoded.width, height=encoded.height, uploaded_by=actor,
    )
    photo.file.save(encoded.content.name, encoded.content, save=False)
    photo._history_user = actor
    photo.save()
    audit(AuditEvent.TRANSITION, user=actor, request=request, obj=showcase, detail=f"photo added {photo.pk} sha256={photo.sha256}")
    _reopen_if_approved(showcase, actor, request)
    return photo


@transaction.atomic
def photo_remove(*, photo: ShowcasePhoto, actor: User, request=None, now: datetime | None = None) -> None:
    """Take a photo out of the working copy. One the published copy shows is kept (marked removed) until an approval
    publishes a copy without it; any other is deleted with its file after the commit."""
    showcase = _locked_for_edit(photo.showcase.award, actor)
    photo = ShowcasePhoto.objects.select_for_update().get(pk=photo.pk, showcase=showcase, removed_at__isnull=True)
    if photo.pk in showcase.published_photo_ids():
        photo.removed_at = now or timezone.now()
        photo._history_user = actor
        photo.save(update_fields=["removed_at"])
    else:
        _delete(photo)
    audit(AuditEvent.TRANSITION, user=actor, request=request, obj=showcase, detail=f"photo removed {photo.pk}")
    _reopen_if_approved(showcase, actor, request)


def _forget_unpublished_removed(showcase: Showcase) -> None:
    for photo in showcase.photos.filter(removed_at__isnull=False).exclude(pk__in=showcase.published_photo_ids()):
        _delete(photo)


def _delete(photo: ShowcasePhoto) -> None:
    """The row now; the file after the commit (a rollback must not leave a row without its file)."""
    file, storage = photo.file.name, photo.file.storage
    photo.delete()
    transaction.on_commit(lambda: storage.delete(file))


def _notify_admins(showcase: Showcase) -> None:
    award = showcase.award
    text = _("%(name)s提交了宣传材料，请审核。") % {"name": award.institution_name or award.institution.name}
    notify(users=programme_admins(award.programme), text=text[:300], link=reverse("showcase:review", args=[showcase.pk]))


def _notify_institution(showcase: Showcase, text: str) -> None:
    users = User.objects.filter(institution=showcase.award.institution_id, role=Role.APPLICANT, is_active=True)
    notify(users=users, text=text[:300], link=reverse("showcase:edit", args=[showcase.award_id]))
