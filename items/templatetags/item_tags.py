"""The item badges — one rendering each, used by every page, table and include.

    {% load item_tags %}
    {% light_badge item %}          红/黄/绿灯 with the reason as tooltip (and, with show_reason, as text)
    {% state_badge item %}          办理状态
    {% state_badge "in_progress" %} a bare state value (timeline from → to)
    {% supervision_badge item %}    督办级别 (nothing for 一般 unless always=True)

Python callers (items.tables) use the same functions: light_badge_html, state_badge_html, supervision_badge_html.
"""
from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from items.models import ItemState, Light, SupervisionLevel

register = template.Library()

LIGHT_ICONS = {"red": "exclamation-octagon-fill", "yellow": "exclamation-triangle-fill",
               "green": "check-circle-fill", "none": "dash-circle"}


def _value(obj, field):
    if obj is None:
        return ""
    if isinstance(obj, str):
        return obj
    return getattr(obj, field, "") or ""


def _label(enum, value):
    try:
        return enum(value).label
    except ValueError:
        return value or "—"


def light_badge_html(light, reason="", *, show_reason=False):
    light = light or Light.NONE
    color = Light.color(light)
    text_class = " text-dark" if light == Light.YELLOW else ""
    reason_html = format_html(' <span class="small text-body-secondary" data-testid="light-reason">{}</span>',
                              reason) if show_reason and reason else ""
    return format_html(
        '<span class="badge text-bg-{}{} tz-light" title="{}" data-light="{}" data-testid="light-badge">'
        '<i class="bi bi-{}" aria-hidden="true"></i> {}</span>{}',
        color, text_class, reason or "", light, LIGHT_ICONS.get(light, "dot"), _label(Light, light), reason_html)


def state_badge_html(state):
    if not state:
        return format_html('<span class="text-body-secondary">—</span>')
    return format_html('<span class="badge text-bg-{} tz-state" data-state="{}" data-testid="state-badge">{}</span>',
                       ItemState.color(state), state, _label(ItemState, state))


def supervision_badge_html(level, *, always=False):
    if not level or (level == SupervisionLevel.NORMAL and not always):
        return ""
    icon = format_html('<i class="bi bi-flag-fill" aria-hidden="true"></i> ') if level == SupervisionLevel.LISTED else ""
    return format_html('<span class="badge text-bg-{} tz-supervision" data-level="{}" data-testid="supervision-badge">{}{}</span>',
                       SupervisionLevel.color(level), level, icon, _label(SupervisionLevel, level))


@register.simple_tag
def light_badge(item, show_reason=False):
    reason = "" if isinstance(item, str) else getattr(item, "light_reason", "")
    return light_badge_html(_value(item, "light"), reason, show_reason=show_reason)


@register.simple_tag
def state_badge(item):
    return state_badge_html(_value(item, "state"))


@register.simple_tag
def supervision_badge(item, always=False):
    return supervision_badge_html(_value(item, "supervision_level"), always=always)


@register.filter
def state_label(value):
    return _label(ItemState, value)


@register.simple_tag
def action_label(kind, action):
    """The Chinese name of a workflow action (交办, 签收 …) as the transition table spells it."""
    from items.workflow import action_label as label

    return label(kind, action)


@register.filter
def kind_label(code):
    """The ledger's name of a kind code (a defined ledger's own name for its entries)."""
    from items.filters import kind_label as label

    return label(code)


@register.filter
def reason_label(code):
    from items.workflow import BOUNCE_REASONS

    return dict(BOUNCE_REASONS).get(code, code)


@register.filter
def filesize(size):
    size = size or 0
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


@register.simple_tag
def due_status(item, today):
    """"还剩 N 天" / "已逾期 N 天" beside an open item's due date (calendar days; lights count working days)."""
    if not item.due_date or not getattr(item, "is_open", False):
        return ""
    delta = (item.due_date - today).days
    if delta < 0:
        return format_html('<span class="text-danger small" data-testid="due-status">{}</span>',
                           _("已逾期 %(n)s 天") % {"n": -delta})
    if delta == 0:
        return format_html('<span class="text-warning-emphasis small" data-testid="due-status">{}</span>', _("今天到期"))
    return format_html('<span class="text-body-secondary small" data-testid="due-status">{}</span>',
                       _("还剩 %(n)s 天") % {"n": delta})
