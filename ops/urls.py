from django.urls import path

from . import views

app_name = "ops"
urlpatterns = [
    path("jobs/", views.JobList.as_view(), name="job_list"),
    path("jobs/<uuid:pk>/", views.JobDetail.as_view(), name="job_detail"),
    path("jobs/<uuid:pk>/retry/", views.JobRetry.as_view(), name="job_retry"),
]
