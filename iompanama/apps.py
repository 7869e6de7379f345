from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class IompanamaConfig(AppConfig):
    name = "iompanama"
    verbose_name = _("Accounts and sites")


class IompanamaAdminConfig(AdminConfig):
    default_site = "iompanama.admin_site.AdministratorsAdminSite"
