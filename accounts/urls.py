from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.Login.as_view(), name="login"),
    path("logout/", views.Logout.as_view(), name="logout"),
    path("users/", views.UserList.as_view(), name="user_list"),
    path("security/", views.SecuritySettings.as_view(), name="security"),
    path("2fa/", views.TwoFactorManage.as_view(), name="2fa_manage"),
    path("2fa/verify/", views.TwoFactorVerify.as_view(), name="2fa_verify"),
    path("2fa/setup/", views.TwoFactorSetup.as_view(), name="2fa_setup"),
]
