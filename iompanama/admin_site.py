from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class AdministratorsAdminSite(admin.AdminSite):
    """Only administrators enter the admin: the role decides, not a separate staff flag; and
    only once they passed the second step of signing in."""

    site_header = _("IOM Panama administration")
    site_title = _("IOM Panama")
    index_title = _("Reference data and users")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return user.is_active and user.is_administrator and user.is_verified()
