from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgersConfig(AppConfig):
    name = "ledgers"
    verbose_name = _("自定义台账")

    def ready(self):
        from core import search
        from core.navigation import add_section
        from imports.targets import register_provider
        from items.kinds import register_kind_provider

        from .imports import LedgerTargets
        from .kinds import provide
        from .models import LedgerEntry

        register_kind_provider(provide)  # one item kind per definition ("lg_<code>")
        register_provider("ledger", LedgerTargets())  # one import target per definition ("ledger:<code>")
        # Title and description (its non-personal text fields) are what an entry is found by.
        search.register(LedgerEntry, ["number", "title", "description"], _("自定义台账"))
        add_section(_("自定义台账"), [
            {"label": _("台账目录"), "url": "ledgers:index", "icon": "journal-richtext"},
            {"label": _("台账定义"), "url": "ledgers:definition_list", "icon": "ui-checks-grid",
             "perm": "ledgers.change_ledgerdefinition"},
            {"label": _("字典"), "url": "ledgers:dictionary_list", "icon": "list-ul",
             "perm": "ledgers.change_ledgerdefinition"},
        ])
