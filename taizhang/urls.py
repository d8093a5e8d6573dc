from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

urlpatterns = [
    path("", include("org.urls")),
    path("accounts/", include("accounts.urls")),
    path("audit/", include("audit.urls")),
    path("items/", include("items.urls")),
    path("tasks/", include("tasks.urls")),
    path("projects/", include("projects.urls")),
    path("funds/", include("funds.urls")),
    path("supervision/", include("supervision.urls")),
    path("enterprises/", include("enterprises.urls")),
    path("appeals/", include("appeals.urls")),
    path("ledgers/", include("ledgers.urls")),
    path("imports/", include("imports.urls")),
    path("api/", include("api.urls")),
    path("open311/v2/", include("appeals.open311_urls")),
    path("ops/", include("ops.urls")),
    path("", include("ops.health_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include("core.urls")),
]
