"""accounts.scope: which rows each persona sees, for every data scope, as a matrix."""
import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from accounts.models import DataScope, Role, User
from accounts.scope import can, get_scoped_or_404, user_scope, visible_to
from org.models import Area, Body, Mechanism, Person, Seat, Unit

EVERYONE = "*"

# persona → the people (org.Person, scoped by their unit) the persona may see
PEOPLE_MATRIX = {
    "leader": EVERYONE,  # 全部数据
    "supervisor": EVERYONE,
    "auditor": EVERYONE,
    "admin_user": EVERYONE,
    "town_a": {"曹国栋", "王晓燕", "姚小梅"},  # 本单位及以下: 罗家镇 and 谢埠村 below it
    "town_b": {"彭俊"},  # 塘山镇
    "village": {"姚小梅"},  # 本单位: 谢埠村
    "dept": {"胡德明", "刘思远"},  # 本单位: 住建局
    "taskforce": {"许海峰", "孙佳怡"},  # 本单位: 商务局
}


def names(qs):
    return set(qs.values_list("name", flat=True))


@pytest.mark.parametrize("persona", sorted(PEOPLE_MATRIX))
def test_each_persona_sees_exactly_the_people_of_its_scope(request, persona):
    user = request.getfixturevalue(persona)
    expected = PEOPLE_MATRIX[persona]
    if expected == EVERYONE:
        expected = names(Person.objects.all())
    assert names(visible_to(user, Person.objects.all())) == expected


@pytest.mark.parametrize("persona", sorted(PEOPLE_MATRIX))
@pytest.mark.parametrize("model", [Area, Unit, Mechanism, Body, Seat])
def test_the_organisation_is_visible_to_every_signed_in_persona(request, persona, model):
    user = request.getfixturevalue(persona)
    assert visible_to(user, model.objects.all()).count() == model.objects.count() > 0


@pytest.mark.parametrize("persona", ["town_a", "town_b", "village", "dept", "taskforce", "leader", "supervisor", "auditor"])
@pytest.mark.parametrize("action", ["add", "change", "delete"])
def test_only_the_administrator_may_change_the_organisation(request, persona, action):
    user = request.getfixturevalue(persona)
    for model in (Area, Unit, Person, Mechanism, Body, Seat):
        assert not visible_to(user, model.objects.all(), action).exists(), (persona, model, action)


@pytest.mark.parametrize("action", ["change", "delete"])
def test_the_administrator_may_change_every_org_row(admin_user, action):
    for model in (Area, Unit, Person, Mechanism, Body, Seat):
        assert visible_to(admin_user, model.objects.all(), action).count() == model.objects.count()


def test_anonymous_and_inactive_users_see_nothing(demo, town_a):
    assert not visible_to(AnonymousUser(), Area.objects.all()).exists()
    assert not visible_to(None, Person.objects.all()).exists()
    town_a.is_active = False
    town_a.save()
    assert not visible_to(User.objects.get(pk=town_a.pk), Person.objects.all()).exists()


def test_a_custom_scope_sees_exactly_its_listed_units(demo, town_a):
    role = Role.objects.create(code="custom_test", name="自定义测试", data_scope=DataScope.CUSTOM)
    role.custom_units.set([demo.units["塘山镇"], demo.units["住建局"]])
    town_a.roles.set([role])
    user = User.objects.get(pk=town_a.pk)
    assert names(visible_to(user, Person.objects.all())) == {"彭俊", "胡德明", "刘思远"}


def test_a_self_scope_sees_only_the_users_own_rows(demo, town_a):
    role = Role.objects.create(code="self_test", name="仅本人测试", data_scope=DataScope.SELF)
    town_a.roles.set([role])
    user = User.objects.get(pk=town_a.pk)
    assert list(visible_to(user, User.objects.all())) == [user]  # User declares scope_self = ("pk",)
    assert not visible_to(user, Person.objects.all()).exists()  # Person has no self relation


def test_roles_add_up(demo, village):
    extra = Role.objects.create(code="custom_extra", name="额外单位", data_scope=DataScope.CUSTOM)
    extra.custom_units.set([demo.units["财政局"]])
    village.roles.add(extra)
    user = User.objects.get(pk=village.pk)
    assert names(visible_to(user, Person.objects.all())) == {"姚小梅", "唐慧敏"}


def test_unit_and_below_follows_the_unit_tree(demo, town_a):
    scope = user_scope(town_a)
    below = {u.pk for u in Unit.objects.filter(path__startswith=demo.units["罗家镇"].path)}
    assert scope.unit_ids == below
    assert demo.units["谢埠村"].pk in below and demo.units["塘山镇"].pk not in below
    assert not scope.everything


def test_body_membership_adds_the_bodys_rows(demo, taskforce, town_b, monkeypatch):
    """A model declaring scope_bodies is visible to members of those bodies (Seat stands in for a ledger)."""
    monkeypatch.setattr(Seat, "scope_public", False, raising=False)
    monkeypatch.setattr(Seat, "scope_bodies", ("body",), raising=False)
    expected = {demo.bodies["扫楼扫街专班"].pk, demo.bodies["抓大引大专班"].pk}
    assert user_scope(taskforce).body_ids == expected
    seats = visible_to(taskforce, Seat.objects.all())
    assert set(seats.values_list("body_id", flat=True)) == expected
    assert not visible_to(town_b, Seat.objects.all()).exists()  # no seat, unit scope matches no Seat field


def test_get_scoped_or_404_returns_an_object_inside_the_scope(demo, town_a):
    person = demo.people["姚小梅"]
    assert get_scoped_or_404(town_a, Person.objects.all(), pk=person.pk) == person
    assert can(town_a, person)


def test_get_scoped_or_404_answers_404_outside_the_scope_as_for_a_missing_row(demo, town_a):
    outside = demo.people["彭俊"]
    with pytest.raises(Http404):
        get_scoped_or_404(town_a, Person.objects.all(), pk=outside.pk)
    with pytest.raises(Http404):
        get_scoped_or_404(town_a, Person.objects.all(), pk=999999)
    assert not can(town_a, outside)


def test_get_scoped_or_404_checks_the_action(demo, town_a, admin_user):
    person = demo.people["姚小梅"]
    with pytest.raises(Http404):
        get_scoped_or_404(town_a, Person.objects.all(), "change", pk=person.pk)
    assert get_scoped_or_404(admin_user, Person.objects.all(), "change", pk=person.pk) == person


def test_role_changes_apply_from_the_next_request(demo, client_for, town_a):
    """Permissions and scope are cached per user object (one request), never across requests."""
    person = demo.people["彭俊"]
    client = client_for(town_a)
    assert client.get(person.get_absolute_url()).status_code == 404
    town_a.roles.add(demo.roles["district_leader"])
    assert client.get(person.get_absolute_url()).status_code == 200
