"""The organisation (Area, Unit, Person) and the key-work mechanism (Mechanism, Body, Seat).

Trees (Area, Unit) keep a materialised `path` ("/1/5/23/") so "this node and everything below it" is one
indexed `path__startswith` on SQLite and PostgreSQL alike; org.services maintains it.
"""
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.choices import ColoredChoices, with_colors
from core.models import TimeStampedModel, VersionedModel


class TreeNode(models.Model):
    path = models.CharField(_("路径"), max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(_("层级"), default=0, editable=False)

    class Meta:
        abstract = True

    def ancestor_ids(self):
        return [int(p) for p in self.path.strip("/").split("/") if p][:-1]

    def is_descendant_of(self, other):
        return bool(other.path) and self.path.startswith(other.path) and self.pk != other.pk


class AreaLevel(ColoredChoices):
    DISTRICT = "district", _("区")
    TOWN = "town", _("镇")
    SUBDISTRICT = "subdistrict", _("街道")
    PARK = "park", _("园区")
    VILLAGE = "village", _("村")
    COMMUNITY = "community", _("社区")


# Which levels may sit directly under which (district → town/subdistrict/park → village/community).
AREA_CHILD_LEVELS = {
    None: {AreaLevel.DISTRICT},
    AreaLevel.DISTRICT: {AreaLevel.TOWN, AreaLevel.SUBDISTRICT, AreaLevel.PARK},
    AreaLevel.TOWN: {AreaLevel.VILLAGE, AreaLevel.COMMUNITY},
    AreaLevel.SUBDISTRICT: {AreaLevel.COMMUNITY, AreaLevel.VILLAGE},
    AreaLevel.PARK: {AreaLevel.COMMUNITY, AreaLevel.VILLAGE},
    AreaLevel.VILLAGE: set(),
    AreaLevel.COMMUNITY: set(),
}


class Area(TreeNode, VersionedModel):
    """Area — 行政区划: district 区 → town 镇 / subdistrict 街道 / park 园区 → village 村 / community 社区."""

    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(_("区划代码"), max_length=20, blank=True)
    level = models.CharField(_("层级"), max_length=20, choices=AreaLevel.choices)
    parent = models.ForeignKey("self", verbose_name=_("上级区划"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    scope_public = True  # the map of the district is not confidential inside the government

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="area_unique_name_in_parent",
                                    violation_error_message=_("同一上级区划下名称不能重复。")),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("org:area_detail", args=[self.pk])


class UnitKind(ColoredChoices):
    PARTY_GOV = "party_gov", _("党委政府")
    DEPARTMENT = "department", _("职能部门")
    TOWN_GOV = "town_gov", _("镇（街道、园区）")
    VILLAGE_COMMITTEE = "village", _("村（社区）")
    OTHER = "other", _("其他")


class Unit(TreeNode, VersionedModel):
    """Unit — 单位: department 部门, town government, village committee…, placed in an area.

    The unit tree (parent) is what data scope "本单位及下级" follows; a unit's area must lie inside its
    parent's area."""

    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=UnitKind.choices)
    area = models.ForeignKey(Area, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey("self", verbose_name=_("上级单位"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    scope_public = True  # which units exist is not confidential; editing is an administrator's task

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unit_unique_name_in_parent",
                                    violation_error_message=_("同一上级单位下名称不能重复。")),
        ]

    def __str__(self):
        return self.short_name or self.name

    def get_absolute_url(self):
        return reverse("org:unit_detail", args=[self.pk])


class Person(VersionedModel):
    """Person — 人员: a cadre of a unit; a login (accounts.User) may be linked to one."""

    name = models.CharField(_("姓名"), max_length=50)
    unit = models.ForeignKey(Unit, verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="people")
    title = models.CharField(_("职务"), max_length=100, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("在职"), default=True)

    personal_fields = {"phone": "phone"}
    scope_units = ("unit",)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["unit__path", "sort_order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("org:person_detail", args=[self.pk])


class Mechanism(VersionedModel):
    """Mechanism — 推进机制 of one year, e.g. 2023 "1+5+2": one HQ, N task forces, M groups."""

    year = models.PositiveIntegerField(_("年度"), unique=True)
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    copied_from = models.ForeignKey("self", verbose_name=_("复制自"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="copies")

    scope_public = True

    class Meta:
        verbose_name = _("推进机制")
        verbose_name_plural = _("推进机制")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year} {self.name}"

    def get_absolute_url(self):
        return reverse("org:mechanism_detail", args=[self.pk])

    @property
    def shape(self):
        """"1+5+2": counted from the bodies, never typed in."""
        counts = {kind: 0 for kind in BodyKind.values}
        for body in self.bodies.all():
            counts[body.kind] += 1
        return "+".join(str(counts[k]) for k in BodyKind.values)


@with_colors({"command": "danger", "task_force": "primary", "group": "success"})
class BodyKind(ColoredChoices):
    COMMAND = "command", _("总指挥部")
    TASK_FORCE = "task_force", _("工作专班")
    GROUP = "group", _("职能小组")


class Body(VersionedModel):
    """Body — 机构 of a mechanism: command HQ 总指挥部, task force 工作专班, functional group 职能小组."""

    mechanism = models.ForeignKey(Mechanism, verbose_name=_("推进机制"), on_delete=models.CASCADE,
                                  related_name="bodies")
    kind = models.CharField(_("类别"), max_length=20, choices=BodyKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    mission = models.TextField(_("职责"), blank=True)
    parent = models.ForeignKey("self", verbose_name=_("上级机构"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    lead_unit = models.ForeignKey(Unit, verbose_name=_("牵头单位"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="led_bodies")
    member_units = models.ManyToManyField(Unit, verbose_name=_("成员单位"), blank=True, related_name="member_of_bodies")
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    scope_public = True

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["mechanism", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["mechanism", "name"], name="body_unique_name_in_mechanism",
                                    violation_error_message=_("同一年度机制中机构名称不能重复。")),
        ]

    def __str__(self):
        return self.short_name or self.name

    def get_absolute_url(self):
        return reverse("org:body_detail", args=[self.pk])


class Post(ColoredChoices):
    """Post — 职务 of a seat. Ordered by rank; leaders are the first four."""

    CHIEF = "chief", _("总负责")
    COMMANDER = "commander", _("总指挥")
    DEPUTY_COMMANDER = "deputy_commander", _("副总指挥")
    LEADER = "leader", _("组长")
    DEPUTY_LEADER = "deputy_leader", _("副组长")
    OFFICE_DIRECTOR = "office_director", _("办公室主任")
    MEMBER = "member", _("成员")
    LIAISON = "liaison", _("联络员")


LEADER_POSTS = {Post.CHIEF, Post.COMMANDER, Post.DEPUTY_COMMANDER, Post.LEADER, Post.DEPUTY_LEADER}


class Seat(TimeStampedModel):
    """Seat — a person's post in a body of one year's mechanism."""

    mechanism = models.ForeignKey(Mechanism, verbose_name=_("推进机制"), on_delete=models.CASCADE,
                                  related_name="seats")
    body = models.ForeignKey(Body, verbose_name=_("机构"), on_delete=models.CASCADE, related_name="seats")
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="seats")
    post = models.CharField(_("职务"), max_length=30, choices=Post.choices)
    note = models.CharField(_("分工"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    scope_public = True

    class Meta:
        verbose_name = _("席位")
        verbose_name_plural = _("席位")
        ordering = ["body", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["body", "person", "post"], name="seat_unique_person_post",
                                    violation_error_message=_("该人员在此机构中已担任该职务。")),
        ]

    def __str__(self):
        return f"{self.body} · {self.get_post_display()} · {self.person}"

    @property
    def is_leader(self):
        return self.post in LEADER_POSTS
