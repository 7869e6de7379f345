"""Each activity record as a row of a CSV or XLSX file, for imports and exports."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from import_export import fields

from activities.models import (
    Answer,
    CommunicationReach,
    Donation,
    MedicalAttentionTally,
    MigrationFlowStatistic,
    SurveyResponse,
    SurveyRound,
    TrainingSession,
    TrainingTopic,
)
from iompanama.models import Sex, User
from iompanama.resources import (
    BooleanWidget,
    ChoiceWidget,
    CountryWidget,
    DateWidget,
    MonthWidget,
    NamedWidget,
    NumberWidget,
    RecordResource,
    column,
)

SITE_HELP = (_("Site, by its code or its name; one of your sites."), "darien-office")
ID_HELP = (_("Your identifier of the row: importing it again updates the record."), "R-0001")


class ReachResource(RecordResource):
    external_id = column("external_id", "external_id")
    site = column("site", "site")
    date = column("date", "date", DateWidget())
    channel = column("channel", "channel", ChoiceWidget(CommunicationReach.Channel))
    campaign = column("campaign", "campaign")
    people_reached = column("people_reached", "people_reached", NumberWidget())

    required = ("site", "date", "channel", "campaign", "people_reached")
    help = {
        "external_id": ID_HELP,
        "site": SITE_HELP,
        "date": (_("Date, as 2024-03-31 or 31/03/2024."), "2024-03-31"),
        "channel": (
            _("Channel: %(codes)s") % {"codes": ", ".join(CommunicationReach.Channel.values)},
            "facebook",
        ),
        "campaign": (_("Name of the campaign."), "Migración segura"),
        "people_reached": (_("People reached, a whole number above 0."), "1200"),
    }

    class Meta(RecordResource.Meta):
        model = CommunicationReach
        fields = ["external_id", "site", "date", "channel", "campaign", "people_reached"]


class MedicalResource(RecordResource):
    external_id = column("external_id", "external_id")
    site = column("site", "site")
    date = column("date", "date", DateWidget())
    women_adults = column("women_adults", "women_adults", NumberWidget())
    men_adults = column("men_adults", "men_adults", NumberWidget())
    girls = column("girls", "girls", NumberWidget())
    boys = column("boys", "boys", NumberWidget())
    total_attended = column("total_attended", "total_attended", NumberWidget())

    required = ("site", "date", "women_adults", "men_adults", "girls", "boys", "total_attended")
    help = {
        "external_id": ID_HELP,
        "site": (_("Reception station (ETRM), by its code or its name."), "lajas-blancas"),
        "date": (_("Date, as 2024-03-31 or 31/03/2024."), "2024-03-31"),
        "women_adults": (_("Adult women attended."), "10"),
        "men_adults": (_("Adult men attended."), "12"),
        "girls": (_("Girls (children and adolescents) attended."), "3"),
        "boys": (_("Boys (children and adolescents) attended."), "5"),
        "total_attended": (_("Total attended: the sum of the four parts."), "30"),
    }

    class Meta(RecordResource.Meta):
        model = MedicalAttentionTally
        fields = [
            "external_id",
            "site",
            "date",
            "women_adults",
            "men_adults",
            "girls",
            "boys",
            "total_attended",
        ]


class FlowResource(RecordResource):
    """The SNM's monthly statistics of people who crossed the Darién."""

    external_id = column("external_id", "external_id")
    site = column("site", "site")
    month = column("month", "month", MonthWidget())
    source = column("source", "source")
    publication_date = column("publication_date", "publication_date", DateWidget())
    crossed_total = column("crossed_total", "crossed_total", NumberWidget())
    adults = column("adults", "adults", NumberWidget())
    minors = column("minors", "minors", NumberWidget())
    women = column("women", "women", NumberWidget())
    men = column("men", "men", NumberWidget())

    required = (
        "site",
        "month",
        "publication_date",
        "crossed_total",
        "adults",
        "minors",
        "women",
        "men",
    )
    help = {
        "external_id": ID_HELP,
        "site": SITE_HELP,
        "month": (_("Month, as 2024-03 or 03/2024."), "2024-03"),
        "source": (_("Who published it; SNM when empty."), "SNM"),
        "publication_date": (_("Date of publication."), "2024-04-10"),
        "crossed_total": (_("People who crossed."), "1000"),
        "adults": (_("Adults; adults and minors add up to the total."), "770"),
        "minors": (_("Minors."), "230"),
        "women": (_("Women; women and men add up to the total."), "400"),
        "men": (_("Men."), "600"),
    }

    class Meta(RecordResource.Meta):
        model = MigrationFlowStatistic
        fields = [
            "external_id",
            "site",
            "month",
            "source",
            "publication_date",
            "crossed_total",
            "adults",
            "minors",
            "women",
            "men",
        ]

    def before_import_row(self, row, **kwargs) -> None:
        super().before_import_row(row, **kwargs)
        if not row.get("source"):
            row["source"] = "SNM"


class TrainingResource(RecordResource):
    external_id = column("external_id", "external_id")
    site = column("site", "site")
    title = column("title", "title")
    start_date = column("start_date", "start_date", DateWidget())
    end_date = column("end_date", "end_date", DateWidget())
    audience_migrants = column("audience_migrants", "audience_migrants", BooleanWidget())
    audience_government = column("audience_government", "audience_government", BooleanWidget())
    audience_civil_society = column(
        "audience_civil_society", "audience_civil_society", BooleanWidget()
    )
    audience_private_sector = column(
        "audience_private_sector", "audience_private_sector", BooleanWidget()
    )
    topics = fields.Field(
        attribute="topics",
        column_name="topics",
        widget=NamedWidget(TrainingTopic, ["name_es", "name_en", "code"], many=True),
    )
    women = column("women", "women", NumberWidget())
    men = column("men", "men", NumberWidget())
    other_or_not_stated = column("other_or_not_stated", "other_or_not_stated", NumberWidget())
    children_adolescents = column("children_adolescents", "children_adolescents", NumberWidget())
    adults = column("adults", "adults", NumberWidget())
    facilitators = column("facilitators", "facilitators")

    required = ("site", "title", "start_date", "end_date", "topics", "women", "men")
    help = {
        "external_id": ID_HELP,
        "site": SITE_HELP,
        "title": (_("Title of the workshop."), "Derechos laborales"),
        "start_date": (_("First day."), "2024-03-01"),
        "end_date": (_("Last day."), "2024-03-02"),
        "audience_migrants": (_("Migrants and host communities: yes or no."), "yes"),
        "audience_government": (_("Partners, government: yes or no."), "no"),
        "audience_civil_society": (_("Partners, civil society: yes or no."), "no"),
        "audience_private_sector": (_("Partners, private sector: yes or no."), "no"),
        "topics": (_("Topics by name, separated by semicolons."), "Trata de personas"),
        "women": (_("Women who attended."), "10"),
        "men": (_("Men who attended."), "8"),
        "other_or_not_stated": (_("Others or not stated."), "0"),
        "children_adolescents": (_("Migrant audiences: children and adolescents."), "4"),
        "adults": (_("Migrant audiences: adults."), "14"),
        "facilitators": (_("Who facilitated."), "Equipo OIM"),
    }

    class Meta(RecordResource.Meta):
        model = TrainingSession
        fields = [
            "external_id",
            "site",
            "title",
            "start_date",
            "end_date",
            "audience_migrants",
            "audience_government",
            "audience_civil_society",
            "audience_private_sector",
            "topics",
            "women",
            "men",
            "other_or_not_stated",
            "children_adolescents",
            "adults",
            "facilitators",
        ]

    def before_import_row(self, row, **kwargs) -> None:
        super().before_import_row(row, **kwargs)
        # Topics are saved after the record: an unknown one is reported here, with its row.
        try:
            self.fields["topics"].widget.clean(row.get("topics"))
        except ValueError as error:
            raise ValidationError({"topics": str(error)}) from None

    def export_queryset(self, records: models.QuerySet) -> models.QuerySet:
        return super().export_queryset(records).prefetch_related("topics")


class DonationResource(RecordResource):
    """Exported only: a donation's item lines are entered in its form."""

    external_id = column("external_id", "external_id")
    site = column("site", "site")
    delivery_date = column("delivery_date", "delivery_date", DateWidget())
    recipient = column("recipient", "recipient")
    donor = column("donor__name", "donor")

    class Meta(RecordResource.Meta):
        model = Donation
        fields = ["external_id", "site", "delivery_date", "recipient", "donor"]

    def export_queryset(self, records: models.QuerySet) -> models.QuerySet:
        return super().export_queryset(records).select_related("donor")


class SurveyRoundResource(RecordResource):
    """Exported only; respondent rows come from the survey tool's export."""

    external_id = column("external_id", "external_id")
    site = column("site", "site")
    month = column("month", "month", MonthWidget())

    class Meta(RecordResource.Meta):
        model = SurveyRound
        fields = ["external_id", "site", "month"]


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


def _answer(name: str, choices) -> fields.Field:
    return column(name, name, ChoiceWidget(choices, SURVEY_TOOL_CODES.get(choices, {})))


class SurveyResponseResource(RecordResource):
    """Respondent rows of one survey round, from the survey tool's export. Made per round:
    the rows go into `round`, which the importer may edit."""

    respondent_id = column("respondent_id", "respondent_id")
    main_source = _answer("main_source", SurveyResponse.Source)
    regular_pathways_info = _answer("regular_pathways_info", Answer)
    dangers_info = _answer("dangers_info", Answer)
    first_reason = _answer("first_reason", SurveyResponse.Reason)
    second_reason = _answer("second_reason", SurveyResponse.Reason)
    sex = _answer("sex", Sex)
    age_group = _answer("age_group", SurveyResponse.AgeGroup)
    nationality = column("nationality", "nationality", CountryWidget())

    required = (
        "main_source",
        "regular_pathways_info",
        "dangers_info",
        "first_reason",
        "sex",
        "age_group",
        "nationality",
    )

    class Meta(RecordResource.Meta):
        model = SurveyResponse
        import_id_fields = ["respondent_id"]
        fields = [
            "respondent_id",
            "main_source",
            "regular_pathways_info",
            "dangers_info",
            "first_reason",
            "second_reason",
            "sex",
            "age_group",
            "nationality",
        ]

    def __init__(self, user: User, approve: bool = False, *, round: SurveyRound) -> None:
        super().__init__(user, approve=False)
        self.round = round

    def before_import_row(self, row, **kwargs) -> None:
        respondent = str(row.get("respondent_id") or "").strip()
        if respondent and respondent in self._seen_ids:
            raise ValidationError(
                {
                    "respondent_id": _("Respondent “%(value)s” appears twice in the file.")
                    % {"value": respondent}
                }
            )
        self._seen_ids.add(respondent)

    def get_instance(self, instance_loader, row):
        respondent = str(row.get("respondent_id") or "").strip()
        if not respondent:
            return None
        return self.round.responses.filter(respondent_id=respondent).first()

    def after_init_instance(self, instance, new, row, **kwargs) -> None:
        instance.round = self.round

    def save_instance(self, instance, is_create, row, **kwargs) -> None:
        """Rows of the round; the round itself goes through review as it is."""
        instance._history_user = self.user
        with transaction.atomic():
            instance.save()
