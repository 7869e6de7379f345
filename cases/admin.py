from django.contrib import admin

from cases.models import AVRCase, Beneficiary, LegalOrientationCase
from iompanama.admin import ReadOnlyRecordAdmin

# No import or export here: personal data leave the system only through the app's export
# pages, which log every export.


@admin.register(Beneficiary)
class BeneficiaryAdmin(ReadOnlyRecordAdmin):
    """People are registered through the app's form, which checks for duplicates."""

    list_display = ["family_names", "given_names", "nationality", "site"]
    list_filter = ["site", "nationality"]


@admin.register(LegalOrientationCase)
class LegalOrientationCaseAdmin(ReadOnlyRecordAdmin):
    list_display = ["opened_on", "beneficiary", "site", "is_closed", "status"]
    list_filter = ["status", "site", "is_closed"]
    date_hierarchy = "opened_on"


@admin.register(AVRCase)
class AVRCaseAdmin(ReadOnlyRecordAdmin):
    list_display = ["orientation_date", "principal", "return_country", "site", "status"]
    list_filter = ["status", "site"]
    date_hierarchy = "orientation_date"
