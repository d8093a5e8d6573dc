"""Global search: apps register (model, fields, label); results are scoped by accounts.scope."""
from django.db.models import Q

from . import ports

SEARCHABLE = []


def register(model, fields, label):
    SEARCHABLE.append((model, fields, label))


def search(user, q, limit=20):
    q = (q or "").strip()
    if not q:
        return []
    groups = []
    for model, fields, label in SEARCHABLE:
        cond = Q()
        for f in fields:
            cond |= Q(**{f"{f}__icontains": q})
        objects = list(ports.scope.visible_to(user, model._default_manager.all()).filter(cond)[:limit])
        if objects:
            groups.append({"label": label, "objects": objects})
    return groups
