from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

# One message whatever went wrong (unknown user, wrong password, locked): no account enumeration.
LOGIN_FAILED = _("用户名或密码错误，或账号已被暂时锁定。")


class LoginForm(AuthenticationForm):
    error_messages = {"invalid_login": LOGIN_FAILED, "inactive": LOGIN_FAILED}

    username = forms.CharField(label=_("用户名"), max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "class": "form-control", "autocomplete": "username"}))
    password = forms.CharField(label=_("密码"), strip=False,
                               widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "current-password"}))
