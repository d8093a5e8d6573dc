from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.AuditLogList.as_view(), name="log_list"),
]
