"""Appeal services — creating appeals (staff, public portal, Open311), revealing personal data, public
follow-up and rating. Moving an appeal through its workflow is items.services.perform() with the rows in
appeals.workflow; this module never changes a state by itself.

Refusals go through core.services.deny() inside @service: the DENIED audit row survives the rollback.
Versions: staff act on the version they saw (perform()/update_object require it). `TRUSTED` is used only
where no user saw a version: a service acting on the appeal it has just created (appeal_create's 派单,
public_submit's intake note and 派单), and the citizen's rating on the public portal (public_rate: the citizen
proves who they are with the tracking number and code, not with a version; the row is locked first).
"""
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scope import can, has_model_permission
from audit.models import AuditAction
from audit.services import audit_record
from core.errors import NotFound, ValidationError
from core.services import TRUSTED, create_object, deny, service, update_object
from core.validators import normalize_id_number, normalize_phone
from enterprises.services import visit_count_appeal
from items.attachments import check_upload, save_attachment
from items.models import ItemKind, ItemState
from items.services import item_create, may_create, perform
from org.models import Body
from org.selectors import mechanism_current

from . import sla
from .models import Appeal, AppealCategory, Channel, Open311ApiKey, RoutingRule
from .privacy import may_see_requester

TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read over the phone


# --------------------------------------------------------------------------- configuration lookups

def _setting(name, default=None):
    return getattr(settings, f"TAIZHANG_APPEALS_{name}", default)


def dispatch_body(channel=None):
    """The body that dispatches appeals (its members are the 派单中心): enterprise appeals belong to the
    扫楼扫街 task force, the others to the body named by TAIZHANG_APPEALS_DISPATCH_BODY."""
    mechanism = mechanism_current()
    if mechanism is None:
        return None
    name = _setting("ENTERPRISE_BODY") if channel == Channel.ENTERPRISE else _setting("DISPATCH_BODY")
    return Body.objects.filter(mechanism=mechanism, short_name=name).first() if name else None


def intake_user():
    """The account public submissions (portal, Open311) act as: the 派单中心's intake login."""
    username = _setting("INTAKE_USERNAME")
    user = User.objects.filter(username=username, is_active=True).first() if username else None
    if user is None:
        raise ValidationError(_("诉求受理账号未配置，暂不能受理网上诉求，请拨打12345热线。"))
    return user


def suggest_lead_unit(category, area):
    """The lead unit of the most specific routing rule: the category or its nearest ancestor, × the area or
    its nearest ancestor (a rule without an area applies to the whole district)."""
    categories = []
    node = category
    while node is not None:
        categories.append(node)
        node = node.parent
    areas = []
    node = area
    while node is not None:
        areas.append(node)
        node = node.parent
    rules = {(r.category_id, r.area_id): r for r in
             RoutingRule.objects.filter(category__in=categories).select_related("lead_unit")}
    for cat in categories:
        for a in [*areas, None]:
            rule = rules.get((cat.pk, a.pk if a else None))
            if rule is not None:
                return rule.lead_unit
    return None


def render_template(appeal, *, unit=None, at=None):
    node = appeal.category
    template = ""
    while node is not None and not template:
        template, node = node.reply_template, node.parent
    if not template:
        return ""
    at = at or timezone.now()
    values = {"number": appeal.number, "title": appeal.title, "unit": str(unit or appeal.lead_unit or ""),
              "date": sla.local_date(at).isoformat()}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template


# --------------------------------------------------------------------------- creating

APPEAL_FIELDS = ("channel", "category", "requester_name", "requester_phone", "requester_id_number",
                 "requester_address", "location", "lng", "lat", "enterprise", "visit", "level", "complained_unit",
                 "is_urgent", "source_number")


def _clean_requester(extra):
    if extra.get("requester_phone"):
        extra["requester_phone"] = normalize_phone(extra["requester_phone"])
    if extra.get("requester_id_number"):
        extra["requester_id_number"] = normalize_id_number(extra["requester_id_number"])
    for name in ("lng", "lat"):
        if extra.get(name) in ("",):
            extra[name] = None
    return extra


def _check_category(category):
    if category is None:
        raise ValidationError({"category": _("请选择诉求类别。")})
    if not category.is_active:
        raise ValidationError({"category": _("该诉求类别已停用。")})
    sla.sla_of(category)  # refuses a category without an SLA


@service
def appeal_create(*, actor, title, description="", category, channel, lead_unit=None, area=None,
                  owning_body=None, dispatch=False, at=None, due_date=None, **fields):
    """Register an appeal (a draft, or dispatched at once with dispatch=True). The lead unit defaults to
    the routing rule's suggestion; the owning body to the dispatching centre's body. Refused (403, audited)
    for a user who may not create an item for that body or unit."""
    _check_category(category)
    extra = _clean_requester({k: v for k, v in fields.items() if k in APPEAL_FIELDS})
    unknown = set(fields) - set(APPEAL_FIELDS)
    if unknown:
        raise ValidationError(_("未知字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    extra.update(category=category, channel=channel)
    if lead_unit is None:
        lead_unit = suggest_lead_unit(category, area)
    if owning_body is None:
        # the channel's dispatching body, when the actor sits in it; otherwise the actor (its creator) dispatches
        body = dispatch_body(channel)
        owning_body = body if body is not None and may_create(actor, owning_body=body) else None
    if not title or not str(title).strip():
        raise ValidationError({"title": _("请填写诉求标题。")})
    if not may_create(actor, owning_body=owning_body, lead_unit=lead_unit):
        deny(actor, "appeal_create", _("您无权为该责任单位登记诉求工单。"), object_type="appeals.appeal",
             object_repr=str(title)[:200])
    appeal = item_create(actor=actor, kind=ItemKind.APPEAL, title=str(title).strip()[:200], description=description,
                         lead_unit=lead_unit, owning_body=owning_body, area=area, due_date=due_date, at=at,
                         model=Appeal, extra=extra)
    if extra.get("visit") is not None:
        visit_count_appeal(visit=extra["visit"])
    if dispatch:
        perform(appeal, "assign", actor, TRUSTED, at=at)  # the appeal this call has just created
        appeal.refresh_from_db()
    return appeal


def _new_tracking_number():
    for _attempt in range(20):
        number = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(10))
        if not Appeal.objects.filter(tracking_number=number).exists():
            return number
    raise RuntimeError("could not draw a free tracking number")


@service
def public_submit(*, category, description, area=None, location="", lng=None, lat=None, name="", phone="", photos=(),
                  channel=Channel.PORTAL, title=""):
    """A citizen's appeal from the portal (or Open311): registered by the intake account, dispatched to the
    suggested unit when routing knows one. Returns (appeal, verification_code) — the code is shown once and
    stored only as a hash."""
    actor = intake_user()
    if category is None or not category.is_public:
        raise ValidationError({"category": _("请选择诉求类别。")})
    description = (description or "").strip()
    if len(description) < 5:
        raise ValidationError({"description": _("请描述您的诉求（至少5个字）。")})
    checked = [check_upload(f) for f in photos]
    title = (title or description.splitlines()[0])[:40]
    appeal = appeal_create(actor=actor, title=title, description=description, category=category, channel=channel,
                           area=area, location=location[:200], lng=lng, lat=lat, requester_name=name[:50],
                           requester_phone=phone, dispatch=False)
    code = f"{secrets.randbelow(10**6):06d}"
    Appeal.objects.filter(pk=appeal.pk).update(tracking_number=_new_tracking_number(),
                                               verification_hash=make_password(code),
                                               public_token=secrets.token_hex(16))
    appeal.refresh_from_db()
    # The citizen saw no version: the service acts on the appeal it has just created (TRUSTED).
    row = perform(appeal, "comment", actor, TRUSTED, note=_("群众通过%(c)s提交诉求。") % {"c": Channel(channel).label})
    for c in checked:
        save_attachment(item=appeal, action=row, checked=c, actor=actor)
    appeal.refresh_from_db()
    if appeal.lead_unit_id:
        perform(appeal, "assign", actor, TRUSTED)
        appeal.refresh_from_db()
    return appeal, code


def public_lookup(tracking_number, code):
    """The appeal for (tracking number, code), or NotFound — the same answer for a wrong number and a wrong
    code, so numbers cannot be probed."""
    number = (tracking_number or "").strip().upper()
    appeal = Appeal.objects.filter(tracking_number=number).first() if number else None
    # Hash even when the number is unknown, so both failures take the same time.
    ok = check_password((code or "").strip(), appeal.verification_hash if appeal else make_password(None))
    if appeal is None or not ok:
        raise NotFound(_("未找到该诉求：请核对查询编号和查询码。"))
    return appeal


@service
def public_rate(*, tracking_number, code, satisfaction, reason="", note=""):
    """The citizen's rating from the portal. The citizen proves who they are with the tracking number and
    code and sees no version: the row is locked and the rating applied to its current version (TRUSTED)."""
    appeal = public_lookup(tracking_number, code)
    appeal = Appeal.objects.select_for_update(of=("self",)).get(pk=appeal.pk)
    if appeal.state != ItemState.CLOSED:
        raise ValidationError(_("诉求办结后才能评价。"))
    if appeal.rated_at is not None and appeal.closed_at is not None and appeal.rated_at >= appeal.closed_at:
        raise ValidationError(_("您已评价过该诉求。"))
    actor = intake_user()
    return perform(appeal, "rate", actor, TRUSTED, note=note[:500] or _("诉求人网上评价"),
                   data={"satisfaction": satisfaction, "dissatisfaction_reason": reason})


# --------------------------------------------------------------------------- personal data

REVEALABLE = ("requester_name", "requester_phone", "requester_id_number", "requester_address")


@service
def reveal_personal(*, actor, appeal, field):
    """Show one personal value to a user allowed to see it, and record that in the audit log (a refusal is
    recorded too, as a denied "reveal")."""
    if field not in REVEALABLE:
        raise ValidationError({"field": _("无效的字段。")})
    if not can(actor, appeal):
        deny(actor, f"reveal {field}", error=NotFound(), obj=appeal, audit_action=AuditAction.REVEAL)
    if not may_see_requester(actor, appeal):
        deny(actor, f"reveal {field}", _("您无权查看诉求人信息。"), obj=appeal, audit_action=AuditAction.REVEAL)
    audit_record(action=AuditAction.REVEAL, actor=actor, obj=appeal, message=field)
    return getattr(appeal, field)


# --------------------------------------------------------------------------- Open311 keys

def api_key_digest(key):
    return hashlib.sha256((key or "").encode()).hexdigest()


@transaction.atomic
def api_key_create(*, actor, name):
    key = secrets.token_urlsafe(24)
    obj = Open311ApiKey.objects.create(name=name, key_hash=api_key_digest(key))
    audit_record(action=AuditAction.CREATE, actor=actor, obj=obj, message="open311 api key")
    return obj, key


def api_key_valid(key):
    configured = _setting("OPEN311_API_KEYS", ()) or ()
    if key and key in configured:
        return True
    return bool(key) and Open311ApiKey.objects.filter(key_hash=api_key_digest(key), is_active=True).exists()


__all__ = ["appeal_create", "public_submit", "public_lookup", "public_rate", "reveal_personal",
           "suggest_lead_unit", "render_template", "api_key_create", "api_key_valid", "AppealCategory"]


# --------------------------------------------------------------------------- reference data

CATEGORY_FIELDS = ("name", "code", "parent", "description", "sign_days", "finish_days", "clock_start",
                   "pause_states", "reply_template", "is_public", "is_active", "sort_order")


@service
def category_save(*, actor, category=None, data, expected_version=None):
    """Create or change an appeal category (its SLA). A public category must have a finish time limit
    (its own or inherited), or citizens could submit appeals that no SLA covers. A change needs the version
    the user saw (missing → 428, core.services.require_version)."""
    action = "add" if category is None else "change"
    if not has_model_permission(actor, AppealCategory, action):
        deny(actor, f"category_{action}", _("您无权维护诉求类别。"), obj=category,
             object_type="appeals.appealcategory")
    data = {k: v for k, v in data.items() if k in CATEGORY_FIELDS}
    pauses = [s.strip() for s in str(data.get("pause_states") or "").split(",") if s.strip()]
    bad = [s for s in pauses if s not in ItemState.values]
    if bad:
        raise ValidationError({"pause_states": _("未知的状态编码：%(s)s（可用：%(ok)s）")
                               % {"s": "、".join(bad), "ok": ", ".join(ItemState.values)}})
    if "pause_states" in data:
        data["pause_states"] = ",".join(pauses)
    probe = AppealCategory(**{**({f: getattr(category, f) for f in CATEGORY_FIELDS} if category else {}), **data})
    if probe.parent is not None and category is not None:
        node = probe.parent
        while node is not None:
            if node.pk == category.pk:
                raise ValidationError({"parent": _("上级类别不能是它自己或它的下级。")})
            node = node.parent
    if probe.is_public and probe.effective("finish_days") is None:
        raise ValidationError({"finish_days": _("对公众开放的类别必须设置办结时限（或继承上级类别的时限）。")})
    if category is None:
        return create_object(probe, actor=actor)
    return update_object(category, actor=actor, changes=data, expected_version=expected_version)


@service
def routing_rule_save(*, actor, rule=None, data):
    """Create or change a routing rule (not versioned: the last save wins, as for any unversioned row)."""
    action = "add" if rule is None else "change"
    if not has_model_permission(actor, RoutingRule, action):
        deny(actor, f"routing_rule_{action}", _("您无权维护派单规则。"), obj=rule, object_type="appeals.routingrule")
    data = {k: v for k, v in data.items() if k in ("category", "area", "lead_unit")}
    exists = RoutingRule.objects.filter(category=data.get("category"), area=data.get("area"))
    if rule is not None:
        exists = exists.exclude(pk=rule.pk)
    if exists.exists():
        raise ValidationError(_("该类别在该属地已有派单规则。"))
    if rule is None:
        return create_object(RoutingRule(**data), actor=actor)
    return update_object(rule, actor=actor, changes=data, expected_version=TRUSTED)
