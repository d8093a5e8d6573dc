"""Reads of the enterprise database: lists and the 扫楼扫街 coverage (who has not been visited this year)."""
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.http import urlencode

from accounts.scope import visible_to
from org.models import Area

from .models import Enterprise, Visit


def enterprises_visited_in(qs, year):
    """Annotate `visited` = has a visit in `year`."""
    return qs.annotate(visited=Exists(Visit.objects.filter(enterprise=OuterRef("pk"), date__year=year)))


def enterprise_list(*, user, area=None, year=None, visited=None):
    qs = visible_to(user, Enterprise.objects.select_related("area", "unit"))
    if area is not None:
        qs = qs.filter(area__path__startswith=area.path)
    if visited is not None and year:
        qs = enterprises_visited_in(qs, year).filter(visited=visited)
    return qs


@dataclass
class CoverageRow:
    label: str
    total: int
    visited: int
    link_all: str
    link_unvisited: str
    drill: str = ""  # link to the coverage of this area's children/buildings

    @property
    def unvisited(self):
        return self.total - self.visited

    @property
    def percent(self):
        return round(self.visited * 100 / self.total, 1) if self.total else 0.0


def _list_link(**params):
    return reverse("enterprises:enterprise_list") + "?" + urlencode({k: v for k, v in params.items() if v != ""})


def coverage(*, user, year, area=None):
    """扫楼扫街 progress: per child area of `area` (the district's towns by default), then per building
    inside `area`, how many enterprises there are and how many were visited in `year`; each number links
    to the enterprise list filtered to those rows (unvisited ones: `visited=no`)."""
    base = visible_to(user, Enterprise.objects.all())
    counts = {"total": Count("pk", distinct=True),
              "visited": Count("pk", filter=Q(visits__date__year=year), distinct=True)}
    if area is None:
        children = list(Area.objects.filter(depth=1).order_by("sort_order", "path"))
        if not children:
            children = list(Area.objects.filter(parent__isnull=True))
    else:
        children = list(area.children.order_by("sort_order", "path"))
    rows = []
    for child in children:
        sub = base.filter(area__path__startswith=child.path)
        agg = sub.aggregate(**counts)
        rows.append(CoverageRow(
            label=child.name, total=agg["total"], visited=agg["visited"],
            link_all=_list_link(area=child.pk, year=year),
            link_unvisited=_list_link(area=child.pk, year=year, visited="no"),
            drill=reverse("enterprises:coverage") + "?" + urlencode({"area": child.pk, "year": year}),
        ))
    buildings = []
    if area is not None:
        inside = base.filter(area__path__startswith=area.path)
        for b in inside.values("building").annotate(**counts).order_by("building"):
            buildings.append(CoverageRow(
                label=b["building"] or "", total=b["total"], visited=b["visited"],
                link_all=_list_link(area=area.pk, year=year, building=b["building"] or "-"),
                link_unvisited=_list_link(area=area.pk, year=year, building=b["building"] or "-", visited="no"),
            ))
    scope = base if area is None else base.filter(area__path__startswith=area.path)
    agg = scope.aggregate(**counts)
    total = CoverageRow(label="", total=agg["total"], visited=agg["visited"],
                        link_all=_list_link(area=area.pk if area else "", year=year),
                        link_unvisited=_list_link(area=area.pk if area else "", year=year, visited="no"))
    return {"rows": rows, "buildings": buildings, "total": total}
