"""org.services: tree paths, the rules that refuse bad structure (with a Chinese message, nothing written),
and copying a year's mechanism."""
import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditLog
from org import services
from org.models import Area, AreaLevel, Body, BodyKind, Mechanism, Post, Seat, Unit, UnitKind


def counts():
    """Row counts that a refused call must leave unchanged."""
    return {m.__name__: m.objects.count() for m in (Area, Unit, Body, Seat, Mechanism, AuditLog)}


def refused(call, *, contains):
    """Run `call`, expect a ValidationError whose messages contain `contains`, and nothing written."""
    before = counts()
    with pytest.raises(ValidationError) as info:
        call()
    text = " ".join(info.value.messages)
    assert contains in text, text
    assert counts() == before
    return info.value


# ---------------------------------------------------------------- tree paths


def test_it_sets_path_and_depth_when_an_area_is_created(demo, admin_user):
    town = demo.areas["罗家镇"]
    village = services.area_save(actor=admin_user, data={"name": "新建村", "level": AreaLevel.VILLAGE, "parent": town})
    village.refresh_from_db()
    assert village.path == f"{town.path}{village.pk}/"
    assert village.depth == town.depth + 1 == 2
    assert village.is_descendant_of(demo.areas["青山湖区"])


def test_it_moves_an_area_and_recomputes_its_path(demo, admin_user):
    village = demo.areas["谢埠村"]
    target = demo.areas["塘山镇"]
    services.area_save(actor=admin_user, area=village, data={"parent": target}, expected_version=village.version)
    village.refresh_from_db()
    assert village.path == f"{target.path}{village.pk}/"
    assert village.ancestor_ids() == [demo.areas["青山湖区"].pk, target.pk]


def test_it_moves_a_unit_with_everything_below_it(demo, admin_user):
    town_unit = demo.units["罗家镇"]
    office = services.unit_save(actor=admin_user, data={
        "name": "罗家镇综治中心", "kind": UnitKind.OTHER, "area": demo.areas["罗家镇"], "parent": town_unit})
    grid = services.unit_save(actor=admin_user, data={
        "name": "谢埠网格站", "kind": UnitKind.OTHER, "area": demo.areas["谢埠村"], "parent": office})
    assert grid.path == f"{town_unit.path}{office.pk}/{grid.pk}/"

    new_parent = demo.units["政法委"]  # a district department: its area (the district) contains 罗家镇
    office.refresh_from_db()
    services.unit_save(actor=admin_user, unit=office, data={"parent": new_parent}, expected_version=office.version)
    office.refresh_from_db()
    grid.refresh_from_db()
    assert office.path == f"{new_parent.path}{office.pk}/"
    assert grid.path == f"{new_parent.path}{office.pk}/{grid.pk}/"
    assert (office.depth, grid.depth) == (new_parent.depth + 1, new_parent.depth + 2)
    # the rest of 罗家镇's tree did not move
    assert demo.units["谢埠村"].path.startswith(town_unit.path)


# ---------------------------------------------------------------- refused, nothing written


def test_it_refuses_an_area_cycle(demo, admin_user):
    town = demo.areas["罗家镇"]
    refused(lambda: services.area_save(actor=admin_user, area=town, data={"parent": demo.areas["谢埠村"]},
                                       expected_version=town.version), contains="循环")
    town.refresh_from_db()
    assert town.parent == demo.areas["青山湖区"]


def test_it_refuses_an_area_as_its_own_parent(demo, admin_user):
    town = demo.areas["罗家镇"]
    refused(lambda: services.area_save(actor=admin_user, area=town, data={"parent": town},
                                       expected_version=town.version), contains="循环")


def test_it_refuses_a_unit_cycle(demo, admin_user):
    town_unit = demo.units["罗家镇"]
    refused(lambda: services.unit_save(actor=admin_user, unit=town_unit, data={"parent": demo.units["谢埠村"]},
                                       expected_version=town_unit.version), contains="循环")


def test_it_refuses_a_village_directly_under_the_district(demo, admin_user):
    refused(lambda: services.area_save(actor=admin_user, data={
        "name": "飞地村", "level": AreaLevel.VILLAGE, "parent": demo.areas["青山湖区"]}), contains="不能设在")


def test_it_refuses_a_town_under_a_town(demo, admin_user):
    refused(lambda: services.area_save(actor=admin_user, data={
        "name": "镇中镇", "level": AreaLevel.TOWN, "parent": demo.areas["罗家镇"]}), contains="不能设在")


def test_it_refuses_a_second_root(demo, admin_user):
    refused(lambda: services.area_save(actor=admin_user, data={"name": "东湖区", "level": AreaLevel.DISTRICT}),
            contains="顶层区划只能有一个")


def test_it_refuses_a_duplicate_area_name_within_a_parent(demo, admin_user):
    refused(lambda: services.area_save(actor=admin_user, data={
        "name": "谢埠村", "level": AreaLevel.VILLAGE, "parent": demo.areas["罗家镇"]}), contains="名称不能重复")


def test_it_allows_the_same_area_name_under_another_parent(demo, admin_user):
    area = services.area_save(actor=admin_user, data={
        "name": "谢埠村", "level": AreaLevel.VILLAGE, "parent": demo.areas["塘山镇"]})
    assert area.pk


def test_it_refuses_a_duplicate_unit_name_within_a_parent(demo, admin_user):
    refused(lambda: services.unit_save(actor=admin_user, data={
        "name": "谢埠村村民委员会", "kind": UnitKind.VILLAGE_COMMITTEE, "area": demo.areas["谢埠村"],
        "parent": demo.units["罗家镇"]}), contains="名称不能重复")


def test_it_refuses_a_duplicate_top_level_unit_name(demo, admin_user):
    # Top-level units have no parent; a NULL parent must not let the same name in twice.
    refused(lambda: services.unit_save(actor=admin_user, data={
        "name": demo.units["住建局"].name, "kind": UnitKind.DEPARTMENT, "area": demo.areas["青山湖区"]}),
        contains="名称不能重复")


def test_it_refuses_a_unit_renamed_to_a_sibling_name(demo, admin_user):
    unit = demo.units["住建局"]
    refused(lambda: services.unit_save(actor=admin_user, unit=unit, data={"name": demo.units["财政局"].name},
                                       expected_version=unit.version), contains="名称不能重复")


def test_it_refuses_a_duplicate_body_name_within_a_mechanism(demo, admin_user):
    refused(lambda: services.body_save(actor=admin_user, data={
        "mechanism": demo.mechanism, "kind": BodyKind.GROUP, "name": "资金保障领导小组"}), contains="名称不能重复")


def test_it_refuses_a_unit_whose_area_is_outside_its_parents_area(demo, admin_user):
    refused(lambda: services.unit_save(actor=admin_user, data={
        "name": "塘山村便民服务站", "kind": UnitKind.OTHER, "area": demo.areas["塘山村"],
        "parent": demo.units["罗家镇"]}), contains="范围内")


def test_it_refuses_a_unit_outside_the_district(demo, admin_user):
    # An area that is not below the district (written around the services on purpose, as an import might).
    stray = Area.objects.create(name="外区某镇", level=AreaLevel.TOWN, path="/999999/", depth=0)
    refused(lambda: services.unit_save(actor=admin_user, data={
        "name": "外区某镇政府", "kind": UnitKind.TOWN_GOV, "area": stray}), contains="本区范围内")


def test_it_refuses_a_body_cycle(demo, admin_user):
    hq = demo.bodies["总指挥部"]
    task_force = demo.bodies["抓大引大专班"]
    refused(lambda: services.body_save(actor=admin_user, body=hq, data={"parent": task_force},
                                       expected_version=hq.version), contains="循环")


def test_it_refuses_a_body_whose_parent_is_of_another_year(demo, admin_user):
    other = services.mechanism_save(actor=admin_user, data={"year": 2030, "name": "1+3+1"})
    refused(lambda: services.body_save(actor=admin_user, data={
        "mechanism": other, "kind": BodyKind.TASK_FORCE, "name": "新专班", "parent": demo.bodies["总指挥部"]}),
        contains="同一年度")


def test_it_refuses_a_seat_whose_body_belongs_to_another_year(demo, admin_user):
    other = services.mechanism_save(actor=admin_user, data={"year": 2030, "name": "1+3+1"})
    refused(lambda: services.seat_save(actor=admin_user, data={
        "mechanism": other, "body": demo.bodies["抓大引大专班"], "person": demo.people["许海峰"],
        "post": Post.MEMBER}), contains="2030")


def test_it_takes_the_seats_year_from_its_body(demo, admin_user):
    seat = services.seat_save(actor=admin_user, data={
        "body": demo.bodies["抓大引大专班"], "person": demo.people["胡德明"], "post": Post.MEMBER})
    assert seat.mechanism == demo.mechanism


def test_it_refuses_the_same_post_twice_for_a_person_in_a_body(demo, admin_user):
    refused(lambda: services.seat_save(actor=admin_user, data={
        "body": demo.bodies["总指挥部"], "person": demo.people["周明远"], "post": Post.COMMANDER}),
        contains="已担任该职务")


# ---------------------------------------------------------------- copying a year's mechanism


def _structure(mechanism):
    return sorted(
        (b.kind, b.name, b.parent.name if b.parent_id else None, b.lead_unit_id,
         tuple(sorted(b.member_units.values_list("pk", flat=True))),
         tuple(sorted(b.seats.values_list("person_id", "post", "note"))))
        for b in mechanism.bodies.all()
    )


def test_it_copies_a_mechanism_to_a_new_year(demo, admin_user):
    source = demo.mechanism
    before = _structure(source)
    source_version = source.version

    target = services.mechanism_copy(actor=admin_user, source=source, year=2024)

    assert target.year == 2024 and target.copied_from == source and target.shape == "1+5+2"
    assert _structure(target) == before
    assert target.seats.count() == source.seats.count()
    # every copied body and seat belongs to the new year, and parents point inside the new year
    assert set(Body.objects.filter(mechanism=target).values_list("parent__mechanism", flat=True)) <= {target.pk, None}
    assert set(Seat.objects.filter(mechanism=target).values_list("body__mechanism", flat=True)) == {target.pk}
    # the source is history: unchanged
    source.refresh_from_db()
    assert _structure(source) == before and source.version == source_version
    assert AuditLog.objects.filter(object_type="org.mechanism", object_id=str(target.pk), action="create").exists()


def test_it_refuses_to_copy_into_an_existing_year(demo, admin_user):
    refused(lambda: services.mechanism_copy(actor=admin_user, source=demo.mechanism, year=2023),
            contains="已存在")
