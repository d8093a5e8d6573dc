"""Permissions come from the user's roles (like groups), on top of Django's model backend."""
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


class RoleBackend(ModelBackend):
    def get_group_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_role_perm_cache"):
            perms = Permission.objects.filter(
                pk__in=user_obj.roles.values("permissions")
            )
            names = perms.values_list("content_type__app_label", "codename")
            user_obj._role_perm_cache = {f"{app}.{code}" for app, code in names} | super().get_group_permissions(user_obj)
        return user_obj._role_perm_cache
