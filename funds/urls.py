from django.urls import path

from . import views

app_name = "funds"
urlpatterns = [
    path("", views.FundsDashboardView.as_view(), name="dashboard"),
    path("allocations/", views.AllocationListView.as_view(), name="allocation_list"),
    path("allocations/add/", views.AllocationCreateView.as_view(), name="allocation_add"),
    path("allocations/<int:pk>/", views.AllocationDetailView.as_view(), name="allocation_detail"),
    path("disbursements/", views.DisbursementListView.as_view(), name="disbursement_list"),
]
