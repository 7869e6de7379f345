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
from activities.resources import (
    DonationResource,
    FlowResource,
    MedicalResource,
    ReachResource,
    SurveyRoundResource,
    TrainingResource,
)
from iompanama.admin import RecordExportAdmin, RecordImportExportAdmin


@admin.register(CommunicationReach)
class CommunicationReachAdmin(RecordImportExportAdmin):
    resource_classes = [ReachResource]
    list_display = ["date", "site", "channel", "campaign", "people_reached", "status"]
    list_filter = ["status", "channel", "site"]
    date_hierarchy = "date"


@admin.register(MedicalAttentionTally)
class MedicalAttentionTallyAdmin(RecordImportExportAdmin):
    resource_classes = [MedicalResource]
    list_display = ["date", "site", "total_attended", "status"]
    list_filter = ["status", "site"]
    date_hierarchy = "date"


@admin.register(MigrationFlowStatistic)
class MigrationFlowStatisticAdmin(RecordImportExportAdmin):
    resource_classes = [FlowResource]
    list_display = ["month", "source", "crossed_total", "publication_date", "status"]
    list_filter = ["status", "source"]
    date_hierarchy = "month"


@admin.register(Donation)
class DonationAdmin(RecordExportAdmin):
    resource_classes = [DonationResource]
    list_display = ["delivery_date", "site", "recipient", "donor", "status"]
    list_filter = ["status", "donor", "site"]
    date_hierarchy = "delivery_date"


@admin.register(TrainingSession)
class TrainingSessionAdmin(RecordImportExportAdmin):
    resource_classes = [TrainingResource]
    list_display = ["start_date", "site", "title", "status"]
    list_filter = ["status", "topics", "site"]
    date_hierarchy = "start_date"


@admin.register(SurveyRound)
class SurveyRoundAdmin(RecordExportAdmin):
    resource_classes = [SurveyRoundResource]
    list_display = ["month", "site", "status"]
    list_filter = ["status", "site"]
    date_hierarchy = "month"


@admin.register(Donor)
class DonorAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "name_en"]


@admin.register(ItemCategory, TrainingTopic)
class BilingualNameAdmin(admin.ModelAdmin):
    list_display = ["name_es", "name_en", "code"]
    search_fields = ["name_es", "name_en", "code"]
