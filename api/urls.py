"""/api/: one router for every app's endpoints, the OpenAPI document and its docs page (assets vendored)."""
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import DefaultRouter

from appeals import api as appeals_api
from enterprises import api as enterprises_api
from funds import api as funds_api
from imports import api as imports_api
from items import api as items_api
from ledgers import api as ledgers_api
from org import api as org_api
from projects import api as projects_api
from supervision import api as supervision_api
from tasks import api as tasks_api

from . import views

router = DefaultRouter()
org_api.register(router)
items_api.register(router)
tasks_api.register(router)
projects_api.register(router)
funds_api.register(router)
supervision_api.register(router)
enterprises_api.register(router)
appeals_api.register(router)
imports_api.register(router)
ledgers_api.register(router)

app_name = "api"
urlpatterns = [
    # The document describes the government's internal API: signed-in users only, like every endpoint.
    path("schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema", permission_classes=[IsAuthenticated]),
         name="docs"),
    path("token/", views.ObtainToken.as_view(), name="token"),
    path("", include(router.urls)),
]
