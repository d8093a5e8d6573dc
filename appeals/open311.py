"""Open311 GeoReport v2 for appeals, under /open311/v2/ (docs/open311.md says what is supported and how it
deviates from the spec). Public like the portal (`public = True`): no session, no CSRF; POST needs an api_key.

    GET  services.{json,xml}               public categories (service_code = AppealCategory.code)
    GET  services/{code}.{json,xml}        the service definition (attributes)
    POST requests.{json,xml}               submit (api_key, service_code, location required)
    GET  requests.{json,xml}               search: service_request_id (comma list) | service_code, start_date,
                                           end_date (≤ 90 days), status (open/closed), page, page_size (≤ max)
    GET  requests/{id}.{json,xml}          one request
    GET  tokens/{token}.{json,xml}         token → service_request_id

Never output: requester name, phone, ID number, address, staff notes, internal timeline. Errors answer the
spec's list of {code, description} with the matching HTTP status.
"""
import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from core.errors import ValidationError
from core.portal import rate_limited
from items.models import DONE_STATES

from . import services
from .models import Appeal, AppealCategory, Channel


def _s(name, default):
    return getattr(settings, f"TAIZHANG_APPEALS_{name}", default)


class Open311Error(Exception):
    def __init__(self, status, description, code=None):
        super().__init__(description)
        self.status, self.description, self.code = status, description, code or status


# ------------------------------------------------------------------------------------------- rendering

def _xml_value(parent, key, value):
    el = ET.SubElement(parent, key)
    if isinstance(value, list):
        item_tag = {"attributes": "attribute", "values": "value", "keywords": "keyword"}.get(key, "item")
        for v in value:
            if isinstance(v, dict):
                child = ET.SubElement(el, item_tag)
                for k, vv in v.items():
                    _xml_value(child, k, vv)
            else:
                ET.SubElement(el, item_tag).text = str(v)
    elif isinstance(value, bool):
        el.text = "true" if value else "false"
    elif value is not None:
        el.text = str(value)
    return el


def render(fmt, rows, root, item, status=200):
    """JSON: a list of objects. XML: <root><item>…</item></root> (the spec's shapes)."""
    if fmt == "xml":
        top = ET.Element(root)
        for row in rows:
            el = ET.SubElement(top, item)
            for key, value in row.items():
                _xml_value(el, key, value)
        body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")
        return HttpResponse(body, content_type="text/xml; charset=utf-8", status=status)
    return JsonResponse(rows, safe=False, status=status, json_dumps_params={"ensure_ascii": False})


def error(fmt, exc):
    return render(fmt, [{"code": exc.code, "description": exc.description}], "errors", "error", status=exc.status)


def _iso(moment):
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _expected(due):
    if due is None:
        return None
    end = datetime.datetime.combine(due, datetime.time(23, 59, 59))
    return timezone.make_aware(end).isoformat(timespec="seconds")


def service_row(cat):
    return {"service_code": cat.code, "service_name": cat.name, "description": cat.description or cat.name,
            "metadata": False, "type": "batch", "keywords": "", "group": cat.parent.name if cat.parent_id else cat.name}


def request_row(a):
    public_text = a.channel in (Channel.PORTAL, Channel.OPEN311)
    return {
        "service_request_id": a.number,
        "status": "closed" if a.state in DONE_STATES else "open",
        "status_notes": a.reply if a.state in DONE_STATES else "",
        "service_name": a.category.name,
        "service_code": a.category.code,
        "description": a.description if public_text else a.title,
        "agency_responsible": a.lead_unit.name if a.lead_unit_id else "",
        "service_notice": "",
        "requested_datetime": _iso(a.created_at),
        "updated_datetime": _iso(a.updated_at),
        "expected_datetime": _expected(a.due_date),
        "address": a.location,
        "address_id": "",
        "zipcode": "",
        "lat": str(a.lat) if a.lat is not None else "",
        "long": str(a.lng) if a.lng is not None else "",
        "media_url": "",
    }


# ------------------------------------------------------------------------------------------- views

@method_decorator(csrf_exempt, name="dispatch")
class Open311View(View):
    public = True  # no login: the public Open311 API (POST needs an api_key)
    http_method_names = ["get", "post", "head", "options"]

    def dispatch(self, request, *args, fmt="json", **kwargs):
        self.fmt = fmt
        try:
            jurisdiction = (request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id") or "").strip()
            if jurisdiction and jurisdiction != _s("OPEN311_JURISDICTION", ""):
                raise Open311Error(404, "jurisdiction_id not found: " + jurisdiction[:50])
            if request.method.lower() not in self.http_method_names or not hasattr(self, request.method.lower()):
                raise Open311Error(405, "method not allowed")
            return super().dispatch(request, *args, **kwargs)
        except Open311Error as exc:
            return error(fmt, exc)

    def public_categories(self):
        return AppealCategory.objects.filter(is_public=True, is_active=True).select_related("parent")

    def public_appeals(self):
        return (Appeal.objects.filter(category__is_public=True)
                .select_related("category", "lead_unit").order_by("-created_at", "-pk"))


class ServiceList(Open311View):
    def get(self, request):
        return render(self.fmt, [service_row(c) for c in self.public_categories()], "services", "service")


class ServiceDefinition(Open311View):
    def get(self, request, code):
        cat = self.public_categories().filter(code=code).first()
        if cat is None:
            raise Open311Error(404, f"service_code not found: {code[:50]}")
        body = {"service_code": cat.code, "attributes": []}
        if self.fmt == "xml":
            top = ET.Element("service_definition")
            _xml_value(top, "service_code", cat.code)
            ET.SubElement(top, "attributes")
            return HttpResponse(b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8"),
                                content_type="text/xml; charset=utf-8")
        return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def _parse_date(name, value):
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = parse_datetime(value.replace(" ", "+")) if "T" in value else None
        if parsed is None:
            day = datetime.date.fromisoformat(value)
            parsed = datetime.datetime.combine(day, datetime.time())
    except ValueError:
        parsed = None
    if parsed is None:
        raise Open311Error(400, f"{name} is not a valid W3C datetime (e.g. 2024-05-01T00:00:00+08:00): {value[:40]}")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _positive_int(name, value, default):
    if value in (None, ""):
        return default
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise Open311Error(400, f"{name} must be a positive integer")
    return n


class RequestList(Open311View):
    def get(self, request):
        qs = self.public_appeals()
        ids = [i.strip() for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
        max_size = _s("OPEN311_MAX_PAGE_SIZE", 100)
        page = _positive_int("page", request.GET.get("page"), 1)
        size = _positive_int("page_size", request.GET.get("page_size"), min(50, max_size))
        if size > max_size:
            raise Open311Error(400, f"page_size must not exceed {max_size}")
        if ids:
            if len(ids) > max_size:
                raise Open311Error(400, f"at most {max_size} service_request_id values")
            qs = qs.filter(number__in=ids)  # the spec: other parameters are ignored with service_request_id
        else:
            start = _parse_date("start_date", request.GET.get("start_date"))
            end = _parse_date("end_date", request.GET.get("end_date"))
            span = datetime.timedelta(days=_s("OPEN311_MAX_SPAN_DAYS", 90))
            if start and end and end < start:
                raise Open311Error(400, "end_date is before start_date")
            if start and end and end - start > span:
                raise Open311Error(400, f"the span between start_date and end_date must not exceed {span.days} days")
            if start is None and end is None:
                end = timezone.now()
                start = end - span
            elif start is None:
                start = end - span
            elif end is None:
                end = min(start + span, timezone.now()) if start < timezone.now() else start + span
            qs = qs.filter(created_at__gte=start, created_at__lte=end)
            code = request.GET.get("service_code", "").strip()
            if code:
                qs = qs.filter(category__code__in=[c.strip() for c in code.split(",") if c.strip()])
            statuses = {s.strip() for s in request.GET.get("status", "").split(",") if s.strip()}
            if statuses - {"open", "closed"}:
                raise Open311Error(400, "status must be open or closed")
            if statuses == {"open"}:
                qs = qs.exclude(state__in=DONE_STATES)
            elif statuses == {"closed"}:
                qs = qs.filter(state__in=DONE_STATES)
        rows = [request_row(a) for a in qs[(page - 1) * size: page * size]]
        return render(self.fmt, rows, "service_requests", "request")

    def post(self, request):
        if rate_limited(request, "open311"):
            raise Open311Error(429, "too many requests")
        p = request.POST
        if not services.api_key_valid(p.get("api_key", "")):
            raise Open311Error(403, "api_key is missing or not valid")
        code = p.get("service_code", "").strip()
        if not code:
            raise Open311Error(400, "service_code is required")
        cat = self.public_categories().filter(code=code).first()
        if cat is None:
            raise Open311Error(404, f"service_code not found: {code[:50]}")
        lat, lng = p.get("lat", "").strip(), p.get("long", "").strip()
        address = p.get("address_string", "").strip() or p.get("address_id", "").strip()
        if not (lat and lng) and not address:
            raise Open311Error(400, "a location is required: lat and long, or address_string, or address_id")
        try:
            lat_d = Decimal(lat).quantize(Decimal("0.000001")) if lat else None
            lng_d = Decimal(lng).quantize(Decimal("0.000001")) if lng else None
        except InvalidOperation:
            raise Open311Error(400, "lat and long must be decimal degrees") from None
        if (lat_d is not None and not -90 <= lat_d <= 90) or (lng_d is not None and not -180 <= lng_d <= 180):
            raise Open311Error(400, "lat or long out of range")
        name = (p.get("first_name", "") + p.get("last_name", "")).strip()
        try:
            appeal, _code = services.public_submit(
                category=cat, description=p.get("description", ""), location=address[:200], lng=lng_d, lat=lat_d,
                name=name, phone=p.get("phone", "").strip(), channel=Channel.OPEN311)
        except ValidationError as exc:
            raise Open311Error(400, "; ".join(str(m) for m in exc.messages)) from None
        row = {"service_request_id": appeal.number, "token": appeal.public_token,
               "service_notice": "", "account_id": ""}
        return render(self.fmt, [row], "service_requests", "request", status=201)


class RequestDetail(Open311View):
    def get(self, request, request_id):
        appeal = self.public_appeals().filter(number=request_id).first()
        if appeal is None:
            raise Open311Error(404, f"service_request_id not found: {request_id[:50]}")
        return render(self.fmt, [request_row(appeal)], "service_requests", "request")


class TokenDetail(Open311View):
    def get(self, request, token):
        appeal = Appeal.objects.filter(public_token=token, category__is_public=True).first() if token else None
        if appeal is None:
            raise Open311Error(404, "token not found")
        return render(self.fmt, [{"service_request_id": appeal.number, "token": token}], "service_requests",
                      "request")
