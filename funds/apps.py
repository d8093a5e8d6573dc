from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "funds"
    verbose_name = _("资金保障")

    def ready(self):
        from core.navigation import add_section
        from imports.targets import register

        from .imports import AllocationTarget, DisbursementTarget

        register(AllocationTarget())
        register(DisbursementTarget())
        add_section(_("资金保障"), [
            {"label": _("资金看板"), "url": "funds:dashboard", "icon": "cash-coin"},
            {"label": _("资金安排"), "url": "funds:allocation_list", "icon": "wallet2"},
            {"label": _("资金拨付"), "url": "funds:disbursement_list", "icon": "cash-stack"},
        ])
