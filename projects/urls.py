from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.ProjectListView.as_view(), name="project_list"),
    path("add/", views.ProjectCreateView.as_view(), name="project_add"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("<int:pk>/investment/", views.InvestmentReportView.as_view(), name="investment_report"),
    path("<int:pk>/stage/", views.StageRecordView.as_view(), name="stage_record"),
    path("<int:pk>/plan/", views.AnnualPlanView.as_view(), name="annual_plan"),
    path("events/", views.SigningEventListView.as_view(), name="event_list"),
    path("events/add/", views.SigningEventCreateView.as_view(), name="event_add"),
    path("events/<int:pk>/", views.SigningEventDetailView.as_view(), name="event_detail"),
    path("events/<int:pk>/signed/", views.SignedProjectAddView.as_view(), name="signed_add"),
    path("carriers/", views.CarrierListView.as_view(), name="carrier_list"),
    path("carriers/map/", views.CarrierMapView.as_view(), name="carrier_map"),
    path("carriers/add/", views.CarrierEditView.as_view(), name="carrier_add"),
    path("carriers/<int:pk>/", views.CarrierDetailView.as_view(), name="carrier_detail"),
    path("carriers/<int:pk>/edit/", views.CarrierEditView.as_view(), name="carrier_edit"),
]
