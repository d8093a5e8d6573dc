"""Reads of the organisation and mechanism (no writes here)."""
from django.db.models import Prefetch
from django.utils import timezone

from .models import Body, BodyKind, Mechanism, Seat


def mechanism_current(today=None):
    """This year's mechanism, else the latest one before it, else the newest."""
    year = (today or timezone.localdate()).year
    return (Mechanism.objects.filter(year__lte=year).order_by("-year").first()
            or Mechanism.objects.order_by("-year").first())


def mechanism_chart(mechanism):
    """The mechanism as a tree for the org chart: HQ → task forces → groups, each with leaders and units."""
    seats = Seat.objects.select_related("person", "person__unit").order_by("sort_order", "pk")
    bodies = list(
        mechanism.bodies.select_related("lead_unit", "parent")
        .prefetch_related(Prefetch("seats", queryset=seats), "member_units")
        .order_by("sort_order", "pk")
    )
    nodes = {}
    for body in bodies:
        nodes[body.pk] = {
            "body": body,
            "leaders": [s for s in body.seats.all() if s.is_leader],
            "members": [s for s in body.seats.all() if not s.is_leader],
            "units": list(body.member_units.all()),
            "children": [],
        }
    roots = []
    for body in bodies:
        if body.parent_id and body.parent_id in nodes:
            nodes[body.parent_id]["children"].append(nodes[body.pk])
        else:
            roots.append(nodes[body.pk])
    by_kind = {kind: [n for n in nodes.values() if n["body"].kind == kind] for kind in BodyKind.values}
    return {"roots": roots, "by_kind": by_kind, "bodies": bodies}


def bodies_of_person(person):
    return Body.objects.filter(seats__person=person).distinct()
