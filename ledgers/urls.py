from django.urls import path

from . import views

app_name = "ledgers"
urlpatterns = [
    path("", views.LedgerIndex.as_view(), name="index"),
    path("definitions/", views.DefinitionList.as_view(), name="definition_list"),
    path("definitions/new/", views.DefinitionEdit.as_view(), name="definition_create"),
    path("definitions/from-workbook/", views.DefinitionFromWorkbook.as_view(), name="definition_from_workbook"),
    path("definitions/<int:pk>/", views.DefinitionEdit.as_view(), name="definition_edit"),
    path("definitions/<int:pk>/versions/", views.DefinitionVersions.as_view(), name="definition_versions"),
    path("dictionaries/", views.DictionaryList.as_view(), name="dictionary_list"),
    path("dictionaries/new/", views.DictionaryEdit.as_view(), name="dictionary_create"),
    path("dictionaries/<int:pk>/", views.DictionaryEdit.as_view(), name="dictionary_edit"),
    path("entries/", views.EntryList.as_view(), name="entry_list"),
    path("entries/new/", views.EntryCreate.as_view(), name="entry_create"),
    path("entries/dashboard/", views.Dashboard.as_view(), name="dashboard"),
    path("entries/<int:pk>/", views.EntryDetail.as_view(), name="entry_detail"),
    path("entries/<int:pk>/edit/", views.EntryEdit.as_view(), name="entry_edit"),
]
