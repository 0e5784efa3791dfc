"""The states of a showcase (宣传展示), with their Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ShowcaseStatus(models.TextChoices):
    """The state of the working copy. What the public sees is the published copy (Showcase.published_*), kept
    apart: a change after approval goes back through approval while the approved version stays public."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已通过")
    RETURNED = "returned", _("退回修改")
