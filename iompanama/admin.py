from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from simple_history.admin import SimpleHistoryAdmin

from iompanama import twofactor
from iompanama.models import (
    ExportLog,
    PeriodLock,
    PersonalDataAccess,
    Province,
    Region,
    ReviewStatus,
    Site,
    User,
)


class ReadOnlyRecordAdmin(SimpleHistoryAdmin):
    """Records change only through the app's forms and imports, so that every change goes
    through review; an approved record is not deleted here either (its figures may be
    published), nor several at once."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is None or getattr(obj, "status", None) == ReviewStatus.APPROVED:
            return False
        return super().has_delete_permission(request, obj)


class RecordExportAdmin(ExportMixin, ReadOnlyRecordAdmin):
    """Export of a record type's rows, for administrators only (settings: the export
    permission code is one only administrators hold). Cells are neutralised by the resource."""

    export_formats = [CSV, XLSX]

    def get_export_resource_kwargs(self, request: HttpRequest, **kwargs) -> dict:
        return {"user": request.user}


class RecordImportExportAdmin(ImportExportMixin, RecordExportAdmin):
    """Import too, with the resource's rules: rows enter review as submitted by the importer."""

    import_formats = [CSV, XLSX]

    def get_import_resource_kwargs(self, request: HttpRequest, **kwargs) -> dict:
        return {"user": request.user}


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    actions = ["reset_two_factor"]
    list_filter = ["is_active", "groups", "sites"]
    filter_horizontal = ["groups", "sites", "user_permissions"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Work"), {"fields": ["sites", "language"]}),
    ]

    @admin.action(description=_("Reset two-factor sign-in (a lost phone)"))
    def reset_two_factor(self, request: HttpRequest, users) -> None:
        """Each reset is kept in the person's admin history: who reset it, and when."""
        for user in users:
            twofactor.reset(user)
            self.log_change(request, user, gettext("Two-factor sign-in reset."))
        self.message_user(
            request,
            gettext("Two-factor sign-in reset for %(count)s people: they set it up again.")
            % {"count": len(users)},
        )


@admin.register(PeriodLock)
class PeriodLockAdmin(admin.ModelAdmin):
    """Read-only: periods are locked by publishing and unlocked, with a reason, from the app's
    locked periods page."""

    list_display = ["start", "end", "factsheet", "locked_at", "unlocked_at", "unlock_reason"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_administrator


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """Regions have no change history of their own (only sites do)."""

    list_display = ["name", "name_en"]
    search_fields = ["name", "name_en"]


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "region"]
    list_filter = ["kind", "region"]
    list_editable = ["region"]


@admin.register(Site)
class SiteAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "province", "is_active"]
    list_filter = ["kind", "province", "is_active"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


class LogAdmin(admin.ModelAdmin):
    """A log is read, searched and filtered; nobody writes or deletes a row of it by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(LogAdmin):
    list_display = ["at", "by", "action", "content_type", "object_id", "address", "path"]
    list_filter = ["action", "content_type", ("at", admin.DateFieldListFilter)]
    # Who looked at a person: their kind of record and number; or what someone looked at.
    search_fields = ["by__username", "by__last_name", "path", "address", "=object_id"]
    date_hierarchy = "at"
    list_select_related = ["by", "content_type"]


@admin.register(ExportLog)
class ExportLogAdmin(LogAdmin):
    list_display = ["at", "by", "kind", "rows", "file_format", "filters"]
    list_filter = ["kind", "file_format"]
    search_fields = ["by__username", "by__last_name", "kind", "filters"]
    date_hierarchy = "at"
    list_select_related = ["by"]
