"""Reads of the showcases: who may open which (the remits), what the public sees, and the two copies as pages show
them."""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.urls import reverse

from awards.enums import AwardStatus
from awards.models import Award
from portal.enums import Role
from portal.models import Programme, Region
from portal.permissions import remit, visible
from showcase.enums import ShowcaseStatus
from showcase.models import Showcase, ShowcasePhoto

# --- the public ----------------------------------------------------------------------------------------------------


def public_showcases() -> QuerySet[Showcase]:
    """What the public pages list: an approved copy of a title in force. A revoked title's showcase disappears with
    it; a showcase never approved was never public."""
    return Showcase.objects.filter(published_at__isnull=False, award__status=AwardStatus.IN_FORCE).select_related(
        "award__programme__region", "award__institution__region__parent", "award__announcement"
    )


def public_regions() -> QuerySet[Region]:
    """The regions of the institutions that have a public showcase (the list's region filter offers only these)."""
    return Region.objects.filter(institutions__awards__showcase__in=public_showcases()).distinct().order_by("code")


def public_photo(pk: int) -> ShowcasePhoto | None:
    """A photo of the published copy of a public showcase, or None (a draft's photo, a revoked title's)."""
    photo = ShowcasePhoto.objects.filter(pk=pk, showcase__in=public_showcases()).select_related("showcase").first()
    if photo is None or photo.pk not in photo.showcase.published_photo_ids():
        return None
    return photo


# --- the remits ----------------------------------------------------------------------------------------------------


@remit(Award, "showcase")
def awards_showcased_by(user) -> QuerySet[Award]:
    """The awards whose showcase the user writes: those of its own institution (an applicant's)."""
    if user.role != Role.APPLICANT or not user.institution_id:
        return Award.objects.none()
    return Award.objects.select_related("programme__region", "institution").filter(institution=user.institution_id)


@remit(Showcase, "edit")
def showcases_written_by(user) -> QuerySet[Showcase]:
    """The showcases of the user's own institution (an applicant's)."""
    return Showcase.objects.select_related("award__programme").filter(award__in=awards_showcased_by(user).values("pk"))


@remit(ShowcasePhoto, "edit")
def photos_written_by(user) -> QuerySet[ShowcasePhoto]:
    """The photos of the working copies of the user's own institution (a removed one is gone from them)."""
    return ShowcasePhoto.objects.select_related("showcase__award").filter(
        showcase__in=showcases_written_by(user).values("pk"), removed_at__isnull=True
    )


@remit(Showcase, "manage")
def showcases_managed_by(user) -> QuerySet[Showcase]:
    """The showcases of the programmes the user administers (all for sees_everything, through that remit)."""
    programmes = visible(user, Programme, "manage").values("pk")
    return Showcase.objects.select_related("award__programme__region", "award__institution__region").filter(
        award__programme__in=programmes
    )


@remit(ShowcasePhoto, "view")
def photos_for_staff(user) -> QuerySet[ShowcasePhoto]:
    """Every photo (drafts' and removed ones' too) for the institution's own staff and the programme's admins."""
    own = Q(showcase__award__in=visible(user, Award, "showcase").values("pk"))
    managed = Q(showcase__in=visible(user, Showcase, "manage").values("pk"))
    return ShowcasePhoto.objects.select_related("showcase").filter(own | managed)


# --- pages ---------------------------------------------------------------------------------------------------------


THUMBNAIL_WIDTH = 320  # the width the pages give a photo (a phone 360 px wide shows it whole)


@dataclass(frozen=True)
class Photo:
    """A photo as a page shows it: its URL, caption, and the width and height of its thumbnail (the img attributes
    that keep the page from jumping while it loads)."""

    url: str
    caption: str
    width: int | None = None
    height: int | None = None

    @classmethod
    def of(cls, url: str, caption: str, width: int | None, height: int | None) -> "Photo":
        if not (width and height):
            return cls(url, caption)
        shown = min(width, THUMBNAIL_WIDTH)
        return cls(url, caption, shown, max(1, round(height * shown / width)))


@dataclass(frozen=True)
class Version:
    """One copy of a showcase as a page shows it (the published one, or the working one under review)."""

    summary: str
    practice: str
    brand_name: str
    brand_description: str
    photos: list[Photo] = field(default_factory=list)


def published_cover(showcase: Showcase) -> Photo | None:
    """The first photo of the published copy (the list's cards show it)."""
    if not showcase.published_photos:
        return None
    entry = showcase.published_photos[0]
    return Photo.of(reverse("showcase:photo", args=[entry["id"]]), entry["caption"], entry.get("width"), entry.get("height"))


def published_version(showcase: Showcase) -> Version:
    photos = [
        Photo.of(reverse("showcase:photo", args=[e["id"]]), e["caption"], e.get("width"), e.get("height"))
        for e in showcase.published_photos
    ]
    return Version(showcase.published_summary, showcase.published_practice, showcase.published_brand_name,
                   showcase.published_brand_description, photos)


def working_photos(showcase: Showcase | None) -> list[ShowcasePhoto]:
    return list(showcase.photos.filter(removed_at__isnull=True)) if showcase is not None else []


def working_version(showcase: Showcase) -> Version:
    photos = [
        Photo.of(reverse("showcase:staff_photo", args=[p.pk]), p.caption, p.width, p.height)
        for p in working_photos(showcase)
    ]
    return Version(showcase.summary, showcase.practice, showcase.brand_name, showcase.brand_description, photos)


# --- home pages (config/views.py) ----------------------------------------------------------------------------------


def showcases_of_institution(user) -> dict[int, Showcase]:
    """The applicant's home: the showcase of each award of its institution, by award id (an award without one is
    missing: the page offers to start it)."""
    awards = visible(user, Award, "showcase").values("pk")
    return {showcase.award_id: showcase for showcase in Showcase.objects.filter(award__in=awards)}


def waiting_for_review_count(user) -> int:
    """The admin's home: showcases of its programmes submitted and not yet decided."""
    return visible(user, Showcase, "manage").filter(
        status=ShowcaseStatus.SUBMITTED, award__status=AwardStatus.IN_FORCE
    ).count()
