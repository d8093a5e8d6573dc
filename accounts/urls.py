from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.Login.as_view(), name="login"),
    path("logout/", views.Logout.as_view(), name="logout"),
    path("users/", views.UserList.as_view(), name="user_list"),
]
