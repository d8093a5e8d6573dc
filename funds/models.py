"""Funds — 资金保障: allocations (资金安排) to items (projects and any other ledger item) by source, and
disbursements (拨付) against them. Amounts are Decimal in 万元. The disbursed total of an allocation never
exceeds it (funds.services refuses it under a row lock). Progress figures are computed by funds.selectors.
"""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.choices import ColoredChoices, with_colors
from core.models import TimeStampedModel, VersionedModel

AMOUNT = {"max_digits": 14, "decimal_places": 2}
POSITIVE = [MinValueValidator(Decimal("0.01"), message=_("金额必须大于0。"))]


@with_colors({"central_budget": "danger", "special_bond": "warning", "general_bond": "info",
              "refinancing_bond": "secondary", "provincial": "primary", "district": "success", "other": "light"})
class FundSource(ColoredChoices):
    CENTRAL_BUDGET = "central_budget", _("中央预算内投资")
    SPECIAL_BOND = "special_bond", _("新增专项债券")
    GENERAL_BOND = "general_bond", _("新增一般债券")
    REFINANCING_BOND = "refinancing_bond", _("再融资债券")
    PROVINCIAL = "provincial", _("省级资金")
    DISTRICT = "district", _("区本级资金")
    OTHER = "other", _("其他")


class Allocation(VersionedModel):
    """Allocation — 资金安排: money of one source allocated to an item (万元), under a document (文号)."""

    item = models.ForeignKey("items.Item", verbose_name=_("事项"), on_delete=models.PROTECT,
                             related_name="allocations")
    source = models.CharField(_("资金来源"), max_length=20, choices=FundSource.choices)
    amount = models.DecimalField(_("安排金额（万元）"), validators=POSITIVE, **AMOUNT)
    date = models.DateField(_("下达日期"))
    document_no = models.CharField(_("文号"), max_length=100, blank=True)
    managing_body = models.ForeignKey("org.Body", verbose_name=_("管理机构"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="allocations",
                                      help_text=_("通常为资金保障领导小组"))
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    # Seen by the item's responsible unit and owning body, and by the funds body that manages it.
    scope_units = ("item__lead_unit",)
    scope_bodies = ("item__owning_body", "managing_body")

    class Meta:
        verbose_name = _("资金安排")
        verbose_name_plural = _("资金安排")
        ordering = ["-date", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="allocation_positive",
                                              violation_error_message=_("金额必须大于0。"))]
        indexes = [models.Index(fields=["source", "date"], name="allocation_source_date")]

    def __str__(self):
        return f"{self.get_source_display()} {self.amount}万元"

    def get_absolute_url(self):
        return reverse("funds:allocation_detail", args=[self.pk])


class Disbursement(TimeStampedModel):
    """Disbursement — 资金拨付 against an allocation (万元)."""

    allocation = models.ForeignKey(Allocation, verbose_name=_("资金安排"), on_delete=models.PROTECT,
                                   related_name="disbursements")
    amount = models.DecimalField(_("拨付金额（万元）"), validators=POSITIVE, **AMOUNT)
    date = models.DateField(_("拨付日期"))
    document_no = models.CharField(_("凭证号"), max_length=100, blank=True)
    note = models.TextField(_("说明"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    scope_units = ("allocation__item__lead_unit",)
    scope_bodies = ("allocation__item__owning_body", "allocation__managing_body")

    class Meta:
        verbose_name = _("资金拨付")
        verbose_name_plural = _("资金拨付")
        ordering = ["-date", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="disbursement_positive",
                                              violation_error_message=_("金额必须大于0。"))]

    def __str__(self):
        return f"{self.date} {self.amount}万元"

    def get_absolute_url(self):
        return reverse("funds:allocation_detail", args=[self.allocation_id])
