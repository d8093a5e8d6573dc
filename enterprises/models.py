"""Enterprise — 企业库, Visit — 走访 and Pairing — 包联 ("扫楼扫街", "千名干部进千企").

Not items: an enterprise is a record of the district, not something tracked to closure. Appeals raised on a
visit are items of the appeals ledger (appeals.Appeal has FKs to Enterprise and Visit).

Scope: every signed-in official may look up the enterprise database (it is the district's shared register;
contact data stays masked unless the role may see personal data); changing an enterprise needs the model
permission and the enterprise's 属地单位 (the town/subdistrict serving it) inside the user's data scope.
"""
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.choices import ColoredChoices, with_colors
from core.models import TimeStampedModel, VersionedModel
from core.validators import normalize_credit_code, normalize_phone, validate_credit_code, validate_mobile


@with_colors({"above": "success", "below": "info", "individual": "secondary"})
class EnterpriseScale(ColoredChoices):
    ABOVE = "above", _("规上")
    BELOW = "below", _("规下")
    INDIVIDUAL = "individual", _("个体")


INDUSTRIES = [
    ("manufacturing", _("制造业")),
    ("construction", _("建筑业")),
    ("wholesale_retail", _("批发和零售业")),
    ("logistics", _("交通运输、仓储和邮政业")),
    ("hospitality", _("住宿和餐饮业")),
    ("it", _("信息传输、软件和信息技术服务业")),
    ("real_estate", _("房地产业")),
    ("business_services", _("租赁和商务服务业")),
    ("tech_services", _("科学研究和技术服务业")),
    ("textile", _("纺织服装")),
    ("other", _("其他")),
]


class Enterprise(VersionedModel):
    """Enterprise — 企业: one row per 统一社会信用代码 (duplicates are refused)."""

    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True,
                                   validators=[validate_credit_code],
                                   error_messages={"unique": _("该统一社会信用代码已登记，不能重复录入。")})
    name = models.CharField(_("企业名称"), max_length=200)
    industry = models.CharField(_("行业"), max_length=30, choices=INDUSTRIES, default="other")
    scale = models.CharField(_("规模"), max_length=20, choices=EnterpriseScale.choices, default=EnterpriseScale.BELOW)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    area = models.ForeignKey("org.Area", verbose_name=_("所在区划"), on_delete=models.PROTECT,
                             related_name="enterprises")
    unit = models.ForeignKey("org.Unit", verbose_name=_("属地单位"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="enterprises",
                             help_text=_("服务该企业的镇（街道、园区），决定谁可以维护此记录。"))
    building = models.CharField(_("所在楼宇/载体"), max_length=100, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[validate_mobile])
    tags = models.CharField(_("标签"), max_length=200, blank=True, help_text=_("多个标签用逗号分隔"))

    scope_public = True  # the district's shared register: anyone signed in may look an enterprise up
    scope_units = ("unit",)  # …but only the serving unit (and those above it) may change it
    personal_fields = {"contact_name": "name", "contact_phone": "phone"}

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业库")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["area", "scale"], name="enterprise_area_scale")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("enterprises:enterprise_detail", args=[self.pk])

    def clean(self):
        self.credit_code = normalize_credit_code(self.credit_code)
        if self.contact_phone:
            self.contact_phone = normalize_phone(self.contact_phone)
        self.tags = "，".join(t.strip() for t in self.tags.replace(",", "，").split("，") if t.strip())

    @property
    def tag_list(self):
        return [t for t in self.tags.split("，") if t]


class Visit(TimeStampedModel):
    """Visit — 走访: who visited which enterprise when, what they found; appeals raised are appeals.Appeal rows."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="visits")
    date = models.DateField(_("走访日期"))
    unit = models.ForeignKey("org.Unit", verbose_name=_("走访单位"), on_delete=models.PROTECT, related_name="visits")
    cadres = models.ManyToManyField("org.Person", verbose_name=_("走访干部"), related_name="visits")
    findings = models.TextField(_("走访情况"), blank=True)
    appeals_raised = models.PositiveIntegerField(_("收集诉求数"), default=0,
                                                 help_text=_("登记为诉求工单后自动计数"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    scope_units = ("unit", "enterprise__unit")
    scope_self = ("created_by",)

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["enterprise", "date"], name="visit_enterprise_date")]

    def __str__(self):
        return f"{self.date} {self.enterprise}"

    def get_absolute_url(self):
        return reverse("enterprises:enterprise_detail", args=[self.enterprise_id]) + f"#visit-{self.pk}"


class Pairing(TimeStampedModel):
    """Pairing — 包联: a cadre answers for an enterprise for a year ("千名干部进千企")."""

    person = models.ForeignKey("org.Person", verbose_name=_("包联干部"), on_delete=models.PROTECT,
                               related_name="pairings")
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="pairings")
    year = models.PositiveIntegerField(_("年度"))

    scope_units = ("person__unit", "enterprise__unit")

    class Meta:
        verbose_name = _("包联关系")
        verbose_name_plural = _("包联关系")
        ordering = ["-year", "enterprise__name"]
        constraints = [models.UniqueConstraint(fields=["person", "enterprise", "year"], name="pairing_unique",
                                               violation_error_message=_("该干部本年度已包联此企业。"))]

    def __str__(self):
        return f"{self.year} {self.person} ↔ {self.enterprise}"

    def get_absolute_url(self):
        return self.enterprise.get_absolute_url()
