"""Beneficiaries and their cases as rows of a file: personal data, exported by administrators
only and every export logged. They are entered through the app's forms, which check for
duplicates, so they are not imported."""

from django.db import models

from cases.models import AVRCase, Beneficiary, LegalOrientationCase
from iompanama.resources import BooleanWidget, CountryWidget, DateWidget, RecordResource, column


class BeneficiaryResource(RecordResource):
    personal_data = True

    site = column("site", "site")
    given_names = column("given_names", "given_names")
    family_names = column("family_names", "family_names")
    sex = column("sex", "sex")
    date_of_birth = column("date_of_birth", "date_of_birth", DateWidget())
    estimated_age = column("estimated_age", "estimated_age")
    nationality = column("nationality", "nationality", CountryWidget())
    residence_country = column("residence_country", "residence_country", CountryWidget())
    document_type = column("document_type", "document_type")
    document_number = column("document_number", "document_number")
    phone = column("phone", "phone")
    consent_given = column("consent_given", "consent_given", BooleanWidget())
    consent_date = column("consent_date", "consent_date", DateWidget())

    class Meta(RecordResource.Meta):
        model = Beneficiary
        import_id_fields = []
        fields = [
            "site",
            "given_names",
            "family_names",
            "sex",
            "date_of_birth",
            "estimated_age",
            "nationality",
            "residence_country",
            "document_type",
            "document_number",
            "phone",
            "consent_given",
            "consent_date",
        ]


class LegalCaseResource(RecordResource):
    personal_data = True

    external_id = column("external_id", "external_id")
    site = column("site", "site")
    beneficiary = column("beneficiary", "beneficiary")
    opened_on = column("opened_on", "opened_on", DateWidget())
    topic_migration = column("topic_migration", "topic_migration", BooleanWidget())
    topic_work = column("topic_work", "topic_work", BooleanWidget())
    topic_family = column("topic_family", "topic_family", BooleanWidget())
    outcome = column("outcome", "outcome")
    is_closed = column("is_closed", "is_closed", BooleanWidget())

    class Meta(RecordResource.Meta):
        model = LegalOrientationCase
        fields = [
            "external_id",
            "site",
            "beneficiary",
            "opened_on",
            "topic_migration",
            "topic_work",
            "topic_family",
            "outcome",
            "is_closed",
        ]

    def export_queryset(self, records: models.QuerySet) -> models.QuerySet:
        return super().export_queryset(records).select_related("beneficiary")


class AVRCaseResource(RecordResource):
    personal_data = True

    external_id = column("external_id", "external_id")
    site = column("site", "site")
    principal = column("principal", "principal")
    return_country = column("return_country", "return_country", CountryWidget())
    orientation_date = column("orientation_date", "orientation_date", DateWidget())
    application_date = column("application_date", "application_date", DateWidget())
    approval_date = column("approval_date", "approval_date", DateWidget())
    departure_date = column("departure_date", "departure_date", DateWidget())
    withdrawn_on = column("withdrawn_on", "withdrawn_on", DateWidget())

    class Meta(RecordResource.Meta):
        model = AVRCase
        fields = [
            "external_id",
            "site",
            "principal",
            "return_country",
            "orientation_date",
            "application_date",
            "approval_date",
            "departure_date",
            "withdrawn_on",
        ]

    def export_queryset(self, records: models.QuerySet) -> models.QuerySet:
        return super().export_queryset(records).select_related("principal")
