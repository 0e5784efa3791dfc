"""States and kinds of publicity, objections and plaques, with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeState(models.TextChoices):
    """Derived from the dates, never stored: a stopped worker cannot leave a notice open (issue 6, 6)."""

    OPEN = "open", _("公示中")
    ENDED = "ended", _("公示结束")


class ObjectorType(models.TextChoices):
    PERSON = "person", _("个人")
    ORGANISATION = "organisation", _("单位")


class ObjectionStatus(models.TextChoices):
    RECEIVED = "received", _("已受理")
    VERIFYING = "verifying", _("核查中")
    UPHELD = "upheld", _("异议成立")
    NOT_UPHELD = "not_upheld", _("异议不成立")


OBJECTION_CLOSED = (ObjectionStatus.UPHELD, ObjectionStatus.NOT_UPHELD)


class IdentityAccessStatus(models.TextChoices):
    """A request to see an objector's identity: made by a programme admin, decided by a security admin."""

    PENDING = "pending", _("待批准")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("未批准")
    REVOKED = "revoked", _("已收回")
