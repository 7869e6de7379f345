from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("figures/", views.figures_page, name="figures"),
    path("publish/preview/", views.preview, name="preview"),
    path("publish/preview.pdf", views.preview_pdf, name="preview_pdf"),
    path("publish/", views.publish, name="publish"),
    path("workbook/<int:year>-q<int:quarter>.xlsx", views.quarter_workbook, name="workbook"),
    path("factsheets/", views.factsheet_list, name="factsheet_list"),
    path("factsheets/<int:pk>/", views.factsheet, name="factsheet"),
    path("factsheets/<int:pk>.json", views.factsheet_json, name="factsheet_json"),
    path("factsheets/<int:pk>.csv", views.factsheet_csv, name="factsheet_csv"),
    path("factsheets/<int:pk>.hxl.csv", views.factsheet_hxl, name="factsheet_hxl"),
    path("factsheets/<int:pk>.pdf", views.factsheet_pdf, name="factsheet_pdf"),
]
