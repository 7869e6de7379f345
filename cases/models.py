"""The people IOM Panama serves, and the cases opened for them."""

import datetime
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from iompanama.models import (
    MadeOnce,
    RecordLine,
    Reviewable,
    ReviewableQuerySet,
    Sex,
    SiteScopedQuerySet,
    User,
    Versioned,
    new_external_id,
)
from iompanama.validators import not_in_future


def name_key(*parts: str) -> str:
    """Letters and digits only, without accents, in lower case: "José  de la Cruz" and
    "jose DE LA cruz" give the same key. Computed in Python so that SQLite and PostgreSQL
    compare the same thing."""
    decomposed = unicodedata.normalize("NFKD", " ".join(parts))
    return "".join(char for char in decomposed if char.isalnum()).casefold()


def document_key(number: str) -> str:
    """A document number as it is compared and stored: no spaces or dashes, upper case."""
    return "".join(char for char in number if char.isalnum()).upper()


def _labels_of_ticked(record: models.Model, names: list[str]) -> list[str]:
    """The names of the boolean fields that are true, as people read them."""
    return [
        str(record._meta.get_field(name).verbose_name) for name in names if getattr(record, name)
    ]


class BeneficiaryQuerySet(SiteScopedQuerySet):
    def search(self, text: str) -> "BeneficiaryQuerySet":
        """People whose names contain every word of `text`, or whose document number does,
        ignoring accents, case and spacing."""
        words = [name_key(word) for word in text.split()]
        by_name = Q()
        for word in filter(None, words):
            by_name &= Q(name_key__contains=word)
        number = document_key(text)
        by_document = Q(document_number__contains=number) if number else Q(pk__in=[])
        return self.filter(by_name | by_document) if any(words) else self.none()

    def likely_duplicates_of(self, person: "Beneficiary") -> "BeneficiaryQuerySet":
        """Others with the same names, date of birth and nationality, or the same document."""
        same = Q(pk__in=[])
        if person.date_of_birth:
            same |= Q(
                name_key=person.name_key,
                date_of_birth=person.date_of_birth,
                nationality=person.nationality,
            )
        if person.document_type and person.document_number:
            same |= Q(document_type=person.document_type, document_number=person.document_number)
        return self.filter(same).exclude(pk=person.pk)


class Beneficiary(MadeOnce, Versioned):
    """A migrant or member of a host community who receives a service: personal data, seen only
    by staff of the person's site. Not reviewed itself: the cases opened for them are."""

    class DocumentType(models.TextChoices):
        PASSPORT = "passport", _("Passport")
        NATIONAL_ID = "national_id", _("National identity card")
        RESIDENCE_PERMIT = "residence_permit", _("Residence permit or migration card")
        OTHER = "other", _("Other document")

    site = models.ForeignKey("iompanama.Site", verbose_name=_("site"), on_delete=models.PROTECT)
    given_names = models.CharField(_("given names"), max_length=150)
    family_names = models.CharField(_("family names"), max_length=150)
    name_key = models.CharField(max_length=300, db_index=True, editable=False)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    date_of_birth = models.DateField(
        _("date of birth"), null=True, blank=True, validators=[not_in_future]
    )
    estimated_age = models.PositiveSmallIntegerField(
        _("estimated age"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(120)],
        help_text=_("In years, when the date of birth is not known."),
    )
    nationality = CountryField(_("nationality"))
    residence_country = CountryField(_("country of habitual residence"))
    document_type = models.CharField(
        _("identity document"), max_length=20, choices=DocumentType.choices, blank=True
    )
    document_number = models.CharField(_("document number"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    unaccompanied_or_separated_child = models.BooleanField(
        _("unaccompanied or separated child"), default=False
    )
    pregnant_or_lactating = models.BooleanField(_("pregnant or lactating"), default=False)
    has_disability = models.BooleanField(_("person with disability"), default=False)
    older_person = models.BooleanField(_("older person"), default=False)
    survivor_of_trafficking_or_violence = models.BooleanField(
        _("survivor of trafficking or violence"), default=False
    )
    other_vulnerability = models.BooleanField(_("other vulnerability"), default=False)
    consent_given = models.BooleanField(
        _("informed consent given"),
        default=False,
        help_text=_("The person agreed that IOM keeps these data to assist them."),
    )
    consent_date = models.DateField(_("date of consent"), validators=[not_in_future])
    consent_taken_by = models.ForeignKey(
        User, verbose_name=_("consent taken by"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        User, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    # The person's identifier in files, generated when none gave one: importing it again updates.
    external_id = models.CharField(
        _("external ID"), max_length=100, blank=True, db_index=True, default=new_external_id
    )
    history = HistoricalRecords()

    objects = BeneficiaryQuerySet.as_manager()

    VULNERABILITY_FIELDS = [
        "unaccompanied_or_separated_child",
        "pregnant_or_lactating",
        "has_disability",
        "older_person",
        "survivor_of_trafficking_or_violence",
        "other_vulnerability",
    ]

    class Meta:
        ordering = ["family_names", "given_names", "pk"]
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        constraints = [
            models.CheckConstraint(condition=Q(consent_given=True), name="consent_given"),
            models.CheckConstraint(
                condition=Q(date_of_birth__isnull=False) | Q(estimated_age__isnull=False),
                name="birth_date_or_estimated_age",
            ),
            models.CheckConstraint(
                condition=Q(document_number="") | ~Q(document_type=""),
                name="document_number_has_a_type",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.given_names} {self.family_names}"

    def get_absolute_url(self) -> str:
        return reverse("cases:beneficiary_detail", args=[self.pk])

    def get_edit_url(self) -> str:
        return reverse("cases:beneficiary_edit", args=[self.pk])

    @classmethod
    def list_url(cls) -> str:
        return reverse("cases:beneficiary_list")

    def clean(self) -> None:
        errors = {}
        if self.date_of_birth is None and self.estimated_age is None:
            errors["date_of_birth"] = _("Give the date of birth or, if unknown, an estimated age.")
        if self.document_number and not self.document_type:
            errors["document_type"] = _("Say which document this number is from.")
        if not self.consent_given:
            errors["consent_given"] = _("A person is registered only with their informed consent.")
        if errors:
            raise ValidationError(errors)

    def choice_label(self) -> str:
        born = f"{self.date_of_birth:%d/%m/%Y}" if self.date_of_birth else f"~{self.estimated_age}"
        return f"{self} · {self.nationality.code} · {born}"

    @property
    def vulnerabilities(self) -> list[str]:
        return _labels_of_ticked(self, self.VULNERABILITY_FIELDS)

    def may_edit(self, user: User) -> bool:
        """Any staff of the person's site corrects their data: cases of several authors share it."""
        return user.has_perm("cases.change_beneficiary") and user.works_at(self.site_id)

    def update_keys(self) -> None:
        """The normalised name and document that duplicates and search compare."""
        self.name_key = name_key(self.given_names, self.family_names)
        self.document_number = document_key(self.document_number)

    def register(self, *, by: User) -> None:
        self.created_by = by
        self._save(by)

    def save_changes(self, *, by: User, seen_version: int) -> None:
        """Save an edit made on `seen_version` (StaleRecord if someone saved since)."""
        with transaction.atomic():
            self._lock_if_unchanged(seen_version)
            self._save(by)

    def _save(self, by: User) -> None:
        self.update_keys()
        self._history_user = by
        self.save()


class BeneficiaryCaseQuerySet(ReviewableQuerySet):
    """Cases, searchable and filterable by the people in them."""

    beneficiary_fields: tuple[str, ...]

    def involving(self, person: Beneficiary) -> "BeneficiaryCaseQuerySet":
        query = Q(pk__in=[])
        for field in self.beneficiary_fields:
            query |= Q(**{field: person})
        return self.filter(query).distinct()

    def of_nationality(self, country: str) -> "BeneficiaryCaseQuerySet":
        return self.filter(**{f"{self.beneficiary_fields[0]}__nationality": country})

    def matching(self, text: str) -> "BeneficiaryCaseQuerySet":
        people = Beneficiary.objects.search(text)
        return self.filter(**{f"{self.beneficiary_fields[0]}__in": people})


class LegalTopics(models.Model):
    """The topics of legal orientation, one or more: on the case and on each session."""

    class Topic(models.TextChoices):
        MIGRATION = "migration", _("Migration status")
        WORK = "work", _("Work")
        FAMILY = "family", _("Family")

    topic_migration = models.BooleanField(Topic.MIGRATION.label, default=False)
    topic_work = models.BooleanField(Topic.WORK.label, default=False)
    topic_family = models.BooleanField(Topic.FAMILY.label, default=False)

    TOPIC_FIELDS = [f"topic_{topic}" for topic in Topic.values]

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(topic_migration=True) | Q(topic_work=True) | Q(topic_family=True),
                name="%(class)s_has_a_topic",
            )
        ]

    def clean(self) -> None:
        if not any(getattr(self, name) for name in self.TOPIC_FIELDS):
            raise ValidationError({"topic_migration": _("Choose at least one topic.")})

    @property
    def topics(self) -> list[str]:
        return _labels_of_ticked(self, self.TOPIC_FIELDS)


class LegalOrientationCaseQuerySet(BeneficiaryCaseQuerySet):
    beneficiary_fields = ("beneficiary",)

    def on_topic(self, topic: str) -> "LegalOrientationCaseQuerySet":
        return self.filter(**{f"topic_{topic}": True})


class LegalOrientationCase(LegalTopics, Reviewable):
    """Legal counselling of one migrant residing in Panama, over one or more sessions."""

    beneficiary = models.ForeignKey(
        Beneficiary,
        verbose_name=_("beneficiary"),
        on_delete=models.PROTECT,
        related_name="legal_cases",
    )
    opened_on = models.DateField(_("opened on"), validators=[not_in_future])
    outcome = models.TextField(_("outcome"), blank=True)
    follow_up_date = models.DateField(_("follow-up date"), null=True, blank=True)
    is_closed = models.BooleanField(_("closed"), default=False)
    # The person's sex as it was when the case was approved: what the figures count.
    counted_sex = models.CharField(
        _("sex counted in the figures"), max_length=10, choices=Sex.choices, blank=True
    )

    period_field = "opened_on"
    COUNTED_FIELDS = ["counted_sex"]
    url_prefix = "cases:legal"

    objects = LegalOrientationCaseQuerySet.as_manager()

    class Meta(LegalTopics.Meta):
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("legal orientation case")
        verbose_name_plural = _("legal orientation cases")

    def __str__(self) -> str:
        return f"{self.beneficiary} ({self.opened_on:%d/%m/%Y})"

    def clean(self) -> None:
        errors = {}
        try:
            super().clean()
        except ValidationError as error:
            errors = error.message_dict
        if self.beneficiary_id and self.site_id and self.beneficiary.site_id != self.site_id:
            errors["beneficiary"] = [_("This person is registered at another site.")]
        if errors:
            raise ValidationError(errors)

    def check_line(self, line: "CounsellingSession", earlier: list) -> dict[str, str]:
        """A session is on or after the day the case was opened."""
        if self.opened_on and line.date and line.date < self.opened_on:
            return {"date": _("A session cannot be before the case was opened.")}
        return {}

    def lock_dates(self, lines: list | None = None) -> list:
        sessions = self.sessions.all() if lines is None else lines
        return [self.opened_on, *(session.date for session in sessions)]

    def freeze_counted_values(self, lines: list | None = None) -> None:
        self.counted_sex = self.beneficiary.sex

    def people_named(self) -> list[Beneficiary]:
        return [self.beneficiary]

    def counted_values(self) -> list[tuple[str, str, str]]:
        """What the figures count of the person, against their data now: (what, counted, now)."""
        if not self.counted_sex:
            return []
        return [(_("Sex"), self.get_counted_sex_display(), self.beneficiary.get_sex_display())]


class CounsellingSession(RecordLine, LegalTopics):
    case = models.ForeignKey(
        LegalOrientationCase,
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    date = models.DateField(_("date"), validators=[not_in_future])
    counsellor = models.CharField(_("counsellor"), max_length=150)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    record_field = "case"

    class Meta(LegalTopics.Meta):
        ordering = ["date", "pk"]
        verbose_name = _("counselling session")
        verbose_name_plural = _("counselling sessions")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y}, {self.counsellor}"


class AVRCaseQuerySet(BeneficiaryCaseQuerySet):
    beneficiary_fields = ("principal", "family__beneficiary")

    def at_stage(self, stage: str) -> "AVRCaseQuerySet":
        """Cases whose latest step is `stage` (one of AVRCase.Stage)."""
        if stage == AVRCase.Stage.WITHDRAWN:
            return self.filter(withdrawn_on__isnull=False)
        later = AVRCase.STAGE_FIELDS[AVRCase.STAGE_FIELDS.index(f"{stage}_date") + 1 :]
        return self.filter(
            withdrawn_on__isnull=True,
            **{f"{stage}_date__isnull": False},
            **{f"{field}__isnull": True for field in later},
        )


class AVRCase(Reviewable):
    """An assisted voluntary return: the principal applicant, the family who return with them,
    and the date each stage was reached (or the case withdrawn)."""

    class Stage(models.TextChoices):
        ORIENTATION = "orientation", _("Orientation")
        APPLICATION = "application", _("Application")
        APPROVAL = "approval", _("Approval")
        DEPARTURE = "departure", _("Departure")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    STAGE_FIELDS = ["orientation_date", "application_date", "approval_date", "departure_date"]

    principal = models.ForeignKey(
        Beneficiary,
        verbose_name=_("principal applicant"),
        on_delete=models.PROTECT,
        related_name="avr_cases",
    )
    return_country = CountryField(_("country of return"))
    orientation_date = models.DateField(_("orientation"), validators=[not_in_future])
    application_date = models.DateField(
        _("application"), null=True, blank=True, validators=[not_in_future]
    )
    approval_date = models.DateField(
        _("approval"), null=True, blank=True, validators=[not_in_future]
    )
    departure_date = models.DateField(
        _("departure"), null=True, blank=True, validators=[not_in_future]
    )
    withdrawn_on = models.DateField(
        _("withdrawn on"), null=True, blank=True, validators=[not_in_future]
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    # The principal's nationality as it was when the case was approved: what the figures count.
    counted_nationality = CountryField(_("nationality counted in the figures"), blank=True)

    period_field = "orientation_date"
    COUNTED_FIELDS = ["counted_nationality"]
    url_prefix = "cases:avr"

    objects = AVRCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-orientation_date", "-pk"]
        verbose_name = _("AVR case")
        verbose_name_plural = _("AVR cases")
        constraints = [
            models.CheckConstraint(
                condition=Q(application_date__isnull=True)
                | Q(application_date__gte=F("orientation_date")),
                name="application_after_orientation",
            ),
            models.CheckConstraint(
                condition=Q(approval_date__isnull=True)
                | Q(application_date__isnull=False, approval_date__gte=F("application_date")),
                name="approval_after_application",
            ),
            models.CheckConstraint(
                condition=Q(departure_date__isnull=True)
                | Q(approval_date__isnull=False, departure_date__gte=F("approval_date")),
                name="departure_after_approval",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(departure_date__isnull=True),
                name="withdrawn_case_has_no_departure",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("orientation_date")),
                name="withdrawn_after_orientation",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True, withdrawal_reason="")
                | (Q(withdrawn_on__isnull=False) & ~Q(withdrawal_reason="")),
                name="withdrawal_has_date_and_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.principal} → {self.return_country.name}"

    def clean(self) -> None:
        errors = {}
        previous_field = "orientation_date"
        for field in self.STAGE_FIELDS[1:]:
            date, previous = getattr(self, field), getattr(self, previous_field)
            if date and previous is None:
                errors[field] = _("This stage needs the date of the one before: %(stage)s.") % {
                    "stage": self._meta.get_field(previous_field).verbose_name
                }
            elif date and date < previous:
                errors[field] = _("This stage cannot be before the one before: %(stage)s.") % {
                    "stage": self._meta.get_field(previous_field).verbose_name
                }
            previous_field = field
        if self.withdrawn_on and self.departure_date:
            errors["departure_date"] = _("A withdrawn case has no departure.")
        orientation = self.orientation_date
        if self.withdrawn_on and orientation and self.withdrawn_on < orientation:
            errors["withdrawn_on"] = _("A case cannot be withdrawn before its orientation.")
        if self.withdrawn_on and not self.withdrawal_reason.strip():
            errors["withdrawal_reason"] = _("Say why the case was withdrawn.")
        if self.withdrawal_reason.strip() and not self.withdrawn_on:
            errors["withdrawn_on"] = _("Give the date the case was withdrawn.")
        if self.principal_id and self.site_id and self.principal.site_id != self.site_id:
            errors["principal"] = _("This person is registered at another site.")
        if errors:
            raise ValidationError(errors)

    def check_line(self, line: "AVRFamilyMember", earlier: list) -> dict[str, str]:
        """Each family member once, not the applicant, and registered at the case's site."""
        if line.beneficiary_id in {self.principal_id, *(row.beneficiary_id for row in earlier)}:
            return {
                "beneficiary": _(
                    "This person is already in the case: as the applicant or in another row."
                )
            }
        if self.site_id and line.beneficiary.site_id != self.site_id:
            return {"beneficiary": _("This person is registered at another site.")}
        return {}

    def lock_dates(self, lines: list | None = None) -> list:
        return [*(getattr(self, field) for field in self.STAGE_FIELDS), self.withdrawn_on]

    def freeze_counted_values(self, lines: list | None = None) -> None:
        self.counted_nationality = self.principal.nationality
        if lines is not None:
            for member in filter(None, lines):
                member.counted_nationality = member.beneficiary.nationality
        elif self.pk:
            nationality = Beneficiary.objects.filter(pk=OuterRef("beneficiary")).values(
                "nationality"
            )
            self.family.update(counted_nationality=Subquery(nationality))

    def people_named(self) -> list[Beneficiary]:
        return [self.principal, *(member.beneficiary for member in self.family_members())]

    def counted_values(self) -> list[tuple[str, str, str]]:
        if not self.counted_nationality:
            return []
        return [
            (
                _("Nationality"),
                self.counted_nationality.name,
                self.principal.nationality.name,
            )
        ]

    def stages(self) -> list[tuple[str, datetime.date | None]]:
        """The timeline: each stage and the date it was reached (None if not yet), then the
        withdrawal if there was one."""
        timeline = [
            (self._meta.get_field(field).verbose_name, getattr(self, field))
            for field in self.STAGE_FIELDS
        ]
        if self.withdrawn_on:
            timeline.append((self.Stage.WITHDRAWN.label, self.withdrawn_on))
        return timeline

    def family_members(self) -> models.QuerySet["AVRFamilyMember"]:
        return self.family.select_related("beneficiary")

    @property
    def current_stage(self) -> str:
        if self.withdrawn_on:
            return self.Stage.WITHDRAWN.label
        reached = [label for label, date in self.stages() if date]
        return reached[-1]


class AVRFamilyMember(RecordLine):
    """A family member who returns with the principal applicant."""

    class Relationship(models.TextChoices):
        PARTNER = "partner", _("Spouse or partner")
        CHILD = "child", _("Son or daughter")
        PARENT = "parent", _("Father or mother")
        SIBLING = "sibling", _("Brother or sister")
        OTHER = "other", _("Other relative")

    case = models.ForeignKey(
        AVRCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="family"
    )
    beneficiary = models.ForeignKey(
        Beneficiary,
        verbose_name=_("family member"),
        on_delete=models.PROTECT,
        related_name="avr_family_rows",
    )
    relationship = models.CharField(
        _("relationship to the applicant"), max_length=10, choices=Relationship.choices
    )
    # The member's nationality as it was when the case was approved: what the figures count.
    counted_nationality = CountryField(_("nationality counted in the figures"), blank=True)
    history = HistoricalRecords()

    record_field = "case"

    class Meta:
        ordering = ["pk"]
        verbose_name = _("family member")
        verbose_name_plural = _("family members returning")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "beneficiary"], name="family_member_once_per_case"
            )
        ]

    def __str__(self) -> str:
        return f"{self.beneficiary} ({self.get_relationship_display()})"
