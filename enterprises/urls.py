from django.urls import path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("", views.EnterpriseList.as_view(), name="enterprise_list"),
    path("add/", views.EnterpriseEdit.as_view(), name="enterprise_add"),
    path("<int:pk>/", views.EnterpriseDetail.as_view(), name="enterprise_detail"),
    path("<int:pk>/edit/", views.EnterpriseEdit.as_view(), name="enterprise_edit"),
    path("<int:pk>/visits/add/", views.VisitAdd.as_view(), name="visit_add"),
    path("<int:pk>/pairings/add/", views.PairingAdd.as_view(), name="pairing_add"),
    path("visits/", views.VisitList.as_view(), name="visit_list"),
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
]
