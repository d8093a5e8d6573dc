from django.urls import path

from . import portal, views

app_name = "appeals"
urlpatterns = [
    path("", views.Dashboard.as_view(), name="dashboard"),
    path("ledger/", views.AppealList.as_view(), name="appeal_list"),
    path("add/", views.AppealCreate.as_view(), name="appeal_add"),
    path("categories/", views.CategoryList.as_view(), name="category_list"),
    path("categories/add/", views.CategoryEdit.as_view(), name="category_add"),
    path("categories/<int:pk>/edit/", views.CategoryEdit.as_view(), name="category_edit"),
    path("routing/", views.RoutingRuleList.as_view(), name="routing_list"),
    path("routing/add/", views.RoutingRuleEdit.as_view(), name="routing_add"),
    path("routing/<int:pk>/edit/", views.RoutingRuleEdit.as_view(), name="routing_edit"),
    path("<int:pk>/", views.AppealDetail.as_view(), name="appeal_detail"),
    # the page's action forms post here (the same view; `action` comes with the form); POST only
    path("<int:pk>/action/", views.AppealDetail.as_view(http_method_names=["post", "options"]),
         name="appeal_action"),
    path("<int:pk>/reveal/", views.RevealView.as_view(), name="reveal"),
    # the public portal: no login (each view has `public = True`)
    path("public/", portal.PortalHome.as_view(), name="portal"),
    path("public/submit/", portal.PortalSubmit.as_view(), name="portal_submit"),
    path("public/track/", portal.PortalTrack.as_view(), name="portal_track"),
    path("public/rate/", portal.PortalRate.as_view(), name="portal_rate"),
]
