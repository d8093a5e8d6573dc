"""The project part of the traffic light: 序时进度 — is the completed share of the annual plan keeping up
with the elapsed share of the year?

    elapsed share   = m / 12, m = the month of the latest report of the year, but at least the last
                      completed month (a missing report counts the stale figure against the time passed)
    completed share = latest cumulative completed investment of the year ÷ annual plan
    behind          = elapsed share − completed share
    red    when behind ≥ TAIZHANG_PROJECT_LIGHTS["red_behind"]
    yellow when behind ≥ TAIZHANG_PROJECT_LIGHTS["yellow_behind"]

items.lights.compute_light applies the shared rules first (overdue, due soon, missed 旬 report) and takes
this rule's light when it is worse. A project without an annual plan for the year gets nothing from here.
"""
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from items.models import Light


def thresholds():
    conf = getattr(settings, "TAIZHANG_PROJECT_LIGHTS", {})
    return Decimal(str(conf.get("yellow_behind", 0.05))), Decimal(str(conf.get("red_behind", 0.20)))


def elapsed_months(today, report_month):
    """Months of the year counted as elapsed on `today` given the latest reported month (or None)."""
    return max(report_month or 0, today.month - 1)


def judge(plan, done, months):
    """(light, reason) for a plan, a completed figure and the elapsed months; None when no judgement."""
    if not plan or plan <= 0 or months <= 0:
        return None
    yellow, red = thresholds()
    elapsed = Decimal(months) / Decimal(12)
    completed = (done or Decimal(0)) / plan
    behind = elapsed - completed
    if behind < yellow:
        return None
    light = Light.RED if behind >= red else Light.YELLOW
    reason = _("投资进度滞后于序时进度：完成%(done).1f%%，序时%(elapsed).1f%%") % {
        "done": completed * 100, "elapsed": elapsed * 100}
    return light, reason


def investment_behind(item, today):
    """KindSpec.light_rule for projects (see the module docstring)."""
    from .models import AnnualPlan, InvestmentReport

    plan = AnnualPlan.objects.filter(project_id=item.pk, year=today.year).values_list("planned_amount", flat=True).first()
    if plan is None:
        return None
    latest = (InvestmentReport.objects.filter(project_id=item.pk, year=today.year)
              .order_by("-month").values_list("month", "cumulative_amount").first())
    month, done = latest if latest else (None, Decimal(0))
    return judge(plan, done, elapsed_months(today, month))


def _bulk(items, today):
    """Set-based form for items.lights.recompute_all: one query for plans, one for the latest reports."""
    from .models import AnnualPlan, InvestmentReport

    ids = list(items.values_list("pk", flat=True))
    for i in range(0, len(ids), 5000):
        chunk = ids[i:i + 5000]
        plans = dict(AnnualPlan.objects.filter(project_id__in=chunk, year=today.year)
                     .values_list("project_id", "planned_amount"))
        latest = {}
        for pid, month, amount in (InvestmentReport.objects.filter(project_id__in=plans, year=today.year)
                                   .order_by("project_id", "month").values_list("project_id", "month",
                                                                                "cumulative_amount")):
            latest[pid] = (month, amount)
        for pid, plan in plans.items():
            month, done = latest.get(pid, (None, Decimal(0)))
            result = judge(plan, done, elapsed_months(today, month))
            if result:
                yield pid, result[0], result[1]


investment_behind.bulk = _bulk
