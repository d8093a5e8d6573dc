"""Figures of the appeals ledger — every number computed from rows, every number linking to its rows.

    按期办结率 (on-time rate)   = closed on time ÷ (closed + open and overdue)
        closed on time: closed on or before its deadline (the extended one, if an extension was approved);
        open and overdue: not closed and its deadline has passed. Counting these keeps a unit that leaves
        late work open from reading 100%.
    解决率 (resolution rate)    = closed with outcome 解决 ÷ closed
    解释说明率 (explained rate)  = closed with outcome 解释说明 ÷ closed
    满意率 (satisfaction rate)   = (满意 + 基本满意) ÷ rated
    平均办结用时                 = mean working days from dispatch (else creation) to closing, per category / unit

`figure_q(name, today)` is the one definition of each set of rows: the figures count it and the ledger's
`figure=` filter lists it, so a number and its rows cannot disagree.
"""
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accounts.scope import visible_to
from items.calendar import workdays_between
from items.models import DONE_STATES, OPEN_STATES, ItemState

from .models import Appeal, Channel, Level, Outcome, Satisfaction

FIGURES = {
    "closed": _("已办结"),
    "closed_on_time": _("按期办结"),
    "closed_late": _("超期办结"),
    "open_overdue": _("未办结且已超期"),
    "on_time_base": _("应按期办结（已办结 + 未办结超期）"),
    "open": _("办理中"),
    "sign_overdue": _("超时未签收"),
    "solved": _("已解决"),
    "explained": _("解释说明"),
    "rejected": _("不予受理"),
    "rated": _("已评价"),
    "satisfied": _("满意或基本满意"),
    "dissatisfied": _("不满意"),
    "district_solved": _("区级事项已解决"),
    "city_explained": _("市级事项已解释说明"),
}


def with_days(qs):
    return qs.annotate(closed_day=TruncDate("closed_at"))


def figure_q(name, today=None):
    """The Q of a named set of appeals (needs the `closed_day` annotation from with_days)."""
    today = today or timezone.localdate()
    closed = Q(state__in=DONE_STATES)
    overdue = Q(state__in=OPEN_STATES, due_date__lt=today)
    on_time = closed & (Q(due_date__isnull=True) | Q(closed_day__lte=F("due_date")))
    return {
        "closed": closed,
        "closed_on_time": on_time,
        "closed_late": closed & Q(closed_day__gt=F("due_date")),
        "open_overdue": overdue,
        "on_time_base": closed | overdue,
        "open": Q(state__in=OPEN_STATES),
        "sign_overdue": Q(state=ItemState.ASSIGNED, sign_due_date__lt=today),
        "solved": closed & Q(outcome=Outcome.SOLVED),
        "explained": closed & Q(outcome=Outcome.EXPLAINED),
        "rejected": closed & Q(outcome=Outcome.REJECTED),
        "rated": ~Q(satisfaction=""),
        "satisfied": Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASICALLY]),
        "dissatisfied": Q(satisfaction=Satisfaction.DISSATISFIED),
        "district_solved": closed & Q(level=Level.DISTRICT, outcome=Outcome.SOLVED),
        "city_explained": closed & Q(level=Level.CITY, outcome=Outcome.EXPLAINED),
    }[name]


def appeals_visible(user):
    return visible_to(user, Appeal.objects.all())


def _link(params, figure=None):
    query = {k: v for k, v in params.items() if v not in (None, "")}
    if figure:
        query["figure"] = figure
    return reverse("appeals:appeal_list") + ("?" + urlencode(query) if query else "")


@dataclass
class Rate:
    label: str
    numerator: int
    denominator: int
    formula: str
    num_link: str
    den_link: str
    extra: list = field(default_factory=list)  # [(label, count, link)] terms of the denominator

    @property
    def percent(self):
        return round(self.numerator * 100 / self.denominator, 1) if self.denominator else None

    @property
    def display(self):
        return "—" if self.percent is None else f"{self.percent:g}%"


def counts(qs, today=None):
    """All the named counts of `qs` in one query."""
    today = today or timezone.localdate()
    qs = with_days(qs)
    return qs.aggregate(total=Count("pk"), **{name: Count("pk", filter=figure_q(name, today)) for name in FIGURES})


def figures(qs, *, params=None, today=None):
    """The headline counts and rates of `qs` (already scoped and filtered); params → link query string."""
    params = dict(params or {})
    c = counts(qs, today)
    link = lambda name=None: _link(params, name)  # noqa: E731
    rates = {
        "on_time": Rate(str(_("按期办结率")), c["closed_on_time"], c["closed"] + c["open_overdue"],
                        str(_("按期办结率 = 按期办结数 ÷ (已办结数 + 未办结超期数)")),
                        link("closed_on_time"), link("on_time_base"),
                        extra=[(str(_("已办结")), c["closed"], link("closed")),
                               (str(_("未办结超期")), c["open_overdue"], link("open_overdue"))]),
        "resolution": Rate(str(_("解决率")), c["solved"], c["closed"], str(_("解决率 = 结果为“解决”的办结数 ÷ 已办结数")),
                           link("solved"), link("closed")),
        "explained": Rate(str(_("解释说明率")), c["explained"], c["closed"],
                          str(_("解释说明率 = 结果为“解释说明”的办结数 ÷ 已办结数")), link("explained"), link("closed")),
        "satisfaction": Rate(str(_("满意率")), c["satisfied"], c["rated"],
                             str(_("满意率 = (满意 + 基本满意) ÷ 已评价数")), link("satisfied"), link("rated")),
    }
    return {"counts": c, "rates": rates, "links": {name: link(name) for name in FIGURES} | {"total": link()}}


def on_time_by_unit(qs, *, params=None, today=None):
    """Per lead unit: total, closed, closed on time, open overdue and the on-time rate, worst first."""
    today = today or timezone.localdate()
    params = dict(params or {})
    rows = (with_days(qs).values("lead_unit", "lead_unit__name")
            .annotate(total=Count("pk"), closed=Count("pk", filter=figure_q("closed", today)),
                      on_time=Count("pk", filter=figure_q("closed_on_time", today)),
                      overdue=Count("pk", filter=figure_q("open_overdue", today)))
            .order_by("lead_unit__name"))
    result = []
    for r in rows:
        p = {**params, "lead_unit": r["lead_unit"] or ""}
        rate = Rate(r["lead_unit__name"] or str(_("（未指定）")), r["on_time"], r["closed"] + r["overdue"], "",
                    _link(p, "closed_on_time"), _link(p, "on_time_base"))
        result.append({"unit": rate.label, "total": r["total"], "closed": r["closed"], "on_time": r["on_time"],
                       "overdue": r["overdue"], "rate": rate, "link": _link(p),
                       "overdue_link": _link(p, "open_overdue")})
    result.sort(key=lambda x: (x["rate"].percent if x["rate"].percent is not None else 101, x["unit"]))
    return result


def volume_by(qs, field_name, labels=None, *, params=None, param=None):
    """Counts per value of `field_name` ("channel", "category__name" …), biggest first, with links."""
    params = dict(params or {})
    param = param or field_name
    rows = qs.values(field_name).annotate(n=Count("pk")).order_by("-n", field_name)
    out = []
    for r in rows:
        value = r[field_name]
        label = (labels or {}).get(value, value) if labels else value
        out.append({"label": str(label or "—"), "count": r["n"], "link": _link({**params, param: value or ""})})
    return out


def average_close_days(qs, key):
    """Mean working days from dispatch (else creation) to closing, grouped by `key` ("category__name",
    "lead_unit__name"); computed from the rows (working days need the calendar, not SQL)."""
    sums, ns = defaultdict(int), defaultdict(int)
    for label, start, created, closed in qs.filter(closed_at__isnull=False).values_list(
            key, "assigned_at", "created_at", "closed_at"):
        begin = start or created
        days = workdays_between(timezone.localtime(begin).date(), timezone.localtime(closed).date())
        sums[label] += max(days, 0)
        ns[label] += 1
    return sorted(({"label": label or "—", "count": ns[label], "days": round(sums[label] / ns[label], 1)}
                   for label in ns), key=lambda r: -r["days"])


def overdue_list(qs, today=None, limit=20):
    today = today or timezone.localdate()
    return (qs.filter(state__in=OPEN_STATES, due_date__lt=today).select_related("lead_unit", "category")
            .order_by("due_date")[:limit])


def channel_labels():
    return dict(Channel.choices)


def enterprise_summary(qs, params=None, today=None):
    """企业诉求: collected / district-level solved / city-level explained (the seed's 130 / 125 / 5)."""
    params = {**(params or {}), "channel": Channel.ENTERPRISE}
    c = counts(qs.filter(channel=Channel.ENTERPRISE), today)
    return {"total": c["total"], "district_solved": c["district_solved"], "city_explained": c["city_explained"],
            "links": {"total": _link(params), "district_solved": _link(params, "district_solved"),
                      "city_explained": _link(params, "city_explained")}}


__all__ = ["figures", "figure_q", "on_time_by_unit", "volume_by", "average_close_days", "overdue_list",
           "enterprise_summary", "FIGURES", "ItemState"]
