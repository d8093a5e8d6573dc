from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("", views.MechanismChart.as_view(), name="mechanism_current"),
    path("mechanisms/", views.MechanismList.as_view(), name="mechanism_list"),
    path("mechanisms/add/", views.MechanismEdit.as_view(), name="mechanism_add"),
    path("mechanisms/<int:pk>/", views.MechanismChart.as_view(), name="mechanism_detail"),
    path("mechanisms/<int:pk>/edit/", views.MechanismEdit.as_view(), name="mechanism_edit"),
    path("mechanisms/<int:pk>/copy/", views.MechanismCopy.as_view(), name="mechanism_copy"),
    path("bodies/add/", views.BodyEdit.as_view(), name="body_add"),
    path("bodies/<int:pk>/", views.BodyDetail.as_view(), name="body_detail"),
    path("bodies/<int:pk>/edit/", views.BodyEdit.as_view(), name="body_edit"),
    path("seats/add/", views.SeatEdit.as_view(), name="seat_add"),
    path("seats/<int:pk>/edit/", views.SeatEdit.as_view(), name="seat_edit"),
    path("seats/<int:pk>/delete/", views.SeatDelete.as_view(), name="seat_delete"),
    path("areas/", views.AreaList.as_view(), name="area_list"),
    path("areas/add/", views.AreaEdit.as_view(), name="area_add"),
    path("areas/<int:pk>/", views.AreaDetail.as_view(), name="area_detail"),
    path("areas/<int:pk>/edit/", views.AreaEdit.as_view(), name="area_edit"),
    path("areas/<int:pk>/delete/", views.AreaDelete.as_view(), name="area_delete"),
    path("units/", views.UnitList.as_view(), name="unit_list"),
    path("units/add/", views.UnitEdit.as_view(), name="unit_add"),
    path("units/<int:pk>/", views.UnitDetail.as_view(), name="unit_detail"),
    path("units/<int:pk>/edit/", views.UnitEdit.as_view(), name="unit_edit"),
    path("units/<int:pk>/delete/", views.UnitDelete.as_view(), name="unit_delete"),
    path("people/", views.PersonList.as_view(), name="person_list"),
    path("people/add/", views.PersonEdit.as_view(), name="person_add"),
    path("people/<int:pk>/", views.PersonDetail.as_view(), name="person_detail"),
    path("people/<int:pk>/edit/", views.PersonEdit.as_view(), name="person_edit"),
    path("people/<int:pk>/delete/", views.PersonDelete.as_view(), name="person_delete"),
]
