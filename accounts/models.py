"""User — 用户 and Role — 角色 with a data scope (数据权限), the convention of Chinese government systems:
全部数据 / 本单位及以下 / 本单位 / 仅本人 / 自定义单位. Membership of a mechanism body adds that body's items.
accounts.scope is the only code that turns these into "which rows".
"""
from django.contrib.auth.models import AbstractUser, Permission
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.choices import ColoredChoices
from core.models import TimeStampedModel


class DataScope(ColoredChoices):
    ALL = "all", _("全部数据")
    UNIT_AND_BELOW = "unit_and_below", _("本单位及以下")
    UNIT = "unit", _("本单位")
    SELF = "self", _("仅本人")
    CUSTOM = "custom", _("自定义单位")


class Role(TimeStampedModel):
    """Role — 角色: what a user may do (permissions) and over which rows (data scope)."""

    code = models.SlugField(_("编码"), max_length=50, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    data_scope = models.CharField(_("数据范围"), max_length=20, choices=DataScope.choices, default=DataScope.UNIT)
    custom_units = models.ManyToManyField("org.Unit", verbose_name=_("自定义单位"), blank=True, related_name="+")
    permissions = models.ManyToManyField(Permission, verbose_name=_("权限"), blank=True, related_name="+")
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name


class User(AbstractUser):
    """User — 用户: a login, linked to a person and a unit."""

    person = models.OneToOneField("org.Person", verbose_name=_("人员"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="account")
    unit = models.ForeignKey("org.Unit", verbose_name=_("所在单位"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="users")
    roles = models.ManyToManyField(Role, verbose_name=_("角色"), blank=True, related_name="users")
    display_name = models.CharField(_("显示名"), max_length=50, blank=True)

    scope_units = ("unit",)
    scope_self = ("pk",)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        permissions = [
            ("view_personal_data", _("可查看个人信息（电话、身份证号、姓名）")),
        ]

    def __str__(self):
        return self.display_name or (self.person.name if self.person_id else self.username)

    @property
    def role_names(self):
        return "、".join(r.name for r in self.roles.all())


class ApiToken(models.Model):
    """API 令牌: a script's login. Only the SHA-256 of the key is stored (the key is shown once); it obeys the
    session limits — it ends SESSION_ABSOLUTE_TIMEOUT after it was issued and after SESSION_IDLE_TIMEOUT
    unused (accounts.authentication)."""

    digest = models.CharField(_("摘要"), max_length=64, unique=True)
    user = models.ForeignKey("accounts.User", verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="api_tokens")
    created_at = models.DateTimeField(_("签发时间"))
    last_used_at = models.DateTimeField(_("最近使用"))

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"
