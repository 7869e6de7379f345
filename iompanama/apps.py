from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class IompanamaConfig(AppConfig):
    name = "iompanama"
    verbose_name = _("Accounts and sites")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from iompanama.middleware import start_renewal_clock
        from iompanama.twofactor import note_pending_at_sign_in

        user_logged_in.connect(start_renewal_clock)
        user_logged_in.connect(note_pending_at_sign_in)


class IompanamaAdminConfig(AdminConfig):
    default_site = "iompanama.admin_site.AdministratorsAdminSite"
