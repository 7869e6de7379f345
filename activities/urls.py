from django.urls import path

from activities import views

app_name = "activities"
urlpatterns = [
    path("reach/", views.reach_list, name="reach_list"),
    path("reach/new/", views.reach_create, name="reach_create"),
    path("reach/<int:pk>/", views.reach_detail, name="reach_detail"),
    path("reach/<int:pk>/edit/", views.reach_edit, name="reach_edit"),
]
