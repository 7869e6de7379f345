"""Each activity record as a row of a CSV or XLSX file, for imports and exports."""

import tablib
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from import_export.results import RowResult

from activities import kobo
from activities.models import (
    Answer,
    CommunicationReach,
    Donation,
    Donor,
    ItemCategory,
    KoboForm,
    MedicalAttentionTally,
    MigrationFlowStatistic,
    SurveyResponse,
    SurveyRound,
    TrainingSession,
    TrainingTopic,
)
from iompanama.files.resources import SITE, Column, FileResource, Lines, RecordResource
from iompanama.files.widgets import (
    BooleanWidget,
    ChoiceWidget,
    CountryWidget,
    DateWidget,
    MonthWidget,
    NamedListWidget,
    NamedWidget,
    NumberWidget,
)
from iompanama.models import PeriodLocked, Sex, Site, User

EXTERNAL_ID = Column(
    "external_id", _("Your identifier of the row: importing it again updates the record."), "R-0001"
)
DATE_HELP = _("Date, as 2024-03-31 or 31/03/2024.")


def count(name: str, help: str, example: str, required: bool = True, attribute: str = "") -> Column:
    return Column(name, help, example, NumberWidget(), required, attribute)


class ReachResource(RecordResource):
    columns = (
        EXTERNAL_ID,
        SITE,
        Column("date", DATE_HELP, "2024-03-31", DateWidget(), True),
        Column(
            "channel",
            _("Channel, by its code."),
            "facebook",
            ChoiceWidget(CommunicationReach.Channel),
            True,
        ),
        Column("campaign", _("Name of the campaign."), "Migración segura", required=True),
        count("people_reached", _("People reached, a whole number above 0."), "1200"),
    )

    class Meta(RecordResource.Meta):
        model = CommunicationReach


class MedicalResource(RecordResource):
    site_kind = Site.Kind.ETRM
    columns = (
        EXTERNAL_ID,
        Column(
            "site",
            _("Reception station (ETRM), by its code or its name."),
            "lajas-blancas",
            required=True,
        ),
        Column("date", DATE_HELP, "2024-03-31", DateWidget(), True),
        count("women_adults", _("Adult women attended."), "10"),
        count("men_adults", _("Adult men attended."), "12"),
        count("girls", _("Girls (children and adolescents) attended."), "3"),
        count("boys", _("Boys (children and adolescents) attended."), "5"),
        count("total_attended", _("Total attended: the sum of the four parts."), "30"),
    )

    class Meta(RecordResource.Meta):
        model = MedicalAttentionTally


class FlowResource(RecordResource):
    """The SNM's monthly statistics of people who crossed the Darién."""

    hxl_people = "#affected"  # not reached by IOM: in the population the crisis affects

    columns = (
        EXTERNAL_ID,
        SITE,
        Column("month", _("Month, as 2024-03 or 03/2024."), "2024-03", MonthWidget(), True),
        Column("source", _("Who published it; SNM when empty."), "SNM"),
        Column("publication_date", _("Date of publication."), "2024-04-10", DateWidget(), True),
        count("crossed_total", _("People who crossed."), "1000"),
        count("adults", _("Adults; adults and minors add up to the total."), "770"),
        count("minors", _("Minors."), "230"),
        count(
            "women",
            _("Women; women and men add up to the total, or both stay empty."),
            "400",
            required=False,
        ),
        count("men", _("Men."), "600", required=False),
    )

    lines = Lines(
        "by_nationality",
        (
            Column(
                "nationality",
                _("When published by nationality: a nationality, one line each."),
                "VE",
                CountryWidget(),
            ),
            count(
                "nationality_crossed",
                _("People of that nationality who crossed."),
                "640",
                False,
                "crossed",
            ),
        ),
        required=False,
    )

    class Meta(RecordResource.Meta):
        model = MigrationFlowStatistic

    def before_import_row(self, row, **kwargs) -> None:
        super().before_import_row(row, **kwargs)
        if not row.get("source"):
            row["source"] = "SNM"


def yes_no(name: str, help: str, example: str) -> Column:
    return Column(name, help, example, BooleanWidget())


class TrainingResource(RecordResource):
    columns = (
        EXTERNAL_ID,
        SITE,
        Column("title", _("Title of the workshop."), "Derechos laborales", required=True),
        Column("start_date", _("First day."), "2024-03-01", DateWidget(), True),
        Column("end_date", _("Last day."), "2024-03-02", DateWidget(), True),
        yes_no("audience_migrants", _("Migrants and host communities: yes or no."), "yes"),
        yes_no("audience_government", _("Partners, government: yes or no."), "no"),
        yes_no("audience_civil_society", _("Partners, civil society: yes or no."), "no"),
        yes_no("audience_private_sector", _("Partners, private sector: yes or no."), "no"),
        Column(
            "topics",
            _("Topics by name, separated by semicolons."),
            "Trata de personas",
            NamedListWidget(TrainingTopic, ["name_es", "name_en", "code"]),
            True,
        ),
        count("women", _("Women who attended."), "10"),
        count("men", _("Men who attended."), "8"),
        count("other_or_not_stated", _("Others or not stated."), "0", required=False),
        count(
            "children_adolescents",
            _("Migrant audiences: children and adolescents."),
            "4",
            required=False,
        ),
        count("adults", _("Migrant audiences: adults."), "14", required=False),
        Column("facilitators", _("Who facilitated."), "Equipo OIM"),
    )

    class Meta(RecordResource.Meta):
        model = TrainingSession

    def export_queryset(self, records: models.QuerySet) -> models.QuerySet:
        return super().export_queryset(records).prefetch_related("topics")


class DonationResource(RecordResource):
    """A donation per external ID, one line of the file per item line."""

    columns = (
        Column(
            "external_id",
            _("The donation's identifier: its item lines repeat it and the donation's columns."),
            "D-0001",
            required=True,
        ),
        SITE,
        Column("delivery_date", DATE_HELP, "2024-03-31", DateWidget(), True),
        Column("recipient", _("Recipient institution."), "Hospital de Metetí", required=True),
        Column(
            "donor",
            _("Funding donor, by name."),
            "ECHO",
            NamedWidget(Donor, ["name"]),
            True,
        ),
    )
    lines = Lines(
        "items",
        (
            Column(
                "item_category",
                _("Category of the item line, by name or code."),
                "Higiene",
                NamedWidget(ItemCategory, ["name_es", "name_en", "code"]),
                True,
                attribute="category",
            ),
            Column(
                "item_description",
                _("What was delivered."),
                "Kit de higiene familiar",
                required=True,
                attribute="description",
            ),
            count("item_quantity", _("Quantity, a whole number above 0."), "50", True, "quantity"),
            Column(
                "item_unit",
                _("Units, kits, boxes, meals..."),
                "kits",
                required=True,
                attribute="unit",
            ),
        ),
    )

    class Meta(RecordResource.Meta):
        model = Donation

    def export_queryset(self, records: models.QuerySet) -> models.QuerySet:
        return super().export_queryset(records).select_related("donor")


class SurveyRoundResource(RecordResource):
    """Exported only; respondent rows come from the survey tool's export."""

    importable = False
    columns = (EXTERNAL_ID, SITE, Column("month", widget=MonthWidget()))

    class Meta(RecordResource.Meta):
        model = SurveyRound


# The survey tool's answer codes, besides our own codes and labels.
SURVEY_TOOL_CODES = {
    Answer: {
        "1": Answer.YES,
        "si": Answer.YES,
        "sí": Answer.YES,
        "0": Answer.NO,
        "2": Answer.NO,
        "99": Answer.NO_ANSWER,
        "ns/nr": Answer.NO_ANSWER,
    },
    SurveyResponse.Source: {
        "familia_amigos": SurveyResponse.Source.FAMILY_FRIENDS,
        "redes_sociales": SurveyResponse.Source.SOCIAL_MEDIA,
        "otros_migrantes": SurveyResponse.Source.OTHER_MIGRANTS,
        "medios": SurveyResponse.Source.NEWS,
        "autoridades": SurveyResponse.Source.AUTHORITIES,
        "coyotes": SurveyResponse.Source.SMUGGLERS,
        "otro": SurveyResponse.Source.OTHER,
    },
    SurveyResponse.Reason: {
        "economica": SurveyResponse.Reason.ECONOMIC,
        "inseguridad": SurveyResponse.Reason.INSECURITY,
        "reunificacion": SurveyResponse.Reason.FAMILY,
        "politica": SurveyResponse.Reason.POLITICAL,
        "ambiental": SurveyResponse.Reason.ENVIRONMENT,
        "servicios": SurveyResponse.Reason.SERVICES,
        "otro": SurveyResponse.Reason.OTHER,
    },
    Sex: {
        "f": Sex.FEMALE,
        "mujer": Sex.FEMALE,
        "m": Sex.MALE,
        "hombre": Sex.MALE,
        "otro": Sex.OTHER,
    },
}


def answer(name: str, choices, required: bool = True) -> Column:
    widget = ChoiceWidget(choices, SURVEY_TOOL_CODES.get(choices, {}))
    return Column(name, widget=widget, required=required)


RESPONSE_COLUMNS = (
    Column("respondent_id"),
    answer("main_source", SurveyResponse.Source),
    answer("regular_pathways_info", Answer),
    answer("dangers_info", Answer),
    answer("first_reason", SurveyResponse.Reason),
    answer("second_reason", SurveyResponse.Reason, required=False),
    answer("sex", Sex),
    answer("age_group", SurveyResponse.AgeGroup),
    Column("nationality", widget=CountryWidget(), required=True),
)


class SurveyResponseResource(FileResource):
    """Respondent rows of one survey round, from the survey tool's export. Made per round:
    the rows go into `round`, which the importer may edit; the round itself goes through
    review as it is."""

    columns = RESPONSE_COLUMNS

    class Meta(FileResource.Meta):
        model = SurveyResponse
        import_id_fields = ["respondent_id"]

    def __init__(self, user: User, approve: bool = False, *, round: SurveyRound) -> None:
        super().__init__(user)
        self.round = round

    def stored_rows(self, keys: list[str]) -> models.QuerySet:
        return self.round.responses.filter(respondent_id__in=keys)

    def after_init_instance(self, instance, new, row, **kwargs) -> None:
        instance.round = self.round


class KoboResponseResource(FileResource):
    """Respondent rows of a KoboToolbox export as it comes, read through its form's mapping
    (`prepare`, kobo.py) into the round of each submission's month at the form's site: the
    month's open round, or a new draft one. A round waiting for review or approved takes no
    new or changed respondent, but its unchanged ones pass, so that the export of every
    submission to date imports again month after month. Submissions the survey team rejected
    in KoboToolbox are left out."""

    columns = (Column("month", widget=MonthWidget(), required=True), *RESPONSE_COLUMNS)

    class Meta(FileResource.Meta):
        model = SurveyResponse
        import_id_fields = ["respondent_id"]

    def __init__(self, user: User, approve: bool = False, *, form: KoboForm) -> None:
        super().__init__(user)
        self.form = form
        self.rejected: set[int] = set()
        self.rounds: dict = {}  # month -> (round, why it takes no new respondent, or "")

    def prepare(self, dataset: tablib.Dataset) -> tablib.Dataset:
        converted, self.rejected = self.form.export().convert(dataset)
        if self.rejected:
            self.warnings.append(
                _(
                    "%(count)s submissions that the survey team did not approve in "
                    "KoboToolbox were left out."
                )
                % {"count": len(self.rejected)}
            )
        return converted

    def before_import(self, dataset, **kwargs) -> None:
        """The rounds of the file's months, found or made once (inside the import's
        transaction: a preview makes none)."""
        super().before_import(dataset, **kwargs)
        provinces = list(self.form.provinces.all())
        for month in {self._month(value) for value in dataset["month"]} - {None}:
            try:
                self.rounds[month] = SurveyRound.for_import(
                    self.form.site, month, provinces, self.user
                )
            except PeriodLocked as refusal:
                self.rounds[month] = (None, str(refusal))

    @staticmethod
    def _month(value):
        try:
            return MonthWidget().clean(value)
        except ValueError:
            return None

    def stored_rows(self, keys: list[str]) -> models.QuerySet:
        return SurveyResponse.objects.filter(round__site=self.form.site, respondent_id__in=keys)

    def import_row(self, row, instance_loader, **kwargs) -> RowResult:
        if kwargs["row_number"] - 1 in self.rejected:
            result = self.get_row_result_class()()
            result.import_type = RowResult.IMPORT_TYPE_SKIP
            return result
        return super().import_row(row, instance_loader, **kwargs)

    def import_instance(self, instance, row, **kwargs) -> None:
        try:
            super().import_instance(instance, row, **kwargs)
            errors = {}
        except ValidationError as error:
            errors = error.update_error_dict({})
        if "month" not in errors:
            survey, refusal = self.rounds[instance.month]
            if refusal and not (instance.pk and self._is_unchanged(instance)):
                errors["month"] = [refusal]
            instance.round = survey
        if errors:
            raise ValidationError(errors)


def guess_code(target: str, said: frozenset[str]) -> str:
    """Our code for a choice of a survey form, said by its name or its labels: one of our codes
    or labels in either language, a survey tool's usual code, a country; "no answer" for a
    "don't know" choice. Empty when none fits: the administrator chooses."""
    widget = next(column.widget for column in RESPONSE_COLUMNS if column.name == target)
    for text in sorted(said):
        if kobo.says_no_answer(text):
            return Answer.NO_ANSWER if getattr(widget, "choices", None) is Answer else ""
        try:
            return widget.clean(text)
        except ValueError:
            continue
    return ""
