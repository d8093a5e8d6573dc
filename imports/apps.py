from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Excel/CSV import — 导入: one engine for every ledger. Kind apps register their targets
    (imports.targets.register) in their own AppConfig.ready(); imports never imports a kind app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "imports"
    verbose_name = _("数据导入")

    def ready(self):
        from core.navigation import add_section

        add_section(_("数据导入"), [{"label": _("Excel导入"), "url": "imports:batch_list", "icon": "upload"}], order=95)
