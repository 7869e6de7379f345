from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, F, OuterRef, Q
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from activities import kobo
from iompanama.access import may_import
from iompanama.db import SubqueryCount
from iompanama.models import (
    Province,
    RecordLine,
    Reviewable,
    ReviewableQuerySet,
    ReviewStatus,
    Sex,
    Site,
    User,
    figure_indexes,
    review_indexes,
)
from iompanama.validators import not_in_future, validate_document


class CommunicationReachQuerySet(ReviewableQuerySet):
    def digital(self) -> "CommunicationReachQuerySet":
        """What the factsheet calls "digital media": social networks, messaging and the web;
        radio and other channels are not."""
        return self.filter(channel__in=CommunicationReach.DIGITAL_MEDIA)


class CommunicationReach(Reviewable):
    """People reached by one campaign through one channel on one day."""

    class Channel(models.TextChoices):
        FACEBOOK = "facebook", "Facebook"
        INSTAGRAM = "instagram", "Instagram"
        X = "x", "X"
        WHATSAPP = "whatsapp", "WhatsApp"
        WEB = "web", _("Web")
        RADIO = "radio", _("Radio")
        OTHER = "other", _("Other")

    date = models.DateField(_("date"), validators=[not_in_future])
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    campaign = models.CharField(_("campaign"), max_length=200)
    people_reached = models.PositiveIntegerField(
        _("people reached"), validators=[MinValueValidator(1)]
    )

    DIGITAL_MEDIA = (
        Channel.FACEBOOK,
        Channel.INSTAGRAM,
        Channel.X,
        Channel.WHATSAPP,
        Channel.WEB,
    )

    objects = CommunicationReachQuerySet.as_manager()

    period_field = "date"
    url_prefix = "activities:reach"

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("communication reach")
        verbose_name_plural = _("communication reach")
        indexes = [
            # The figures read approved records by date; the list shows the newest first.
            *figure_indexes("reach", "date", "channel", "people_reached"),
            models.Index(fields=["-date", "-id"], name="reach_newest_first"),
            *review_indexes("reach"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(people_reached__gt=0), name="people_reached_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} ({self.get_channel_display()}, {self.date:%d/%m/%Y})"

    def key_figures(self) -> str:
        return _("%(people)s people reached") % {"people": _number(self.people_reached)}


class MedicalAttentionTally(Reviewable):
    """Migrants in transit attended at one reception station (ETRM) on one day."""

    date = models.DateField(_("date"), validators=[not_in_future])
    women_adults = models.PositiveIntegerField(_("adult women"))
    men_adults = models.PositiveIntegerField(_("adult men"))
    girls = models.PositiveIntegerField(_("girls"), help_text=_("Children and adolescents."))
    boys = models.PositiveIntegerField(_("boys"), help_text=_("Children and adolescents."))
    total_attended = models.PositiveIntegerField(
        _("total attended"), validators=[MinValueValidator(1)]
    )

    period_field = "date"
    url_prefix = "activities:medical"

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("medical attention tally")
        verbose_name_plural = _("medical attention tallies")
        indexes = [
            # The figures read approved records by date; the list shows the newest first.
            *figure_indexes(
                "tally", "date", "women_adults", "men_adults", "girls", "boys", "total_attended"
            ),
            models.Index(fields=["-date", "-id"], name="tally_newest_first"),
            *review_indexes("tally"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    total_attended=models.F("women_adults")
                    + models.F("men_adults")
                    + models.F("girls")
                    + models.F("boys")
                ),
                name="parts_sum_to_total",
            ),
            models.CheckConstraint(
                condition=models.Q(total_attended__gt=0), name="total_attended_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site}, {self.date:%d/%m/%Y}"

    def key_figures(self) -> str:
        return _("%(people)s people attended") % {"people": _number(self.total_attended)}

    def clean(self) -> None:
        errors = {
            "total_attended": _sum_error(
                _("The parts add up to %(sum)s, not %(total)s."),
                [self.women_adults, self.men_adults, self.girls, self.boys],
                self.total_attended,
            ),
        }
        if self.site_id and self.site.kind != Site.Kind.ETRM:
            errors["site"] = _(
                "Medical attention is tallied at migrant reception stations (ETRM) only."
            )
        _raise_if_any(errors)


class MigrationFlowStatistic(Reviewable):
    """People who crossed the Darién in one month, as one source (SNM) published them."""

    month = models.DateField(
        _("month"), validators=[not_in_future], help_text=_("Kept as the first day of the month.")
    )
    source = models.CharField(_("source"), max_length=50, default="SNM")
    publication_date = models.DateField(_("publication date"), validators=[not_in_future])
    crossed_total = models.PositiveIntegerField(_("people who crossed"))
    adults = models.PositiveIntegerField(_("adults"))
    minors = models.PositiveIntegerField(_("minors"))
    # The SNM does not always publish a split by sex: left empty, the factsheet says "not
    # recorded" instead of an importer inventing one.
    women = models.PositiveIntegerField(_("women"), null=True, blank=True)
    men = models.PositiveIntegerField(_("men"), null=True, blank=True)

    period_field = "month"
    url_prefix = "activities:flow"

    class Meta:
        ordering = ["-month", "-pk"]
        verbose_name = _("migration flow statistic")
        verbose_name_plural = _("migration flow statistics")
        indexes = [
            # The figures read approved records by date; the list shows the newest first.
            *figure_indexes("flow", "month"),
            models.Index(fields=["-month", "-id"], name="flow_newest_first"),
            *review_indexes("flow"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(crossed_total=models.F("adults") + models.F("minors")),
                name="age_parts_sum_to_total",
            ),
            models.CheckConstraint(
                condition=models.Q(women__isnull=True, men__isnull=True)
                | models.Q(crossed_total=models.F("women") + models.F("men")),
                name="sex_parts_sum_to_total",
            ),
            models.UniqueConstraint(
                fields=["month", "source"],
                name="one_statistic_per_month_and_source",
                violation_error_message=_(
                    "There is already a statistic for this month from this source: "
                    "correct that one instead."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.month:%m/%Y}"

    def key_figures(self) -> str:
        return _("%(people)s people crossed") % {"people": _number(self.crossed_total)}

    def clean(self) -> None:
        errors = {
            "adults": _sum_error(
                _("Adults and minors add up to %(sum)s, not %(total)s."),
                [self.adults, self.minors],
                self.crossed_total,
            ),
            "women": _("Give both women and men, or neither.")
            if (self.women is None) != (self.men is None)
            else _sum_error(
                _("Women and men add up to %(sum)s, not %(total)s."),
                [self.women, self.men],
                self.crossed_total,
            ),
        }
        _raise_if_any(errors)

    def check_line(self, line: "FlowByNationality", earlier: list) -> dict[str, str]:
        """A nationality once, and the nationalities no more than the people who crossed."""
        if line.nationality in {other.nationality for other in earlier}:
            return {"nationality": _("This nationality has another line of the month.")}
        counted = line.crossed + sum(other.crossed for other in earlier)
        if self.crossed_total is not None and counted > self.crossed_total:
            return {
                "crossed": _(
                    "The nationalities add up to %(counted)s, more than the %(total)s who crossed."
                )
                % {"counted": counted, "total": self.crossed_total}
            }
        return {}


class BilingualName(models.Model):
    """A reference list entry that administrators keep, named in both languages of the app."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_es = models.CharField(_("name in Spanish"), max_length=150)
    name_en = models.CharField(_("name in English"), max_length=150)

    class Meta:
        abstract = True
        ordering = ["name_es"]

    def __str__(self) -> str:
        return self.name_en if (get_language() or "es").startswith("en") else self.name_es


class Donor(models.Model):
    """A government or fund that finances a project (direct) or IOM as a whole (general)."""

    class Kind(models.TextChoices):
        DIRECT = "direct", _("Direct")
        GENERAL = "general", _("General")

    # `name` is the Spanish name, by which forms and imports find the donor; the English page
    # needs the English one (Government of Canada), so a donor is not saved without it.
    name = models.CharField(_("name in Spanish"), max_length=150, unique=True)
    name_en = models.CharField(_("name in English"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("donor")
        verbose_name_plural = _("donors")

    def __str__(self) -> str:
        return self.name_en if (get_language() or "es").startswith("en") else self.name


class ItemCategory(BilingualName):
    class Meta(BilingualName.Meta):
        verbose_name = _("donation item category")
        verbose_name_plural = _("donation item categories")


class TrainingTopic(BilingualName):
    class Meta(BilingualName.Meta):
        verbose_name = _("training topic")
        verbose_name_plural = _("training topics")


def _document_field(verbose_name: str, upload_to: str) -> models.FileField:
    """An optional scan or photo of a signed paper, kept through the storage API."""
    return models.FileField(
        verbose_name,
        upload_to=upload_to,
        blank=True,
        validators=[validate_document],
        help_text=_("Optional: a PDF or a photo (PNG, JPEG) of at most 5 MB."),
    )


class Donation(Reviewable):
    """Goods delivered to one institution on one day, paid by one donor, as item lines."""

    delivery_date = models.DateField(_("delivery date"), validators=[not_in_future])
    recipient = models.CharField(_("recipient institution"), max_length=200)
    donor = models.ForeignKey(
        Donor, verbose_name=_("funding donor"), on_delete=models.PROTECT, related_name="donations"
    )
    receipt = _document_field(_("signed receipt"), "donations/receipts/%Y/%m/")

    period_field = "delivery_date"
    url_prefix = "activities:donation"

    class Meta:
        ordering = ["-delivery_date", "-pk"]
        indexes = [
            # The figures read approved records by date; the list shows the newest first.
            *figure_indexes("donation", "delivery_date", "donor"),
            # The donors of a period: whether each funded an approved donation in it.
            models.Index(
                fields=["donor", "delivery_date"],
                include=["site"],
                condition=Q(status="approved"),
                name="donation_approved_donor",
            ),
            models.Index(fields=["-delivery_date", "-id"], name="donation_newest_first"),
            *review_indexes("donation"),
        ]
        verbose_name = _("donation")
        verbose_name_plural = _("donations")

    def __str__(self) -> str:
        return f"{self.recipient} ({self.delivery_date:%d/%m/%Y})"

    @classmethod
    def for_queue(cls, records: models.QuerySet) -> models.QuerySet:
        return records.select_related("donor").prefetch_related("items")

    def key_figures(self) -> str:
        return "; ".join(f"{_number(item.quantity)} {item.unit}" for item in self.items.all())

    def item_lines(self) -> models.QuerySet["DonationItem"]:
        return self.items.select_related("category")


class DonationItem(RecordLine):
    donation = models.ForeignKey(
        Donation, verbose_name=_("donation"), on_delete=models.CASCADE, related_name="items"
    )
    category = models.ForeignKey(
        ItemCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(_("description"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("unit"), max_length=30, help_text=_("Units, kits, boxes, meals..."))
    history = HistoricalRecords()

    record_field = "donation"

    class Meta:
        ordering = ["pk"]
        verbose_name = _("item line")
        verbose_name_plural = _("item lines")
        indexes = [
            # The period's quantities by category, from the index alone.
            models.Index(
                fields=["donation"], include=["category", "quantity"], name="item_quantities"
            )
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="quantity_positive")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} {self.unit}: {self.description}"


class TrainingSession(Reviewable):
    """A workshop: who attended (by sex, and by age group for migrants) and on what topics."""

    AUDIENCE_FIELDS = [
        "audience_migrants",
        "audience_government",
        "audience_civil_society",
        "audience_private_sector",
    ]

    title = models.CharField(_("title"), max_length=200)
    start_date = models.DateField(_("start date"), validators=[not_in_future])
    end_date = models.DateField(_("end date"), validators=[not_in_future])
    audience_migrants = models.BooleanField(_("migrants and host communities"), default=False)
    audience_government = models.BooleanField(_("partners: government"), default=False)
    audience_civil_society = models.BooleanField(_("partners: civil society"), default=False)
    audience_private_sector = models.BooleanField(_("partners: private sector"), default=False)
    topics = models.ManyToManyField(
        TrainingTopic, verbose_name=_("topics"), related_name="sessions"
    )
    women = models.PositiveIntegerField(_("women"))
    men = models.PositiveIntegerField(_("men"))
    other_or_not_stated = models.PositiveIntegerField(_("other or not stated"))
    children_adolescents = models.PositiveIntegerField(
        _("children and adolescents"),
        null=True,
        blank=True,
        help_text=_("Migrant audiences: give both age groups, adding up to the participants."),
    )
    adults = models.PositiveIntegerField(_("adults"), null=True, blank=True)
    facilitators = models.CharField(_("facilitators"), max_length=300)
    attendance_sheet = _document_field(_("attendance sheet"), "trainings/attendance/%Y/%m/")

    period_field = "start_date"
    url_prefix = "activities:training"
    _history_m2m_fields = ["topics"]  # a change of topics is in the session's history

    class Meta:
        ordering = ["-start_date", "-pk"]
        indexes = [
            # The figures read approved records by date; the list shows the newest first.
            *figure_indexes(
                "training",
                "start_date",
                "audience_migrants",
                "audience_government",
                "audience_civil_society",
                "audience_private_sector",
                "women",
                "men",
                "other_or_not_stated",
                "children_adolescents",
                "adults",
            ),
            models.Index(fields=["-start_date", "-id"], name="training_newest_first"),
            *review_indexes("training"),
        ]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="end_not_before_start"
            ),
            models.CheckConstraint(
                condition=Q(women__gt=0) | Q(men__gt=0) | Q(other_or_not_stated__gt=0),
                name="has_participants",
            ),
            models.CheckConstraint(
                condition=Q(audience_migrants=True)
                | Q(audience_government=True)
                | Q(audience_civil_society=True)
                | Q(audience_private_sector=True),
                name="has_an_audience",
            ),
            models.CheckConstraint(
                condition=Q(children_adolescents__isnull=True, adults__isnull=True)
                | Q(
                    audience_migrants=True,
                    children_adolescents__isnull=False,
                    adults__isnull=False,
                    children_adolescents=F("women")
                    + F("men")
                    + F("other_or_not_stated")
                    - F("adults"),
                ),
                name="age_groups_sum_to_participants",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.start_date:%d/%m/%Y})"

    def key_figures(self) -> str:
        return _("%(people)s participants") % {"people": _number(self.participants)}

    def lock_dates(self, lines: list | None = None) -> list:
        return [self.start_date, self.end_date]

    @property
    def participants(self) -> int:
        return self.women + self.men + self.other_or_not_stated

    @property
    def audiences(self) -> list[str]:
        return [
            self._meta.get_field(name).verbose_name
            for name in self.AUDIENCE_FIELDS
            if getattr(self, name)
        ]

    def clean(self) -> None:
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date is before the start date.")
        if not any(getattr(self, name) for name in self.AUDIENCE_FIELDS):
            errors["audience_migrants"] = _("Choose at least one audience.")
        sexes = [self.women, self.men, self.other_or_not_stated]
        if None not in sexes and sum(sexes) == 0:
            errors["women"] = _("Nobody attended: give the participants by sex.")
        ages = [self.children_adolescents, self.adults]
        if ages != [None, None]:
            if not self.audience_migrants:
                errors["children_adolescents"] = _(
                    "Age groups are given for migrant audiences only."
                )
            elif None in ages:
                errors["children_adolescents"] = _("Give both age groups, or neither.")
            elif None not in sexes:
                errors["children_adolescents"] = _sum_error(
                    _("The age groups add up to %(sum)s, not %(total)s participants."),
                    ages,
                    sum(sexes),
                )
        _raise_if_any(errors)


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NO_ANSWER = "no_answer", _("No answer")


class SurveyRound(Reviewable):
    """A round of the flow monitoring survey (DTM): anonymous respondents in one month."""

    month = models.DateField(
        _("month"), validators=[not_in_future], help_text=_("Kept as the first day of the month.")
    )
    provinces = models.ManyToManyField(
        Province, verbose_name=_("provinces"), blank=True, related_name="survey_rounds"
    )

    _history_m2m_fields = ["provinces"]  # a change of provinces is in the history
    period_field = "month"
    url_prefix = "activities:survey"

    class Meta:
        ordering = ["-month", "-pk"]
        verbose_name = _("flow monitoring survey round")
        verbose_name_plural = _("flow monitoring survey rounds")
        indexes = [
            # The figures read approved records by date; the list shows the newest first.
            *figure_indexes("survey", "month"),
            models.Index(fields=["-month", "-id"], name="survey_newest_first"),
            *review_indexes("survey"),
        ]

    def __str__(self) -> str:
        return f"{self.site}, {self.month:%m/%Y}"

    @classmethod
    def for_queue(cls, records: models.QuerySet) -> models.QuerySet:
        responses = SurveyResponse.objects.filter(round=OuterRef("pk"))
        return records.annotate(respondents=SubqueryCount(responses))

    def key_figures(self) -> str:
        return ngettext("%(count)s respondent", "%(count)s respondents", self.respondents) % {
            "count": _number(self.respondents)
        }

    @classmethod
    def for_import(cls, site: Site, month, provinces, by: User) -> "tuple[SurveyRound, str]":
        """The round of a month at a site that an import adds respondents to, made (a draft,
        in the importer's name) when there is none; and, when it takes no new respondents
        (waiting for review, approved, another person's), why."""
        survey = cls.objects.filter(site=site, month=month).order_by("-pk").first()
        if survey is None:
            survey = cls(site=site, month=month)
            survey.create(by=by, write_related=lambda: survey.provinces.set(provinces))
            return survey, ""
        if survey.status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED) and survey.may_edit(by):
            return survey, ""
        return survey, _(
            "The round of %(month)s is %(status)s: it takes no new or changed respondents."
        ) % {"month": f"{month:%m/%Y}", "status": survey.get_status_display().lower()}

    def answer_counts(self) -> list[tuple[str, list[tuple[str, int, int | None]]]]:
        """Per question, each answer with its count and its percentage of those who answered
        (None for "no answer"); counted by the database in one query."""
        counts = self.responses.aggregate(
            **{
                f"{name}-{value}": Count("pk", filter=Q(**{name: value}))
                for name in SurveyResponse.QUESTION_FIELDS
                for value, _label in SurveyResponse._meta.get_field(name).choices
            }
        )
        table = []
        for name in SurveyResponse.QUESTION_FIELDS:
            field = SurveyResponse._meta.get_field(name)
            answers = [(value, label, counts[f"{name}-{value}"]) for value, label in field.choices]
            answered = sum(n for value, _label, n in answers if value != Answer.NO_ANSWER)
            table.append(
                (
                    field.verbose_name,
                    [
                        (
                            label,
                            n,
                            None
                            if value == Answer.NO_ANSWER or not answered
                            else round(100 * n / answered),
                        )
                        for value, label, n in answers
                    ],
                )
            )
        return table


class SurveyResponse(RecordLine):
    """One respondent of a survey round. No names: nobody can be found from these rows."""

    class Source(models.TextChoices):
        FAMILY_FRIENDS = "family_friends", _("Family and friends who migrated")
        SOCIAL_MEDIA = "social_media", _("Social media")
        OTHER_MIGRANTS = "other_migrants", _("Other migrants on the way")
        NEWS = "news", _("News and media")
        AUTHORITIES = "authorities", _("Authorities and organisations")
        SMUGGLERS = "smugglers", _("Smugglers and guides")
        OTHER = "other", _("Other")

    class Reason(models.TextChoices):
        ECONOMIC = "economic", _("Economic")
        INSECURITY = "insecurity", _("Insecurity or violence")
        FAMILY = "family", _("Family reunification")
        POLITICAL = "political", _("Political")
        ENVIRONMENT = "environment", _("Environment or disaster")
        SERVICES = "services", _("Access to services")
        OTHER = "other", _("Other")

    class AgeGroup(models.TextChoices):
        AGE_18_29 = "18-29", _("18 to 29")
        AGE_30_44 = "30-44", _("30 to 44")
        AGE_45_59 = "45-59", _("45 to 59")
        AGE_60 = "60+", _("60 and over")

    round = models.ForeignKey(
        SurveyRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="responses"
    )
    main_source = models.CharField(
        _("main source of information about the route"), max_length=20, choices=Source.choices
    )
    regular_pathways_info = models.CharField(
        _("had information on regular pathways"), max_length=10, choices=Answer.choices
    )
    dangers_info = models.CharField(
        _("had enough information on the dangers of the route"),
        max_length=10,
        choices=Answer.choices,
    )
    first_reason = models.CharField(
        _("main reason for migrating"), max_length=20, choices=Reason.choices
    )
    second_reason = models.CharField(
        _("second reason for migrating"), max_length=20, choices=Reason.choices, blank=True
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    age_group = models.CharField(_("age group"), max_length=10, choices=AgeGroup.choices)
    nationality = CountryField(_("nationality"))
    # The respondent's identifier in the survey tool's export: importing it again updates it.
    respondent_id = models.CharField(_("respondent ID"), max_length=100, blank=True)
    history = HistoricalRecords()

    record_field = "round"

    QUESTION_FIELDS = [
        "main_source",
        "regular_pathways_info",
        "dangers_info",
        "first_reason",
        "second_reason",
        "sex",
        "age_group",
    ]

    class Meta:
        ordering = ["pk"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        indexes = [
            # The answers the figures count, of a month's rounds, from the index alone.
            models.Index(
                fields=["round"],
                include=[
                    "main_source",
                    "regular_pathways_info",
                    "dangers_info",
                    "first_reason",
                    "second_reason",
                    "id",
                ],
                name="response_answers",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(second_reason=F("first_reason")), name="reasons_differ"
            )
        ]

    def __str__(self) -> str:
        return _("Respondent %(number)s") % {"number": self.pk}

    def clean(self) -> None:
        if self.second_reason and self.second_reason == self.first_reason:
            raise ValidationError(
                {"second_reason": _("The second reason must differ from the first.")}
            )


class FlowByNationality(RecordLine):
    """Of the people a flow statistic counts, how many had one nationality (when published)."""

    statistic = models.ForeignKey(
        MigrationFlowStatistic,
        verbose_name=_("statistic"),
        on_delete=models.CASCADE,
        related_name="by_nationality",
    )
    nationality = CountryField(_("nationality"))
    crossed = models.PositiveIntegerField(
        _("people who crossed"), validators=[MinValueValidator(1)]
    )
    history = HistoricalRecords()

    record_field = "statistic"

    class Meta:
        ordering = ["-crossed", "nationality"]
        verbose_name = _("crossings by nationality")
        verbose_name_plural = _("crossings by nationality")
        constraints = [
            models.UniqueConstraint(
                fields=["statistic", "nationality"], name="one_row_per_nationality"
            ),
            models.CheckConstraint(condition=Q(crossed__gt=0), name="crossed_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.nationality.name}: {self.crossed}"


def _number(value: int | None) -> str:
    """A count as the reader's language writes it (157,214)."""
    return number_format(value or 0, force_grouping=True)


def _sum_error(message: str, parts: list[int | None], total: int | None) -> str | None:
    """`message` filled in when the parts do not make the total; None when they do, or when a
    number is missing (that is reported on its own field)."""
    if None in (*parts, total) or sum(parts) == total:
        return None
    return message % {"sum": sum(parts), "total": total}


def _raise_if_any(errors: dict[str, str | None]) -> None:
    errors = {field: message for field, message in errors.items() if message}
    if errors:
        raise ValidationError(errors)


class KoboForm(models.Model):
    """A KoboToolbox form of the flow monitoring survey, mapped once by an administrator: its
    exports then import as they come, each submission into the round of its month at `site`
    (made, with `provinces`, when the month has none). See kobo.py."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="kobo_forms"
    )
    provinces = models.ManyToManyField(
        Province, verbose_name=_("provinces"), blank=True, related_name="kobo_forms"
    )
    # The questions and choices of its XLSForm (kobo.read_xlsform), and what each becomes:
    # {"questions": {target: question}, "choices": {question: {choice: code}}}.
    form = models.JSONField(_("form"), default=dict)
    mapping = models.JSONField(_("mapping"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("KoboToolbox form")
        verbose_name_plural = _("KoboToolbox forms")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("activities:kobo_form", args=[self.pk])

    def may_import(self, user: User) -> bool:
        """Who imports survey rounds, at the form's site."""
        return may_import(user, SurveyRound) and user.works_at(self.site_id)

    def remap(self, chosen: dict[str, str], choices: dict | None = None) -> None:
        """Map each target to the question `chosen` and each choice to the code `choices`
        says (by question, then choice); the choices it leaves out are guessed."""
        # Import here: the resources import these models.
        from activities.resources import guess_code

        known = self.mapping.get("choices", {}) | (choices or {})
        self.mapping = kobo.mapped(self.form, chosen, known, guess_code)
        self.save()

    def export(self) -> kobo.KoboExport:
        """The reader of this form's exports."""
        return kobo.KoboExport(self.form, self.mapping)
