from django.contrib import admin

from activities.models import CommunicationReach
from iompanama.admin import ReadOnlyRecordAdmin


@admin.register(CommunicationReach)
class CommunicationReachAdmin(ReadOnlyRecordAdmin):
    list_display = ["date", "site", "channel", "campaign", "people_reached", "status"]
    list_filter = ["status", "channel", "site"]
    date_hierarchy = "date"
