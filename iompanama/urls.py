from django.contrib import admin
from django.urls import include, path

from iompanama import offline, twofactor, views
from iompanama.files import views as files

urlpatterns = [
    path("", views.home, name="home"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("outbox/", offline.outbox, name="outbox"),
    path("accounts/two-factor/", twofactor.verify, name="two_factor_verify"),
    path("accounts/two-factor/setup/", twofactor.setup, name="two_factor_setup"),
    path(
        "accounts/two-factor/recovery-codes/",
        twofactor.recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("language/", views.set_language, name="set_language"),
    path("review/<str:kind>/<int:pk>/submit/", views.submit, name="submit"),
    path("review/<str:kind>/<int:pk>/approve/", views.approve, name="approve"),
    path("review/<str:kind>/<int:pk>/return/", views.return_to_author, name="return"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/bulk-approve/", views.bulk_approve, name="bulk_approve"),
    path("locks/", views.period_locks, name="period_locks"),
    path("locks/<int:pk>/unlock/", views.unlock_period, name="unlock_period"),
    path("locks/<int:pk>/relock/", views.relock_period, name="relock_period"),
    path("jobs/<int:pk>/", files.job_page, name="job"),
    path("jobs/<int:pk>/download/", files.job_download, name="job_download"),
    path("jobs/<int:pk>/confirm/", files.job_confirm, name="job_confirm"),
    path("cases/", include("cases.urls")),
    path("activities/", include("activities.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]
