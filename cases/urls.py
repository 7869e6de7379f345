from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("beneficiaries/", views.beneficiary_list, name="beneficiary_list"),
    path(
        "beneficiaries/export.<str:file_format>",
        views.beneficiary_export,
        name="beneficiary_export",
    ),
    path("beneficiaries/import/", views.beneficiary_import, name="beneficiary_import"),
    path(
        "beneficiaries/import/template.xlsx",
        views.beneficiary_import_template,
        name="beneficiary_import_template",
    ),
    path("beneficiaries/new/", views.beneficiary_create, name="beneficiary_create"),
    path("beneficiaries/search/", views.people_search, name="people_search"),
    path("beneficiaries/offline.json", views.people_offline, name="people_offline"),
    path("beneficiaries/<int:pk>/", views.beneficiary_detail, name="beneficiary_detail"),
    path("beneficiaries/<int:pk>/edit/", views.beneficiary_edit, name="beneficiary_edit"),
    path("duplicates/", views.duplicate_queue, name="duplicate_queue"),
    path("duplicates/<int:pk>/decide/", views.duplicate_decide, name="duplicate_decide"),
    path("merges/<int:pk>/approve/", views.merge_approve, name="merge_approve"),
    path("merges/<int:pk>/reject/", views.merge_reject, name="merge_reject"),
    path("merges/<int:pk>/undo/", views.merge_undo, name="merge_undo"),
    *views.legal.urls("legal"),
    *views.avr.urls("avr"),
]
