from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("week/", views.ThisWeekView.as_view(), name="this_week"),
    path("inspections/", views.InspectionList.as_view(), name="inspection_list"),
    path("inspections/new/", views.InspectionCreate.as_view(), name="inspection_create"),
    path("inspections/<int:pk>/", views.InspectionDetail.as_view(), name="inspection_detail"),
    path("inspections/<int:pk>/edit/", views.InspectionEdit.as_view(), name="inspection_edit"),
    path("inspections/<int:pk>/<slug:action>/", views.InspectionAction.as_view(), name="inspection_action"),
    path("photos/<int:pk>/", views.InspectionPhotoDownload.as_view(), name="inspection_photo"),
    path("findings/", views.FindingList.as_view(), name="finding_list"),
    path("findings/<int:pk>/", views.FindingPage.as_view(), name="finding_detail"),
    # the same view: the finding page's workflow forms post to the page itself, or here (POST only)
    path("findings/<int:pk>/do/<slug:action>/", views.FindingPage.as_view(http_method_names=["post"]),
         name="finding_action"),
    path("items/<int:pk>/to-finding/", views.FindingFromItem.as_view(), name="finding_from_item"),
    path("items/<int:pk>/notice/", views.NoticeCreate.as_view(), name="notice_create"),
    path("notices/", views.NoticeList.as_view(), name="notice_list"),
    path("notices/<int:pk>/", views.NoticeDetail.as_view(), name="notice_detail"),
    path("notices/<int:pk>/download/", views.NoticeDownload.as_view(), name="notice_download"),
    path("notices/<int:pk>/<slug:action>/", views.NoticeAction.as_view(), name="notice_action"),
    path("bulletins/", views.BulletinList.as_view(), name="bulletin_list"),
    path("bulletins/new/", views.BulletinCreate.as_view(), name="bulletin_create"),
    path("bulletins/<int:pk>/", views.BulletinDetail.as_view(), name="bulletin_detail"),
    path("bulletins/<int:pk>/publish/", views.BulletinPublish.as_view(), name="bulletin_publish"),
    path("bulletins/<int:pk>/rows/<str:key>/", views.BulletinRows.as_view(), name="bulletin_rows"),
    path("bulletins/<int:pk>/download.<slug:fmt>", views.BulletinDownload.as_view(), name="bulletin_download"),
    path("formulas/new/", views.FormulaEdit.as_view(), name="formula_create"),
    path("formulas/<int:pk>/", views.FormulaEdit.as_view(), name="formula_edit"),
]
