"""Reads of the import: every batch through accounts.scope.visible_to."""
from accounts.scope import visible_to

from .models import ImportBatch


def batch_list(user):
    return visible_to(user, ImportBatch.objects.select_related("created_by", "unit"))
