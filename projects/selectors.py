"""Reads of the projects app: the figures offices report (annual plan, completed investment, completion
rate), always computed from the rows the user may see, each with its formula and a link to the rows.

"Completed" of a project for (year, month) is its latest cumulative report of that year with a month ≤
`month` (reports are cumulative for the year, so the latest one is the year's figure so far). A project
without a report counts 0; a project without a plan counts 0 planned.
"""
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import visible_to
from items.models import Light

from .models import (
    STAGE_ORDER,
    AnnualPlan,
    Carrier,
    InvestmentReport,
    Project,
    ProjectLevel,
    ProjectList,
    SignedProject,
    SigningEvent,
    Stage,
)

ZERO = Decimal("0.00")
AMOUNT_FIELD = DecimalField(max_digits=16, decimal_places=2)


def default_period(today=None):
    """(year, month) the figures are shown for by default: the last completed month (Jan → last December)."""
    today = today or timezone.localdate()
    if today.month == 1:
        return today.year - 1, 12
    return today.year, today.month - 1


def projects_visible(user):
    return visible_to(user, Project.objects.all())


def plan_subquery(year):
    # order_by(): the model's ordering would join the project table into every subquery
    return Subquery(AnnualPlan.objects.filter(project_id=OuterRef("pk"), year=year).order_by()
                    .values("planned_amount")[:1], output_field=AMOUNT_FIELD)


def done_subquery(year, month):
    return Subquery(InvestmentReport.objects.filter(project_id=OuterRef("pk"), year=year, month__lte=month)
                    .order_by("-month").values("cumulative_amount")[:1], output_field=AMOUNT_FIELD)


def with_figures(qs, year, month):
    """Annotate `plan_amount` and `done_amount` (万元, 0 when missing) for (year, month)."""
    return qs.annotate(plan_amount=Coalesce(plan_subquery(year), Value(ZERO), output_field=AMOUNT_FIELD),
                       done_amount=Coalesce(done_subquery(year, month), Value(ZERO), output_field=AMOUNT_FIELD))


def money(value):
    """A sum from the database as Decimal with 2 places (SQLite returns SUMs of decimals as floats)."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def rate(done, plan):
    """Completion rate in percent (Decimal, 1 place) or None when there is no plan."""
    if not plan:
        return None
    return (Decimal(done) / Decimal(plan) * 100).quantize(Decimal("0.1"))


def fmt_amount(value):
    return f"{Decimal(value or 0):,.2f}万元"


def fmt_yi(value):
    """万元 → 亿元 text with two decimals: 1341500 → “134.15亿元”."""
    return f"{(Decimal(value or 0) / Decimal(10000)).quantize(Decimal('0.01')):,}亿元"


def formula_text(done, plan):
    r = rate(done, plan)
    if r is None:
        return _("完成率 = 累计完成投资 ÷ 年度计划投资（无年度计划，不计算）")
    return _("完成率 = 累计完成投资 ÷ 年度计划投资 = %(done)s ÷ %(plan)s = %(rate)s%%") % {
        "done": fmt_amount(done), "plan": fmt_amount(plan), "rate": r}


def list_url(**params):
    """The project ledger filtered by `params` (the rows behind a figure)."""
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return reverse("projects:project_list") + ("?" + urlencode(clean) if clean else "")


@dataclass
class Figure:
    """A roll-up row: how many projects, planned and completed investment, and the rate, with its formula."""

    key: object
    label: str
    count: int
    plan: Decimal
    done: Decimal
    url: str
    extra: dict = field(default_factory=dict)

    @property
    def rate(self):
        return rate(self.done, self.plan)

    @property
    def formula(self):
        return formula_text(self.done, self.plan)

    @property
    def done_yi(self):
        return fmt_yi(self.done)

    @property
    def plan_yi(self):
        return fmt_yi(self.plan)


GROUPS = {
    # by: (values() key, the model its labels come from, list filter param)
    "list": ("lists__id", "projects.ProjectList", "list"),
    "level": ("lists__level", None, "level"),
    "body": ("owning_body_id", "org.Body", "owning_body"),
    "unit": ("lead_unit_id", "org.Unit", "lead_unit"),
    "area": ("area_id", "org.Area", "area"),
}


def _labels(model_label, keys):
    from django.apps import apps

    model = apps.get_model(model_label)
    return {obj.pk: (getattr(obj, "short_name", "") or getattr(obj, "name", "") or str(obj))
            for obj in model.objects.filter(pk__in=[k for k in keys if k is not None])}


def rollup(user, *, year, month, by="list", queryset=None):
    """Sums of annual plan and completed investment per list / level / body / unit / area (one grouped query,
    grouped on the key alone — the labels come in a second small query, which keeps the GROUP BY cheap).
    A project on several lists counts once in each of them (so list rows do not add up to the total)."""
    key, label_model, param = GROUPS[by]
    qs = queryset if queryset is not None else projects_visible(user)
    if by in ("list", "level"):
        qs = qs.filter(lists__year=year)
    qs = with_figures(qs.order_by(), year, month)
    rows = list(qs.values(key).annotate(n=Count("pk"), plan=Sum("plan_amount"), done=Sum("done_amount"))
                .order_by(key))
    labels = _labels(label_model, [r[key] for r in rows]) if label_model else dict(ProjectLevel.choices)
    result = []
    for row in rows:
        value = row[key]
        label = labels.get(value, value)
        params = {"year": year, "month": month, param: value if value is not None else ("null" if by in ("unit", "body") else "")}
        if by in ("list", "level"):
            params["list_year"] = year
        if value is None:
            label = _("（未指定）")
        result.append(Figure(key=value, label=str(label or ""), count=row["n"], plan=money(row["plan"]),
                             done=money(row["done"]), url=list_url(**params)))
    return result


def total(user, *, year, month, queryset=None, **filters):
    """One figure over the visible projects matching `filters` (e.g. lists__level="provincial")."""
    qs = queryset if queryset is not None else projects_visible(user)
    if filters:
        qs = qs.filter(**filters).distinct()
    ids = qs.values("pk")
    base = with_figures(Project.objects.filter(pk__in=ids).order_by(), year, month)
    agg = base.aggregate(n=Count("pk"), plan=Sum("plan_amount"), done=Sum("done_amount"))
    return Figure(key=None, label="", count=agg["n"] or 0, plan=money(agg["plan"]), done=money(agg["done"]),
                  url=list_url(year=year, month=month))


def level_figure(user, *, year, month, level):
    """The figure of one list level of `year` (e.g. 省大中型: 20 projects, 134.15亿元, 106.3%)."""
    fig = total(user, year=year, month=month, lists__level=level, lists__year=year)
    fig.key, fig.label = level, str(ProjectLevel(level).label)
    fig.url = list_url(level=level, list_year=year, year=year, month=month)
    return fig


def monthly_progress(user, *, year, queryset=None):
    """Month by month (1..12): the visible projects' summed cumulative completed investment, its share of
    the summed annual plan, and the elapsed share of the year (序时进度 = m/12)."""
    qs = queryset if queryset is not None else projects_visible(user)
    qs = qs.filter(plans__year=year)
    ids = qs.values("pk")
    plan = AnnualPlan.objects.filter(project_id__in=ids, year=year).aggregate(s=Sum("planned_amount"))["s"]
    plan = money(plan)
    by_project = {}
    last_month = 0
    for pid, month, amount in (InvestmentReport.objects.filter(project_id__in=ids, year=year)
                               .order_by("project_id", "month").values_list("project_id", "month",
                                                                            "cumulative_amount")):
        by_project.setdefault(pid, {})[month] = amount
        last_month = max(last_month, month)
    months = []
    for m in range(1, 13):
        done = ZERO
        for series in by_project.values():
            latest = max((k for k in series if k <= m), default=None)
            if latest is not None:
                done += series[latest]
        months.append({
            "month": m, "done": done if m <= last_month else None,
            "share": rate(done, plan) if m <= last_month else None,
            "elapsed": (Decimal(m) / 12 * 100).quantize(Decimal("0.1")),
        })
    return {"plan": plan, "months": months}


def project_series(project, year):
    """A project's monthly cumulative completed investment in `year` against its plan (for the chart)."""
    plan = AnnualPlan.objects.filter(project=project, year=year).values_list("planned_amount", flat=True).first()
    reports = {r.month: r for r in InvestmentReport.objects.filter(project=project, year=year)}
    rows = []
    for m in range(1, 13):
        r = reports.get(m)
        rows.append({"month": m, "done": r.cumulative_amount if r else None, "is_correction": bool(r and r.is_correction),
                     "schedule": (plan * m / 12).quantize(Decimal("0.01")) if plan else None})
    return {"plan": plan, "rows": rows, "reports": [reports[m] for m in sorted(reports)]}


def lights_by_unit(user, queryset=None):
    """Per responsible unit: how many visible projects are red / yellow / green (with links)."""
    qs = queryset if queryset is not None else projects_visible(user)
    rows = (qs.order_by().values("lead_unit_id", "lead_unit__short_name")
            .annotate(n=Count("pk"), red=Count("pk", filter=Q(light=Light.RED)),
                      yellow=Count("pk", filter=Q(light=Light.YELLOW)),
                      green=Count("pk", filter=Q(light=Light.GREEN)))
            .order_by("-red", "-yellow", "lead_unit__short_name"))
    result = []
    for row in rows:
        uid = row["lead_unit_id"]
        result.append({**row, "label": row["lead_unit__short_name"] or _("（未指定）"),
                       "url": list_url(lead_unit=uid or ""),
                       "red_url": list_url(lead_unit=uid or "", light=Light.RED),
                       "yellow_url": list_url(lead_unit=uid or "", light=Light.YELLOW),
                       "green_url": list_url(lead_unit=uid or "", light=Light.GREEN)})
    return result


FUNNEL_STEPS = [
    (Stage.SIGNED, _("签约")),
    (Stage.REGISTERED, _("注册")),
    (Stage.STARTED, _("开工")),
    (Stage.COMPLETED, _("投产")),
]


def signing_funnel(user, *, year=None, event=None):
    """引进一个、落地一个、见效一个: of the visible projects signed at events (of `year`, or at `event`),
    how many have reached registration, start of construction and production (a stage counts when the
    project's current stage is that gate or a later one)."""
    signed = SignedProject.objects.filter(project__in=projects_visible(user).values("pk"))
    if year is not None:
        signed = signed.filter(event__date__year=year)
    if event is not None:
        signed = signed.filter(event=event)
    project_ids = signed.values("project_id")
    projects = Project.objects.filter(pk__in=project_ids)
    amount = money(signed.aggregate(s=Sum("amount"))["s"])
    steps = []
    for stage, label in FUNNEL_STEPS:
        reached = STAGE_ORDER[STAGE_ORDER.index(stage):]
        if stage == Stage.SIGNED:
            n = projects.count()
        else:
            n = projects.filter(current_stage__in=reached).count()
        params = {"signed_year": year or "", "event": event.pk if event else ""}
        if stage != Stage.SIGNED:
            params["stage_reached"] = stage
        else:
            params["signed"] = "1"
        steps.append({"stage": stage, "label": str(label), "count": n, "url": list_url(**params)})
    return {"steps": steps, "amount": amount, "signed": steps[0]["count"]}


def events_with_counts(user, year=None):
    visible = projects_visible(user).values("pk")
    qs = visible_to(user, SigningEvent.objects.all())
    if year:
        qs = qs.filter(date__year=year)
    return qs.annotate(n=Count("signed", filter=Q(signed__project__in=visible)),
                       amount=Coalesce(Sum("signed__amount", filter=Q(signed__project__in=visible)), Value(ZERO),
                                       output_field=AMOUNT_FIELD))


def carriers_visible(user):
    return visible_to(user, Carrier.objects.all())


def carriers_summary(user):
    qs = carriers_visible(user)
    agg = qs.aggregate(usable=Sum("usable_area"), occupied=Sum("occupied_area"), n=Count("pk"))
    agg["usable"], agg["occupied"] = money(agg["usable"]), money(agg["occupied"])
    agg["rate"] = rate(agg["occupied"], agg["usable"])
    return agg


def map_points(user):
    """Carriers (coloured by utilisation) and visible projects (coloured by light) with coordinates."""
    carriers = [{"name": c.name, "value": [float(c.lng), float(c.lat), float(c.utilisation_rate or 0)],
                 "kind": c.get_kind_display(), "theme": c.theme, "url": c.get_absolute_url()}
                for c in carriers_visible(user).filter(lng__isnull=False, lat__isnull=False)]
    projects = [{"name": p.title, "value": [float(p.lng), float(p.lat)], "light": p.light,
                 "url": p.get_absolute_url()}
                for p in projects_visible(user).filter(lng__isnull=False, lat__isnull=False)
                .only("title", "lng", "lat", "light")]
    return {"carriers": carriers, "projects": projects}


def current_lists(year):
    return ProjectList.objects.filter(year=year).order_by("level", "name")
