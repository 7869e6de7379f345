"""Each activity record as a row of a CSV or XLSX file, for imports and exports."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from activities.models import (
    Answer,
    CommunicationReach,
    Donation,
    Donor,
    ItemCategory,
    MedicalAttentionTally,
    MigrationFlowStatistic,
    SurveyResponse,
    SurveyRound,
    TrainingSession,
    TrainingTopic,
)
from iompanama.models import Sex, Site, User
from iompanama.resources import (
    SITE,
    BooleanWidget,
    ChoiceWidget,
    Column,
    CountryWidget,
    DateWidget,
    FileResource,
    Lines,
    MonthWidget,
    NamedListWidget,
    NamedWidget,
    NumberWidget,
    RecordResource,
)

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
        count("women", _("Women; women and men add up to the total."), "400"),
        count("men", _("Men."), "600"),
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


class SurveyResponseResource(FileResource):
    """Respondent rows of one survey round, from the survey tool's export. Made per round:
    the rows go into `round`, which the importer may edit; the round itself goes through
    review as it is."""

    columns = (
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
