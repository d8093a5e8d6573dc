import time

from django.contrib import auth
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.tables import Column
from core.views import ObjectListView

from .forms import LOGIN_FAILED, LoginForm
from .middleware import LOGIN_TIME_KEY
from .models import User


class Login(LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session[LOGIN_TIME_KEY] = time.time()
        return response


def lockout_response(request, credentials, *args, **kwargs):
    """django-axes lockout: the same page and message as a wrong password (no hint the account exists)."""
    form = LoginForm(request, data=request.POST or None)
    form.is_bound = True
    form._errors = {"__all__": form.error_class([LOGIN_FAILED])}
    return render(request, "accounts/login.html", {"form": form}, status=429)


class Logout(View):
    """POST only; the session row is deleted server-side (auth.logout flushes it)."""

    def post(self, request):
        auth.logout(request)
        return redirect("accounts:login")


class UserList(ObjectListView):
    queryset = User.objects.select_related("unit", "person").prefetch_related("roles")
    permission_required = "accounts.view_user"  # user administration, like the sidebar link
    title = _("用户")
    columns = [
        Column("username", _("用户名")),
        Column("display", _("姓名"), accessor=lambda u: str(u)),
        Column("unit", _("单位"), accessor="unit.name"),
        Column("roles", _("角色"), accessor=lambda u: u.role_names),
        Column("is_active", _("启用")),
        Column("last_login", _("最近登录")),
    ]
    default_ordering = ("unit__path", "username")
