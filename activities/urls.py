from django.urls import path

from activities import views

app_name = "activities"
urlpatterns = [
    *views.reach.urls("reach"),
    *views.medical.urls("medical"),
    *views.flow.urls("flow"),
    *views.donation.urls("donations"),
    path("donations/<int:pk>/receipt/", views.donation_receipt, name="donation_receipt"),
    *views.training.urls("trainings"),
    path("trainings/<int:pk>/attendance-sheet/", views.training_sheet, name="training_sheet"),
    *views.survey.urls("surveys"),
    path(
        "surveys/<int:pk>/respondents/import/",
        views.survey_respondents_import,
        name="survey_respondents_import",
    ),
    path("surveys/kobo/", views.kobo_forms, name="kobo_forms"),
    path("surveys/kobo/<int:pk>/", views.kobo_form, name="kobo_form"),
    path("surveys/kobo/<int:pk>/import/", views.kobo_import, name="kobo_import"),
]
