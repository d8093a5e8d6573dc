"""Abstract bases every Taizhang model builds on."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """A row edited by several people: every save through a service bumps `version`, and a write that
    names a stale version is refused (compare-and-swap) so concurrent edits never overwrite silently."""

    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        abstract = True
