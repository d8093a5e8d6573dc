"""Business rules of the organisation and the mechanism — the only code that changes these rows."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.services import TRUSTED, create_object, delete_object, update_object

from .models import AREA_CHILD_LEVELS, Area, Body, Mechanism, Person, Seat, Unit

# ---------------------------------------------------------------- trees


def _check_parent(node, parent):
    """A node may not become its own ancestor (a cycle in the tree)."""
    if parent is None or node.pk is None:
        return
    if parent.pk == node.pk or (node.path and parent.path.startswith(node.path)):
        raise ValidationError({"parent": _("不能把节点移到它自己或它的下级之下（会形成循环）。")})


def _check_unique_name(node, message):
    """Names are unique among siblings. The database constraint covers (parent, name), but NULL parents
    never collide in SQL, so top-level nodes are checked here."""
    siblings = type(node).objects.filter(name=node.name)
    siblings = siblings.filter(parent_id=node.parent_id) if node.parent_id else siblings.filter(parent__isnull=True)
    if node.pk:
        siblings = siblings.exclude(pk=node.pk)
    if siblings.exists():
        raise ValidationError({"name": message})


def _set_path(node):
    parent = node.parent
    node.depth = (parent.depth + 1) if parent else 0
    node.path = f"{parent.path if parent else '/'}{node.pk}/"


def _save_tree_node(node):
    """Save and (re)compute `path` for the node and, if it moved, for everything below it."""
    old_path = node.path
    if node.pk is None:
        node.save()
    _set_path(node)
    node.save()
    if old_path and old_path != node.path:
        model = type(node)
        for child in model.objects.filter(path__startswith=old_path).exclude(pk=node.pk).order_by("depth"):
            child.parent = model.objects.get(pk=child.parent_id)
            _set_path(child)
            child.save(update_fields=["path", "depth"])


def _validate_area(area):
    allowed = AREA_CHILD_LEVELS.get(area.parent.level if area.parent_id else None, set())
    if area.level not in allowed:
        raise ValidationError({"level": _("“%(level)s”不能设在“%(parent)s”之下。") % {
            "level": area.get_level_display(), "parent": area.parent.name if area.parent_id else _("顶层")}})
    if area.parent_id is None and Area.objects.filter(parent__isnull=True).exclude(pk=area.pk).exists():
        raise ValidationError({"parent": _("本系统只管理一个区：顶层区划只能有一个。")})
    _check_unique_name(area, _("同一上级区划下名称不能重复。"))


@transaction.atomic
def area_save(*, actor, area=None, data, expected_version=None):
    """Create (area=None) or update an Area with `data` (field → value)."""
    if area is None:
        area = Area(**data)
        area.full_clean()
        _validate_area(area)
        area = create_object(area, actor=actor)
        _save_tree_node(area)
        return area
    probe = Area(pk=area.pk, path=area.path, **{**_fields(area), **data})
    _check_parent(probe, probe.parent)
    _validate_area(probe)
    area = update_object(area, actor=actor, changes=data, expected_version=expected_version)
    _save_tree_node(area)
    return area


def _fields(obj):
    return {f.name: getattr(obj, f.name) for f in obj._meta.concrete_fields
            if f.name not in {"id", "path", "depth", "created_at", "updated_at", "version"}}


def _validate_unit(unit):
    if unit.parent_id and unit.area_id:
        parent_area = unit.parent.area
        if not unit.area.path.startswith(parent_area.path):
            raise ValidationError({"area": _("单位所在区划必须在上级单位“%(parent)s”的区划（%(area)s）范围内。") % {
                "parent": unit.parent.name, "area": parent_area.name}})
    root = Area.objects.filter(parent__isnull=True).first()
    if unit.area_id and root and not unit.area.path.startswith(root.path):
        raise ValidationError({"area": _("单位必须位于本区范围内。")})
    _check_unique_name(unit, _("同一上级单位下名称不能重复。"))


@transaction.atomic
def unit_save(*, actor, unit=None, data, expected_version=None):
    if unit is None:
        unit = Unit(**data)
        unit.full_clean()
        _validate_unit(unit)
        unit = create_object(unit, actor=actor)
        _save_tree_node(unit)
        return unit
    probe = Unit(pk=unit.pk, path=unit.path, **{**_fields(unit), **data})
    _check_parent(probe, probe.parent)
    _validate_unit(probe)
    unit = update_object(unit, actor=actor, changes=data, expected_version=expected_version)
    _save_tree_node(unit)
    return unit


# ---------------------------------------------------------------- people


@transaction.atomic
def person_save(*, actor, person=None, data, expected_version=None):
    if person is None:
        return create_object(Person(**data), actor=actor)
    return update_object(person, actor=actor, changes=data, expected_version=expected_version)


# ---------------------------------------------------------------- mechanism


def _validate_body(body):
    if body.parent_id and body.parent.mechanism_id != body.mechanism_id:
        raise ValidationError({"parent": _("上级机构必须属于同一年度的推进机制。")})
    if body.parent_id and body.pk and body.parent_id == body.pk:
        raise ValidationError({"parent": _("机构不能以自己为上级。")})
    if body.parent_id and body.pk:
        # Walk up from the new parent: meeting the body itself means a cycle (bodies keep no path).
        seen, node = set(), body.parent
        while node is not None and node.pk not in seen:
            if node.pk == body.pk:
                raise ValidationError({"parent": _("不能把机构移到它自己的下级之下（会形成循环）。")})
            seen.add(node.pk)
            node = node.parent


@transaction.atomic
def mechanism_save(*, actor, mechanism=None, data, expected_version=None):
    if mechanism is None:
        return create_object(Mechanism(**data), actor=actor)
    return update_object(mechanism, actor=actor, changes=data, expected_version=expected_version)


@transaction.atomic
def body_save(*, actor, body=None, data, member_units=None, expected_version=None):
    m2m = {"member_units": member_units} if member_units is not None else None
    if body is None:
        body = Body(**data)
        _validate_body(body)
        return create_object(body, actor=actor, m2m=m2m)
    probe = Body(pk=body.pk, **{**_fields(body), **data})
    _validate_body(probe)
    return update_object(body, actor=actor, changes=data, expected_version=expected_version, m2m=m2m)


def _validate_seat(seat):
    if seat.body_id and seat.mechanism_id and seat.body.mechanism_id != seat.mechanism_id:
        raise ValidationError({"body": _("该机构不属于%(year)s年度推进机制。") % {"year": seat.mechanism.year}})


@transaction.atomic
def seat_save(*, actor, seat=None, data):
    if seat is None:
        seat = Seat(**data)
        if seat.body_id and not seat.mechanism_id:
            seat.mechanism_id = seat.body.mechanism_id
        _validate_seat(seat)
        return create_object(seat, actor=actor)
    probe = Seat(pk=seat.pk, **{**_fields(seat), **data})
    _validate_seat(probe)
    return update_object(seat, actor=actor, changes=data, expected_version=TRUSTED)


@transaction.atomic
def object_delete(*, actor, obj, expected_version):
    delete_object(obj, actor=actor, expected_version=expected_version)


@transaction.atomic
def mechanism_copy(*, actor, source, year, name=None):
    """Copy `source` (bodies, member units, seats) into a new year's mechanism; `source` stays as it was,
    so last year's structure remains history."""
    if Mechanism.objects.filter(year=year).exists():
        raise ValidationError({"year": _("%(year)s年度的推进机制已存在。") % {"year": year}})
    target = create_object(Mechanism(year=year, name=name or source.name, description=source.description,
                                     copied_from=source), actor=actor)
    mapping = {}
    bodies = list(source.bodies.all().order_by("parent_id", "sort_order", "pk"))
    # Parents first: HQ before the task forces it commands.
    bodies.sort(key=lambda b: (b.parent_id is not None, b.sort_order, b.pk))
    pending = bodies
    while pending:
        rest = []
        for body in pending:
            if body.parent_id and body.parent_id not in mapping:
                rest.append(body)
                continue
            copy = Body(mechanism=target, kind=body.kind, name=body.name, short_name=body.short_name,
                        mission=body.mission, parent=mapping.get(body.parent_id), lead_unit=body.lead_unit,
                        sort_order=body.sort_order)
            mapping[body.pk] = create_object(copy, actor=actor, m2m={"member_units": list(body.member_units.all())})
        if len(rest) == len(pending):
            raise ValidationError(_("机构上下级关系有误，无法复制。"))
        pending = rest
    for seat in source.seats.select_related("body").all():
        create_object(Seat(mechanism=target, body=mapping[seat.body_id], person=seat.person, post=seat.post,
                           note=seat.note, sort_order=seat.sort_order), actor=actor)
    return target
