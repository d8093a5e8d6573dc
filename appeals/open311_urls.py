"""/open311/v2/ — Open311 GeoReport v2 (appeals.open311)."""
from django.urls import re_path

from . import open311

FMT = r"\.(?P<fmt>json|xml)$"
app_name = "open311"
urlpatterns = [
    re_path(r"^services" + FMT, open311.ServiceList.as_view(), name="services"),
    re_path(r"^services/(?P<code>[\w-]+)" + FMT, open311.ServiceDefinition.as_view(), name="service"),
    re_path(r"^requests" + FMT, open311.RequestList.as_view(), name="requests"),
    re_path(r"^requests/(?P<request_id>[\w-]+)" + FMT, open311.RequestDetail.as_view(), name="request"),
    re_path(r"^tokens/(?P<token>[\w-]+)" + FMT, open311.TokenDetail.as_view(), name="token"),
]
