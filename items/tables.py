"""The columns of the item list: one declaration renders the HTML table and the Excel export (core.tables).

Badge columns render through items.templatetags.item_tags, so the light, the state and the supervision
level look the same in this table as on every other page; the export gets their plain labels.
"""
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import Column

from .filters import kind_label
from .templatetags.item_tags import light_badge_html, state_badge_html, supervision_badge_html


class BadgeColumn(Column):
    """A Column whose HTML is one of the item badges; `raw` (used by the export) stays the plain label."""

    def __init__(self, *args, render=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.render = render

    def html(self, obj, user=None):
        return self.render(obj)


def _due(item):
    return item.due_date


def _due_html(item):
    if not item.due_date:
        return "—"
    if item.original_due_date and item.original_due_date != item.due_date:
        return format_html('{}<br><small class="text-body-secondary" title="{}">{} {}</small>',
                           item.due_date.isoformat(), _("原定期限"), _("原"), item.original_due_date.isoformat())
    return item.due_date.isoformat()


def _supervision_html(item):
    return supervision_badge_html(item.supervision_level) or format_html(
        '<span class="text-body-secondary">{}</span>', item.get_supervision_level_display())


class PercentColumn(Column):
    def html(self, obj, user=None):
        return f"{obj.progress_percent}%"


class DateColumn(Column):
    def html(self, obj, user=None):
        value = self.raw(obj, user)
        return value.isoformat() if value else "—"


class DueColumn(Column):
    def html(self, obj, user=None):
        return _due_html(obj)


# Every column, in the Excel export (one row per item, everything a ledger sheet carries).
ITEM_EXPORT_COLUMNS = [
    Column("number", _("编号"), link=True, orderable="number"),
    Column("title", _("标题"), link=True, orderable="title"),
    BadgeColumn("light", _("红黄绿灯"), accessor=lambda i: i.get_light_display(), orderable="light_rank",
                render=lambda i: light_badge_html(i.light, i.light_reason)),
    Column("light_reason", _("亮灯原因"), export=True, accessor="light_reason"),
    BadgeColumn("state", _("状态"), accessor=lambda i: i.get_state_display(), orderable="state",
                render=lambda i: state_badge_html(i.state)),
    Column("kind", _("类别"), accessor=lambda i: kind_label(i.kind)),
    Column("owning_body", _("所属机构"), accessor=lambda i: i.owning_body.short_name or i.owning_body.name
           if i.owning_body_id else ""),
    Column("lead_unit", _("责任单位"), accessor=lambda i: (i.lead_unit.short_name or i.lead_unit.name)
           if i.lead_unit_id else "", orderable="lead_unit__name"),
    Column("co_units", _("配合单位"), accessor="co_units"),
    Column("area", _("属地"), accessor="area.name"),
    BadgeColumn("supervision_level", _("督办级别"), accessor=lambda i: i.get_supervision_level_display(),
                orderable="supervision_level", render=_supervision_html),
    DueColumn("due_date", _("办理期限"), accessor=_due, orderable="due_date"),
    Column("original_due_date", _("原定期限"), accessor="original_due_date"),
    PercentColumn("progress_percent", _("进度(%)"), orderable="progress_percent"),
    DateColumn("last_report_on", _("最近报送旬"), accessor="last_report_on", orderable="last_report_on"),
]

# The page shows the columns a reader scans; the export has them all. Same Column objects, so a value is
# rendered the same way in both.
PAGE_COLUMN_NAMES = ("number", "title", "light", "state", "owning_body", "lead_unit", "supervision_level",
                     "due_date", "progress_percent", "last_report_on")
ITEM_COLUMNS = [c for c in ITEM_EXPORT_COLUMNS if c.name in PAGE_COLUMN_NAMES]
