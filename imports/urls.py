from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.BatchList.as_view(), name="batch_list"),
    path("new/", views.Upload.as_view(), name="upload"),
    path("template/<str:code>/", views.TemplateDownload.as_view(), name="template"),
    path("<int:pk>/", views.BatchDetail.as_view(), name="batch_detail"),
    path("<int:pk>/mapping/", views.BatchAction.as_view(step="mapping"), name="batch_mapping"),
    path("<int:pk>/check/", views.BatchAction.as_view(step="check"), name="batch_check"),
    path("<int:pk>/commit/", views.BatchAction.as_view(step="commit"), name="batch_commit"),
    path("<int:pk>/undo/", views.BatchAction.as_view(step="undo"), name="batch_undo"),
]
