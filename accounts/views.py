import time

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_otp import login as otp_login

from audit.models import AuditAction, AuditOutcome
from audit.services import audit_record
from core.tables import Column
from core.views import ObjectListView

from . import twofactor
from .forms import LOGIN_FAILED, LoginForm
from .middleware import LOGIN_TIME_KEY
from .models import Role, User


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
    title = gettext_lazy("用户")
    columns = [
        Column("username", gettext_lazy("用户名")),
        Column("display", gettext_lazy("姓名"), accessor=lambda u: str(u)),
        Column("unit", gettext_lazy("单位"), accessor="unit.name"),
        Column("roles", gettext_lazy("角色"), accessor=lambda u: u.role_names),
        Column("is_active", gettext_lazy("启用")),
        Column("last_login", gettext_lazy("最近登录")),
    ]
    default_ordering = ("unit__path", "username")


# ---------------------------------------------------------------- two-factor login (accounts.twofactor)


def _safe_next(request, default="/"):
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or default
    ok = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return target if ok else default


class TwoFactorVerify(LoginRequiredMixin, View):
    """The second step of the login: the code from the authenticator app, or a backup code."""

    def get(self, request):
        if request.user.is_verified() or not twofactor.has_device(request.user):
            return redirect(_safe_next(request))
        return render(request, "accounts/2fa_verify.html", {"next": _safe_next(request)})

    def post(self, request):
        device = twofactor.verify(request.user, request.POST.get("code", ""))
        if device is None:
            audit_record(action=AuditAction.LOGIN_FAILED, outcome=AuditOutcome.FAILED, actor=request.user,
                         object_type="accounts.user", object_id=str(request.user.pk),
                         object_repr=request.user.get_username(), message="双因素验证码错误")
            return render(request, "accounts/2fa_verify.html",
                          {"next": _safe_next(request), "error": _("动态验证码错误，请重试。")}, status=400)
        otp_login(request, device)
        audit_record(action=AuditAction.LOGIN, actor=request.user, object_type="accounts.user",
                     object_id=str(request.user.pk), object_repr=request.user.get_username(),
                     message="双因素认证通过（" + ("备用码" if device.persistent_id.startswith("otp_static") else "动态验证码") + "）")
        return redirect(_safe_next(request))


class TwoFactorSetup(LoginRequiredMixin, View):
    """Enrolment: a QR code (and the secret to type in), confirmed by one code; then ten backup codes."""

    def context(self, device, **extra):
        return {"qr": twofactor.qr_svg_data_uri(device), "secret": twofactor.secret_base32(device),
                "next": _safe_next(self.request, "/accounts/2fa/"), **extra}

    def get(self, request):
        if twofactor.has_device(request.user) and not request.user.is_verified():
            return redirect("accounts:2fa_verify")  # re-enrolling needs the old device's code first
        return render(request, "accounts/2fa_setup.html", self.context(twofactor.start_enrolment(request.user)))

    def post(self, request):
        if twofactor.has_device(request.user) and not request.user.is_verified():
            return redirect("accounts:2fa_verify")
        device = twofactor.start_enrolment(request.user)
        codes = twofactor.confirm_enrolment(request.user, device, request.POST.get("code", ""))
        if codes is None:
            return render(request, "accounts/2fa_setup.html",
                          self.context(device, error=_("验证码不正确，请按应用中显示的6位数字重试。")), status=400)
        otp_login(request, device)
        audit_record(action=AuditAction.UPDATE, actor=request.user, obj=request.user, message="启用双因素认证")
        return render(request, "accounts/2fa_codes.html", {"codes": codes, "next": _safe_next(request, "/")})


class TwoFactorManage(LoginRequiredMixin, View):
    """双因素认证: whether it is on, required, and — when not required — the way to turn it off."""

    def get(self, request):
        return render(request, "accounts/2fa_manage.html", {
            "enrolled": twofactor.has_device(request.user), "required": twofactor.is_required(request.user)})

    def post(self, request):
        if request.POST.get("action") == "disable" and not twofactor.is_required(request.user):
            twofactor.remove(request.user)
            audit_record(action=AuditAction.UPDATE, actor=request.user, obj=request.user, message="关闭双因素认证")
            messages.success(request, _("已关闭双因素认证。"))
        elif request.POST.get("action") == "codes" and twofactor.has_device(request.user):
            codes = twofactor.new_backup_codes(request.user)
            audit_record(action=AuditAction.UPDATE, actor=request.user, obj=request.user,
                         message="重新生成双因素备用码")
            return render(request, "accounts/2fa_codes.html", {"codes": codes, "next": "/accounts/2fa/"})
        return redirect("accounts:2fa_manage")


class SecuritySettings(LoginRequiredMixin, View):
    """安全设置 — what protects the logins, as configured (docs/security.md says how to change each)."""

    def get(self, request):
        if not request.user.has_perm("accounts.change_user"):
            raise PermissionDenied
        from django.contrib.auth.password_validation import get_default_password_validators
        from django_otp.plugins.otp_totp.models import TOTPDevice

        roles = Role.objects.filter(code__in=settings.TAIZHANG_2FA_REQUIRED_ROLES)
        enrolled = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
        required_users = User.objects.filter(is_active=True, roles__in=roles).distinct().order_by("username")
        return render(request, "accounts/security.html", {
            "lockout": {"limit": settings.AXES_FAILURE_LIMIT, "minutes": round(settings.AXES_COOLOFF_TIME * 60),
                        "by": "、".join(settings.AXES_LOCKOUT_PARAMETERS)},
            "idle_minutes": settings.SESSION_IDLE_TIMEOUT // 60,
            "absolute_hours": round(settings.SESSION_ABSOLUTE_TIMEOUT / 3600, 1),
            "password_rules": [v.get_help_text() for v in get_default_password_validators()],
            "enforced": settings.TAIZHANG_2FA_ENFORCED,
            "required_roles": roles,
            "required_users": [(u, u.pk in enrolled) for u in required_users],
            "enrolled_count": len(enrolled),
            "https": settings.SESSION_COOKIE_SECURE,
        })
