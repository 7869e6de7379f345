from django.contrib import admin

from activities.models import (
    CommunicationReach,
    Donation,
    Donor,
    ItemCategory,
    MedicalAttentionTally,
    MigrationFlowStatistic,
    SurveyRound,
    TrainingSession,
    TrainingTopic,
)
from iompanama.admin import ReadOnlyRecordAdmin


@admin.register(CommunicationReach)
class CommunicationReachAdmin(ReadOnlyRecordAdmin):
    list_display = ["date", "site", "channel", "campaign", "people_reached", "status"]
    list_filter = ["status", "channel", "site"]
    date_hierarchy = "date"


@admin.register(MedicalAttentionTally)
class MedicalAttentionTallyAdmin(ReadOnlyRecordAdmin):
    list_display = ["date", "site", "total_attended", "status"]
    list_filter = ["status", "site"]
    date_hierarchy = "date"


@admin.register(MigrationFlowStatistic)
class MigrationFlowStatisticAdmin(ReadOnlyRecordAdmin):
    list_display = ["month", "source", "crossed_total", "publication_date", "status"]
    list_filter = ["status", "source"]
    date_hierarchy = "month"


@admin.register(Donation)
class DonationAdmin(ReadOnlyRecordAdmin):
    list_display = ["delivery_date", "site", "recipient", "donor", "status"]
    list_filter = ["status", "donor", "site"]
    date_hierarchy = "delivery_date"


@admin.register(TrainingSession)
class TrainingSessionAdmin(ReadOnlyRecordAdmin):
    list_display = ["start_date", "site", "title", "status"]
    list_filter = ["status", "topics", "site"]
    date_hierarchy = "start_date"


@admin.register(SurveyRound)
class SurveyRoundAdmin(ReadOnlyRecordAdmin):
    list_display = ["month", "site", "status"]
    list_filter = ["status", "site"]
    date_hierarchy = "month"


@admin.register(Donor)
class DonorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(ItemCategory, TrainingTopic)
class BilingualNameAdmin(admin.ModelAdmin):
    list_display = ["name_es", "name_en", "code"]
    search_fields = ["name_es", "name_en", "code"]
