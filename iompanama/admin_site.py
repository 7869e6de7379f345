from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class AdministratorsAdminSite(admin.AdminSite):
    """Only administrators enter the admin: the role decides, not a separate staff flag."""

    site_header = _("IOM Panama administration")
    site_title = _("IOM Panama")
    index_title = _("Reference data and users")

    def has_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_administrator
