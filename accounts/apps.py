from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import ports

from .personal import may_see_personal_data


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账号与权限")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .twofactor import remember_nothing_owed

        user_logged_in.connect(remember_nothing_owed, dispatch_uid="taizhang-2fa-nothing-owed")
        # scope imports the models, which are loaded only now
        from .scope import get_scoped_or_404, has_model_permission, user_scope, visible_to

        ports.scope.provide(visible_to=visible_to, get_scoped_or_404=get_scoped_or_404,
                            has_model_permission=has_model_permission, may_see_personal_data=may_see_personal_data,
                            user_scope=user_scope)
