from django.contrib import admin

from reports.models import AreaOfWork, MissionProfile, PublishedFactsheet


@admin.register(MissionProfile)
class MissionProfileAdmin(admin.ModelAdmin):
    list_display = ["valid_from", "staff_national", "staff_international", "offices", "sites"]
    filter_horizontal = ["present_in"]


@admin.register(AreaOfWork)
class AreaOfWorkAdmin(admin.ModelAdmin):
    list_display = ["position", "name_es", "name_en"]


@admin.register(PublishedFactsheet)
class PublishedFactsheetAdmin(admin.ModelAdmin):
    """Published versions are frozen: seen here, never changed."""

    list_display = ["start", "end", "version", "published_by", "published_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
