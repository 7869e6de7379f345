"""The people IOM Panama serves, and the cases opened for them."""

import datetime
import unicodedata
from collections import defaultdict

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_update_with_history

from iompanama.db import SubqueryCount
from iompanama.models import (
    InvalidTransition,
    MadeOnce,
    PeriodLocked,
    RecordLine,
    Reviewable,
    ReviewableQuerySet,
    ReviewRefused,
    Sex,
    Site,
    SiteScopedQuerySet,
    Transition,
    User,
    Versioned,
    figure_indexes,
    lock_covering,
    new_external_id,
    review_indexes,
)
from iompanama.validators import not_in_future


def name_key(*parts: str) -> str:
    """Letters and digits only, without accents, in lower case: "José  de la Cruz" and
    "jose DE LA cruz" give the same key. Computed in Python so that SQLite and PostgreSQL
    compare the same thing."""
    decomposed = unicodedata.normalize("NFKD", " ".join(parts))
    return "".join(char for char in decomposed if char.isalnum()).casefold()


def sort_key(family_names: str, given_names: str) -> str:
    """Names as Spanish sorts them, the same on every database: without accents and in lower
    case ("Cárdenas" before "Chen", "Pérez" before "Prueba"), family names first."""
    decomposed = unicodedata.normalize("NFKD", f"{family_names}\t{given_names}")
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def document_key(number: str) -> str:
    """A document number as it is compared and stored: no spaces or dashes, upper case."""
    return "".join(char for char in number if char.isalnum()).upper()


# Estimated ages are guesses: people whose years of birth differ by this much may be one person.
AGE_TOLERANCE = 2


def _words(text: str) -> list[str]:
    return [key for key in (name_key(word) for word in text.split()) if key]


def _one_edit_apart(first: str, second: str) -> bool:
    """Whether one letter added, removed or replaced makes `first` into `second`."""
    if abs(len(first) - len(second)) > 1:
        return False
    if len(first) > len(second):
        first, second = second, first
    for index, (a, b) in enumerate(zip(first, second, strict=False)):
        if a != b:
            rest = index + 1 if len(first) == len(second) else index
            return first[rest:] == second[index + 1 :]
    return True


def close_names(one: "Beneficiary", other: "Beneficiary") -> str:
    """How the names of two people are alike enough to be one person written twice, or "":
    the same once accents, case and spaces are set aside; one letter apart; given and family
    names swapped; or one of them without the second family name."""
    if one.name_key == other.name_key:
        return _("the same names")
    if _one_edit_apart(one.name_key, other.name_key):
        return _("names one letter apart")
    given, family = _words(one.given_names), _words(one.family_names)
    other_given, other_family = _words(other.given_names), _words(other.family_names)
    if given + family == other_family + other_given:
        return _("given and family names swapped")
    shorter, longer = sorted([family, other_family], key=len)
    if given == other_given and shorter and longer[: len(shorter)] == shorter:
        return _("a second family name missing")
    return ""


NAMED_IN_ANOTHER_AREA = _(
    "This person is registered in another area: a case names people of its own area only."
)


def person_name(pk: int, given_names: str, family_names: str, anonymised_at) -> str:
    if anonymised_at:
        return gettext("Anonymised person %(number)s") % {"number": pk}
    return f"{given_names} {family_names}"


def person_label(
    pk: int,
    given_names: str,
    family_names: str,
    anonymised_at,
    nationality,
    date_of_birth: datetime.date | None,
    estimated_age: int | None,
) -> str:
    """A person in the person pickers: name, nationality (its code, or a Country) and birth.
    From the values themselves, so that a list of many reads them without making people."""
    born = f"{date_of_birth:%d/%m/%Y}" if date_of_birth else f"~{estimated_age}"
    return f"{person_name(pk, given_names, family_names, anonymised_at)} · {nationality} · {born}"


def _labels_of_ticked(record: models.Model, names: list[str]) -> list[str]:
    """The names of the boolean fields that are true, as people read them."""
    return [
        str(record._meta.get_field(name).verbose_name) for name in names if getattr(record, name)
    ]


def _seen_at(sites: models.QuerySet) -> Q:
    """People registered at `sites` or named on a case there, as one condition that a query of
    people can add to others (the person search's), rather than an IN of another query of
    people, which PostgreSQL computes whole before it reads the first row it shows."""
    return (
        Q(site__in=sites)
        | Q(pk__in=LegalOrientationCase.objects.filter(site__in=sites).values("beneficiary"))
        | Q(pk__in=AVRCase.objects.filter(site__in=sites).values("principal"))
        | Q(pk__in=AVRFamilyMember.objects.filter(case__site__in=sites).values("beneficiary"))
    )


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

    def for_user(self, user: User) -> "BeneficiaryQuerySet":
        """Staff see the people registered at their sites, and the people named on a case at
        their sites: a migrant registered at one reception station of an area and counselled
        at its sub-office is seen by the staff of both, and by nobody of another area."""
        if not user.is_authenticated or user.is_administrator or not user.works_at_sites:
            return super().for_user(user)
        # Their sites as a subquery, not as values as SiteScopedQuerySet gives them: the people
        # are found through four tables, and with values the person search was slower.
        return self.filter(_seen_at(user.sites.all()))

    def nameable_by(self, user: User) -> "BeneficiaryQuerySet":
        """The people a person may name on a case: those they see, and those registered at any
        site of the areas they work in (an area is the region of a site's province)."""
        if user.is_administrator:
            return self.current()
        if not user.works_at_sites:
            return self.none()
        areas = user.sites.filter(province__region__isnull=False).values("province__region")
        in_their_areas = Q(site__province__region__in=areas)
        return self.current().filter(_seen_at(user.sites.all()) | in_their_areas)

    def current(self) -> "BeneficiaryQuerySet":
        """People not merged into another record (a merged one is kept only so old links and
        exports still lead to the person)."""
        return self.filter(merged_into__isnull=True)

    def likely_duplicates_of(self, person: "Beneficiary") -> "BeneficiaryQuerySet":
        """Others who may be the same person as `person` (saved or not): see `alike`."""
        return self.filter(pk__in=[other.pk for _person, other in self.alike([person])])

    def alike(self, people: list["Beneficiary"]) -> list[tuple["Beneficiary", "Beneficiary"]]:
        """(person, other) for each of `people` and each other record that may be the same
        person: the same document, or the same nationality, a birth within the tolerance of
        estimated ages (the same date when both dates are known) and close names (see
        `close_names`). Pairs decided to be different people are left out: never proposed
        again. One query for the candidates of all `people`, compared in Python by nationality
        and year of birth: SQLite and PostgreSQL have no common way to compare names loosely."""
        if not people:
            return []
        years = [person.estimated_birth_year() for person in people]
        near = Q(
            nationality__in={str(person.nationality) for person in people},
            birth_year__range=(min(years) - AGE_TOLERANCE, max(years) + AGE_TOLERANCE),
        )
        documents = {person.document() for person in people} - {None}
        by_document = Q(document_number__in={number for _kind, number in documents})
        by_birth, by_number = defaultdict(list), defaultdict(list)
        for other in self.current().filter(near | by_document if documents else near):
            by_birth[(str(other.nationality), other.birth_year)].append(other)
            by_number[other.document()].append(other)
        different = PossibleDuplicate.objects.different().among(people)
        pairs = []
        for person, year in zip(people, years, strict=True):
            found = {
                other.pk: other
                for born in range(year - AGE_TOLERANCE, year + AGE_TOLERANCE + 1)
                for other in by_birth[(str(person.nationality), born)]
            }
            if person.document():
                found |= {other.pk: other for other in by_number[person.document()]}
            pairs += [
                (person, other)
                for other in found.values()
                if other.pk != person.pk
                and tuple(sorted([other.pk, person.pk or 0])) not in different
                and other.may_be_the_same_as(person)
            ]
        return pairs

    def due_for_anonymisation(self, cutoff: datetime.date) -> "BeneficiaryQuerySet":
        """People registered before `cutoff` with no open case and nothing in any of their
        cases on or after it (the retention period ended with their last case)."""
        person = OuterRef("pk")
        legal = LegalOrientationCase.objects.filter(beneficiary=person)
        avr = AVRCase.objects.filter(Q(principal=person) | Q(family__beneficiary=person))
        return (
            self.filter(anonymised_at__isnull=True, created_at__date__lt=cutoff)
            .exclude(Exists(legal.filter(is_closed=False)))
            .exclude(Exists(avr.filter(departure_date__isnull=True, withdrawn_on__isnull=True)))
            .exclude(
                Exists(
                    legal.filter(
                        Q(opened_on__gte=cutoff)
                        | Q(follow_up_date__gte=cutoff)
                        | Q(sessions__date__gte=cutoff)
                    )
                )
            )
            .exclude(
                Exists(avr.filter(Q(departure_date__gte=cutoff) | Q(withdrawn_on__gte=cutoff)))
            )
        )


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
    sort_key = models.CharField(max_length=310, db_index=True, editable=False, default="")
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
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    # The year of birth, or the one the estimated age gives: where duplicates are looked for.
    birth_year = models.PositiveSmallIntegerField(null=True, editable=False, db_index=True)
    # Set when a merge of two records of this person is approved: this record is a tombstone
    # whose old links lead to the record kept.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_records",
    )
    # The year is computed from what the history keeps: a column less per version written.
    history = HistoricalRecords(excluded_fields=["birth_year"])

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
        ordering = ["sort_key", "pk"]
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
        return person_name(self.pk, self.given_names, self.family_names, self.anonymised_at)

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

    # What a person's label in the person pickers is made of, in `person_label`'s order.
    CHOICE_LABEL_FIELDS = (
        "pk",
        "given_names",
        "family_names",
        "anonymised_at",
        "nationality",
        "date_of_birth",
        "estimated_age",
    )

    def choice_label(self) -> str:
        return person_label(*(getattr(self, name) for name in self.CHOICE_LABEL_FIELDS))

    @property
    def vulnerabilities(self) -> list[str]:
        return _labels_of_ticked(self, self.VULNERABILITY_FIELDS)

    def may_be_named_at(self, site: Site) -> bool:
        """A case names a person registered at its site or at another site of its area (the
        region of the site's province): staff of an area serve the same migrants."""
        if self.merged_into_id:
            return False
        if self.site_id == site.pk:
            return True
        area = self.site.province.region_id
        return area is not None and area == site.province.region_id

    def may_edit(self, user: User) -> bool:
        """Any staff of the person's site corrects their data: cases of several authors share it."""
        return user.has_perm("cases.change_beneficiary") and user.works_at(self.site_id)

    def update_keys(self) -> None:
        """The normalised name and document that duplicates and search compare."""
        self.name_key = name_key(self.given_names, self.family_names)
        self.sort_key = sort_key(self.family_names, self.given_names)
        self.document_number = document_key(self.document_number)
        self.birth_year = self.estimated_birth_year()

    def estimated_birth_year(self) -> int:
        """The year of birth; from an estimated age, the year it gives at the consent."""
        if self.date_of_birth:
            return self.date_of_birth.year
        day = self.consent_date or timezone.localdate()
        return day.year - (self.estimated_age or 0)

    def may_be_the_same_as(self, other: "Beneficiary") -> bool:
        """The same document; or the same nationality, close names and a birth that fits:
        the same date when both are known, years within the tolerance when one is estimated."""
        if self.document() and self.document() == other.document():
            return True
        if self.nationality != other.nationality or not close_names(self, other):
            return False
        if self.date_of_birth and other.date_of_birth:
            return self.date_of_birth == other.date_of_birth
        return abs(self.estimated_birth_year() - other.estimated_birth_year()) <= AGE_TOLERANCE

    def people_named(self) -> list["Beneficiary"]:
        """The records merged into this one: their history is this person's history too."""
        return list(self.merged_records.all())

    def merge_steps(self) -> models.QuerySet["PersonMergeStep"]:
        """The steps of each merge this person was part of: steps of their history too."""
        return PersonMergeStep.objects.filter(
            merge__in=PersonMerge.objects.involving(self)
        ).select_related("by", "merge__kept", "merge__merged")

    def document(self) -> tuple[str, str] | None:
        return (self.document_type, self.document_number) if self.document_number else None

    @classmethod
    def propose_duplicates(cls, people: list["Beneficiary"]) -> None:
        """Record each likely duplicate of `people` as a pair for a supervisor to decide; a
        pair already found or decided is left as it is."""
        pairs = {tuple(sorted([one.pk, other.pk])) for one, other in cls.objects.alike(people)}
        PossibleDuplicate.objects.bulk_create(
            [PossibleDuplicate(first_id=first, second_id=second) for first, second in pairs],
            ignore_conflicts=True,
        )

    def register(self, *, by: User) -> None:
        self.created_by = by
        with transaction.atomic():
            self._save(by)
            Beneficiary.propose_duplicates([self])

    def save_changes(self, *, by: User, seen_version: int) -> None:
        """Save an edit made on `seen_version` (StaleRecord if someone saved since); changed
        names, birth or document may make a likely duplicate."""
        with transaction.atomic():
            self._lock_if_unchanged(seen_version)
            self._save(by)
            Beneficiary.propose_duplicates([self])

    def _save(self, by: User) -> None:
        self.update_keys()
        self._history_user = by
        self.save()

    def anonymise(self, *, by: User | None, reason: str, on_request: bool = False) -> "Erasure":
        """Names, document, contact, vulnerabilities and the free text of their cases removed,
        here and in the history; sex, nationality, residence and an age band kept, so that
        every figure stays as it was. `by` is None for the retention task."""
        with transaction.atomic():
            person = Beneficiary.objects.select_for_update().get(pk=self.pk)
            person.estimated_age = age_band(person.age_on(timezone.localdate()))
            person.date_of_birth = None
            person.given_names = person.family_names = person.name_key = ""
            person.document_type = person.document_number = person.phone = ""
            person.external_id = ""
            for field in self.VULNERABILITY_FIELDS:
                setattr(person, field, False)
            person.anonymised_at = timezone.now()
            person.save()
            person.history.all().delete()
            _remove_free_text_of_cases(person)
            erasure = Erasure.objects.create(
                person=person, by=by, reason=reason, on_request=on_request
            )
        self.refresh_from_db()
        return erasure

    def age_on(self, day: datetime.date) -> int:
        if self.date_of_birth is None:
            return self.estimated_age
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# The lower bounds of the age bands an anonymised person keeps: children, adolescents and adults
# apart, as every disaggregation by age reads them.
AGE_BANDS = (0, 5, 12, 18, 25, 40, 60)


def age_band(age: int) -> int:
    return max(band for band in AGE_BANDS if band <= age)


def _remove_free_text_of_cases(person: Beneficiary) -> None:
    """What staff wrote about the person, in their cases and those cases' history and review
    steps. A withdrawal keeps a reason (a constraint): a dash."""
    legal = LegalOrientationCase.objects.filter(beneficiary=person)
    legal_ids = list(legal.values_list("pk", flat=True))
    legal.update(outcome="")
    LegalOrientationCase.history.filter(id__in=legal_ids).update(outcome="")
    CounsellingSession.objects.filter(case__in=legal_ids).update(notes="")
    avr = AVRCase.objects.filter(principal=person)
    avr_ids = list(avr.values_list("pk", flat=True))
    avr.exclude(withdrawal_reason="").update(withdrawal_reason="-")
    AVRCase.history.filter(id__in=avr_ids).exclude(withdrawal_reason="").update(
        withdrawal_reason="-"
    )
    for model, ids in ((LegalOrientationCase, legal_ids), (AVRCase, avr_ids)):
        Transition.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=ids
        ).exclude(reason="").update(reason="-")


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
    names_people = True

    objects = LegalOrientationCaseQuerySet.as_manager()

    class Meta(LegalTopics.Meta):
        ordering = ["-opened_on", "-pk"]
        indexes = [
            # The figures read approved records by date; the list shows the newest first.
            models.Index(
                fields=["opened_on"], condition=Q(status="approved"), name="legal_approved_date"
            ),
            models.Index(fields=["-opened_on", "-id"], name="legal_newest_first"),
            *review_indexes("legal"),
            # Who a site's staff see (`_seen_at`): the people named on its cases, from the
            # index alone.
            models.Index(fields=["site"], include=["beneficiary"], name="legal_site_people"),
            # Legal orientation counts people by the dates of their sessions: the approved
            # cases joined to the period's sessions give the person and the sex counted, and
            # the pending ones are counted for the figures page, each from the index alone.
            models.Index(
                fields=["id"],
                include=["beneficiary", "counted_sex", "site"],
                condition=Q(status="approved"),
                name="legal_approved_people",
            ),
            models.Index(
                fields=["id"],
                include=["site"],
                condition=Q(status="submitted"),
                name="legal_pending",
            ),
        ]
        verbose_name = _("legal orientation case")
        verbose_name_plural = _("legal orientation cases")

    def __str__(self) -> str:
        return f"{self.beneficiary} ({self.opened_on:%d/%m/%Y})"

    @classmethod
    def for_queue(cls, records: models.QuerySet) -> models.QuerySet:
        sessions = CounsellingSession.objects.filter(case=OuterRef("pk"))
        return records.select_related("beneficiary").annotate(session_count=SubqueryCount(sessions))

    def key_figures(self) -> str:
        return ngettext(
            "%(count)s session: %(topics)s", "%(count)s sessions: %(topics)s", self.session_count
        ) % {"count": self.session_count, "topics": ", ".join(self.topics)}

    def clean(self) -> None:
        errors = {}
        try:
            super().clean()
        except ValidationError as error:
            errors = error.message_dict
        if self.beneficiary_id and self.site_id and not self.beneficiary.may_be_named_at(self.site):
            errors["beneficiary"] = [NAMED_IN_ANOTHER_AREA]
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
        db_index=False,  # led by the case, session_case_date serves as its index
    )
    # Legal orientation counts people by the date of their sessions (see Meta.indexes).
    date = models.DateField(_("date"), validators=[not_in_future])
    counsellor = models.CharField(_("counsellor"), max_length=150)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    record_field = "case"

    class Meta(LegalTopics.Meta):
        ordering = ["date", "pk"]
        indexes = [
            # The period's sessions, with their case and topics: what legal orientation and
            # the drill-down by session date read, from the index alone.
            models.Index(
                fields=["date"],
                include=["case", "topic_migration", "topic_work", "topic_family"],
                name="session_date",
            ),
            # The same in the order of the cases: over a long period (a year), PostgreSQL
            # merges it with the approved cases' index (legal_approved_people) rather than
            # hashing every session of the period, twice as fast at a million records.
            models.Index(
                fields=["case", "date"],
                include=["topic_migration", "topic_work", "topic_family"],
                name="session_case_date",
            ),
        ]
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
    names_people = True

    objects = AVRCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-orientation_date", "-pk"]
        indexes = [
            # The figures read approved records by date; the list shows the newest first.
            # "People guided": approved cases by orientation date, not yet departed.
            models.Index(
                fields=["orientation_date"],
                include=["site", "departure_date", "id"],
                condition=Q(status="approved"),
                name="avr_approved_date",
            ),
            models.Index(fields=["-orientation_date", "-id"], name="avr_newest_first"),
            *review_indexes("avr"),
            # Who a site's staff see (`_seen_at`): the principals of its cases, and the cases
            # whose family members they see, from the index alone.
            models.Index(fields=["site"], include=["id", "principal"], name="avr_site_people"),
            # "People who returned": cases by departure date, and the nationality counted.
            *figure_indexes("avr_departure", "departure_date", "counted_nationality"),
        ]
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

    @classmethod
    def for_queue(cls, records: models.QuerySet) -> models.QuerySet:
        family = AVRFamilyMember.objects.filter(case=OuterRef("pk"))
        return records.select_related("principal").annotate(family_count=SubqueryCount(family))

    def key_figures(self) -> str:
        return ngettext(
            "%(people)s person returning · %(stage)s",
            "%(people)s people returning · %(stage)s",
            self.family_count + 1,
        ) % {"people": self.family_count + 1, "stage": self.current_stage}

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
        if self.principal_id and self.site_id and not self.principal.may_be_named_at(self.site):
            errors["principal"] = NAMED_IN_ANOTHER_AREA
        if errors:
            raise ValidationError(errors)

    def check_line(self, line: "AVRFamilyMember", earlier: list) -> dict[str, str]:
        """Each family member once, not the applicant, and registered in the case's area."""
        if line.beneficiary_id in {self.principal_id, *(row.beneficiary_id for row in earlier)}:
            return {
                "beneficiary": _(
                    "This person is already in the case: as the applicant or in another row."
                )
            }
        if self.site_id and not line.beneficiary.may_be_named_at(self.site):
            return {"beneficiary": NAMED_IN_ANOTHER_AREA}
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
        indexes = [
            # The family of the period's returnees by nationality, from the index alone.
            models.Index(
                fields=["case"], include=["counted_nationality", "id"], name="family_nationality"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "beneficiary"], name="family_member_once_per_case"
            )
        ]

    def __str__(self) -> str:
        return f"{self.beneficiary} ({self.get_relationship_display()})"


class PossibleDuplicateQuerySet(models.QuerySet):
    def for_user(self, user: User) -> "PossibleDuplicateQuerySet":
        """Pairs whose two people the person sees: nobody decides about someone unseen."""
        people = Beneficiary.objects.for_user(user)
        return self.filter(first__in=people, second__in=people)

    def involving(self, person: Beneficiary) -> "PossibleDuplicateQuerySet":
        return self.filter(Q(first=person) | Q(second=person))

    def among(self, people: list[Beneficiary]) -> set[tuple[int, int]]:
        """The pairs (first pk, second pk) that name any of `people`."""
        pks = [person.pk for person in people if person.pk]
        pairs = self.filter(Q(first__in=pks) | Q(second__in=pks))
        return set(pairs.values_list("first", "second"))

    def different(self) -> "PossibleDuplicateQuerySet":
        return self.filter(decision=PossibleDuplicate.Decision.DIFFERENT)

    def to_decide(self) -> "PossibleDuplicateQuerySet":
        """Pairs nobody decided yet, of two people neither of whom was merged since."""
        return self.filter(
            decision=PossibleDuplicate.Decision.PENDING,
            first__merged_into__isnull=True,
            second__merged_into__isnull=True,
        ).order_by("found_at", "pk")


class PossibleDuplicate(models.Model):
    """Two records that may be one person, found when a person is registered, edited or
    imported, and what a supervisor decided: different people (never proposed again), or the
    same person (a merge, which another person reviews)."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("To decide")
        DIFFERENT = "different", _("Different people")
        SAME = "same", _("Same person")

    first = models.ForeignKey(
        Beneficiary, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    second = models.ForeignKey(
        Beneficiary, verbose_name=_("other person"), on_delete=models.CASCADE, related_name="+"
    )
    found_at = models.DateTimeField(_("found at"), default=timezone.now)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = PossibleDuplicateQuerySet.as_manager()

    class Meta:
        ordering = ["found_at", "pk"]
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        constraints = [
            # One row per pair, the older record first, so that a pair is found only once.
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_pair_once"),
            models.CheckConstraint(
                condition=Q(first__lt=F("second")), name="duplicate_pair_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first} / {self.second}"

    def person(self, pk: int) -> Beneficiary:
        return self.first if pk == self.first_id else self.second

    def why(self) -> list[str]:
        """What the two records have in common, as the queue shows it."""
        reasons = []
        if self.first.document() and self.first.document() == self.second.document():
            reasons.append(_("the same document"))
        names = close_names(self.first, self.second)
        if names:
            reasons.append(names)
        return reasons

    def may_review(self, user: User) -> bool:
        """Supervisors and administrators who see both people decide."""
        return user.has_perm("iompanama.review_records") and (
            PossibleDuplicate.objects.for_user(user).filter(pk=self.pk).exists()
        )

    def decide_different(self, *, by: User) -> None:
        self._decide(self.Decision.DIFFERENT, by)

    def _reopen(self) -> None:
        """To decide again: a merge of the pair was rejected or undone."""
        PossibleDuplicate.objects.filter(pk=self.pk).update(
            decision=self.Decision.PENDING, decided_by=None, decided_at=None
        )

    def _decide(self, decision: str, by: User) -> None:
        """Record the decision unless someone decided first (InvalidTransition)."""
        changed = PossibleDuplicate.objects.filter(
            pk=self.pk, decision=self.Decision.PENDING
        ).update(decision=decision, decided_by=by, decided_at=timezone.now())
        if not changed:
            raise InvalidTransition
        self.refresh_from_db()


class PersonMergeQuerySet(models.QuerySet):
    def for_user(self, user: User) -> "PersonMergeQuerySet":
        people = Beneficiary.objects.for_user(user)
        return self.filter(kept__in=people, merged__in=people)

    def involving(self, person: Beneficiary) -> "PersonMergeQuerySet":
        return self.filter(Q(kept=person) | Q(merged=person))

    def with_steps(self) -> "PersonMergeQuerySet":
        """Each merge's steps and their authors, read in one query for all the merges."""
        steps = PersonMergeStep.objects.select_related("by")
        return self.prefetch_related(models.Prefetch("steps", queryset=steps))

    def awaiting_review(self) -> "PersonMergeQuerySet":
        """A merge, or the undo of one, that a second person has yet to review."""
        waiting = [PersonMerge.Status.PROPOSED, PersonMerge.Status.UNDO_PROPOSED]
        return self.filter(status__in=waiting).order_by("pk")

    def in_force(self) -> "PersonMergeQuerySet":
        return self.filter(status=PersonMerge.Status.APPROVED).order_by("-pk")


class PersonMerge(models.Model):
    """Two records of one person made one: every case and family membership of the merged
    record moves to the kept one, and the merged record stays as a tombstone pointing to it.
    A merge changes "distinct people", an approved figure: it is proposed by one person and
    takes effect only when another approves it, never over a locked period. Its undo moves
    the figure back, so it is reviewed the same way, until the period of the cases it moved is
    locked. Each step is a row (`PersonMergeStep`)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        UNDO_PROPOSED = "undo", _("Undo awaiting review")
        REJECTED = "rejected", _("Rejected")
        UNDONE = "undone", _("Undone")

    kept = models.ForeignKey(
        Beneficiary, verbose_name=_("record kept"), on_delete=models.PROTECT, related_name="+"
    )
    merged = models.ForeignKey(
        Beneficiary, verbose_name=_("record merged"), on_delete=models.PROTECT, related_name="+"
    )
    pair = models.ForeignKey(PossibleDuplicate, on_delete=models.PROTECT, related_name="merges")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    # The rows the merge moved, by kind ("legal", "avr", "family"), and whether the identity
    # document moved ("document"): what an undo moves back.
    moved = models.JSONField(default=dict, blank=True)

    objects = PersonMergeQuerySet.as_manager()

    # A merge no longer proposed nor in force: its merged record may be merged again.
    ENDED = [Status.REJECTED, Status.UNDONE]

    # What names a person: each moves to the kept record. With the value each keeps of the
    # person for the figures, and the person's field it is frozen from: a person moved is
    # counted as the record they move to says.
    MOVED_ROWS = {
        "legal": (LegalOrientationCase, "beneficiary", ("counted_sex", "sex")),
        "avr": (AVRCase, "principal", ("counted_nationality", "nationality")),
        "family": (AVRFamilyMember, "beneficiary", ("counted_nationality", "nationality")),
    }

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("merge of two records of a person")
        verbose_name_plural = _("merges of records of a person")
        constraints = [
            models.CheckConstraint(condition=~Q(kept=F("merged")), name="merge_of_two_records"),
            # A record is merged once at a time: proposed, in force, or its undo proposed.
            models.UniqueConstraint(
                fields=["merged"],
                condition=Q(status__in=["proposed", "approved", "undo"]),
                name="record_merged_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.merged} → {self.kept}"

    @classmethod
    def propose(cls, pair: PossibleDuplicate, *, kept: Beneficiary, by: User) -> "PersonMerge":
        """Decide that the pair is one person, keeping `kept`: the merge waits for review."""
        merged = pair.second if kept.pk == pair.first_id else pair.first
        with transaction.atomic():
            pair._decide(PossibleDuplicate.Decision.SAME, by)
            if cls.objects.filter(merged=merged).exclude(status__in=cls.ENDED).exists():
                raise ReviewRefused(
                    _(
                        "This record is already being merged into another: keep it, or decide "
                        "once that merge is reviewed."
                    )
                )
            merge = cls.objects.create(pair=pair, kept=kept, merged=merged)
            merge._step(PersonMergeStep.Action.PROPOSED, by)
        return merge

    def last_step(self) -> "PersonMergeStep":
        """The latest step: who asked for what awaits review, or who approved what is in force
        (read from the prefetched steps when `with_steps` read them)."""
        return list(self.steps.all())[-1]

    def may_review(self, user: User) -> bool:
        """Supervisors and administrators who see both records review, and undo, a merge."""
        return user.has_perm("iompanama.review_records") and (
            PersonMerge.objects.for_user(user).filter(pk=self.pk).exists()
        )

    def review_refusal(self, user: User) -> str | None:
        """Why this person may not approve or reject the merge, or its undo, now; None if
        they may. Four eyes: not the person who asked for it."""
        if not self.may_review(user):
            return _("You do not review the people of these sites.")
        if self.status not in (self.Status.PROPOSED, self.Status.UNDO_PROPOSED):
            return _("Someone else reviewed it first.")
        if self.last_step().by_id == user.pk:
            if self.status == self.Status.UNDO_PROPOSED:
                return _("You asked for this undo: another person must review it.")
            return _("You proposed this merge: another person must review it.")
        if self.status == self.Status.PROPOSED and (
            self.kept.merged_into_id or self.merged.merged_into_id
        ):
            return _("One of the two records was merged into another since: reject this merge.")
        return self._undo_refusal() if self.status == self.Status.UNDO_PROPOSED else None

    def undo_refusal(self, user: User) -> str | None:
        """Why this person may not ask for the undo of the merge now; None if they may."""
        if not self.may_review(user):
            return _("You do not review the people of these sites.")
        if self.status != self.Status.APPROVED:
            return _("Only a merge in force can be undone.")
        return self._undo_refusal()

    def _undo_refusal(self) -> str | None:
        if self.kept.merged_into_id:
            return _("The record kept was merged into another since: undo that merge first.")
        return None

    def approve(self, *, by: User) -> None:
        """Let what awaits review take effect: the merge, or its undo."""
        with transaction.atomic():
            current = PersonMerge.objects.select_for_update().get(pk=self.pk)
            refusal = current.review_refusal(by)
            if refusal:
                raise ReviewRefused(refusal)
            if current.status == self.Status.PROPOSED:
                current._merge(by)
            else:
                current._undo(by)
        self.refresh_from_db()

    def reject(self, *, by: User) -> None:
        """A merge rejected leaves the two records apart, and the pair to decide again; an
        undo rejected leaves the merge in force."""
        with transaction.atomic():
            current = PersonMerge.objects.select_for_update().get(pk=self.pk)
            refusal = current.review_refusal(by)
            if refusal:
                raise ReviewRefused(refusal)
            if current.status == self.Status.PROPOSED:
                current.status = self.Status.REJECTED
                current._step(PersonMergeStep.Action.REJECTED, by)
                current.pair._reopen()
            else:
                current.status = self.Status.APPROVED
                current._step(PersonMergeStep.Action.UNDO_REJECTED, by)
            current.save(update_fields=["status"])
        self.refresh_from_db()

    def propose_undo(self, *, by: User) -> None:
        """Ask for the merge to be undone: it is, when another person approves."""
        with transaction.atomic():
            current = PersonMerge.objects.select_for_update().get(pk=self.pk)
            refusal = current.undo_refusal(by)
            if refusal:
                raise ReviewRefused(refusal)
            current._refuse_if_locked(current._rows_naming(self.kept, only=current.moved))
            current.status = self.Status.UNDO_PROPOSED
            current.save(update_fields=["status"])
            current._step(PersonMergeStep.Action.UNDO_PROPOSED, by)
        self.refresh_from_db()

    def _merge(self, by: User) -> None:
        """Move every row that names the merged record to the kept one, and leave the merged
        record as a tombstone; refused over a locked period, whose published count of distinct
        people it would change."""
        shared = AVRCase.objects.involving(self.kept).filter(
            pk__in=AVRCase.objects.involving(self.merged).values("pk")
        )
        if shared.exists():
            raise ReviewRefused(
                _("Both records are in the same return case: correct the case first.")
            )
        self._refuse_if_locked(self._rows_naming(self.merged))
        self.moved = self._move(self.merged, self.kept, by)
        self._tombstone(self.kept, by)
        # The identity document moves too when only the merged record had one.
        if self.merged.document() and not self.kept.document():
            self._set_document(self.merged.document(), by)
            self.moved["document"] = True
        self.status = self.Status.APPROVED
        self.save(update_fields=["moved", "status"])
        self._step(PersonMergeStep.Action.APPROVED, by)

    def _undo(self, by: User) -> None:
        """Move back what the merge moved, until the period of those cases is locked."""
        self._refuse_if_locked(self._rows_naming(self.kept, only=self.moved))
        self._move(self.kept, self.merged, by, only=self.moved)
        self._tombstone(None, by)
        self.kept.refresh_from_db()
        if self.moved.get("document") and self.kept.document() == self.merged.document():
            self._set_document(("", ""), by)
        self.status = self.Status.UNDONE
        self.save(update_fields=["status"])
        self._step(PersonMergeStep.Action.UNDONE, by)
        self.pair._reopen()

    def _step(self, action: str, by: User) -> None:
        PersonMergeStep.objects.create(merge=self, action=action, by=by)

    def _rows_naming(self, person: Beneficiary, only: dict | None = None) -> dict[str, list]:
        rows = {}
        for kind, (model, field, _counted) in self.MOVED_ROWS.items():
            found = model.objects.select_for_update().filter(**{field: person})
            if only is not None:
                found = found.filter(pk__in=only.get(kind, []))
            rows[kind] = list(found)
        return rows

    def _refuse_if_locked(self, rows: dict[str, list]) -> None:
        """The dates of the cases that move: a locked period counts the person there."""
        cases = {case.pk: case for case in [*rows["legal"], *rows["avr"]]}
        family_cases = AVRCase.objects.filter(pk__in=[row.case_id for row in rows["family"]])
        dates = []
        for case in [*cases.values(), *family_cases]:
            dates += case.lock_dates()
        lock = lock_covering(dates)
        if lock:
            raise PeriodLocked(lock.refusal())

    def _move(
        self, source: Beneficiary, target: Beneficiary, by: User, only: dict | None = None
    ) -> dict[str, list[int]]:
        """Each row naming `source` (those in `only`, when given) now names `target`, with a
        version in each row's history, by `by`. What an approved row counts of the person is
        frozen again from `target`: the merge is reviewed like the approval that froze it, and
        one person counts the same in every row (not once as female and once as male)."""
        moved = {}
        for kind, rows in self._rows_naming(source, only).items():
            model, field, (counted, of_person) = self.MOVED_ROWS[kind]
            fields = [field, counted]
            for row in rows:
                setattr(row, field, target)
                if getattr(row, counted):  # frozen at an approval: blank before any
                    setattr(row, counted, getattr(target, of_person))
                if hasattr(row, "version"):
                    row.version += 1
                    fields = [field, counted, "version"]
            bulk_update_with_history(rows, model, fields, default_user=by)
            moved[kind] = [row.pk for row in rows]
        return moved

    def _set_document(self, document: tuple[str, str], by: User) -> None:
        kept = Beneficiary.objects.select_for_update().get(pk=self.kept_id)
        kept.document_type, kept.document_number = document
        kept.version += 1
        kept._history_user = by
        kept.save(update_fields=["document_type", "document_number", "version"])

    def _tombstone(self, into: Beneficiary | None, by: User) -> None:
        merged = Beneficiary.objects.select_for_update().get(pk=self.merged_id)
        merged.merged_into = into
        merged.version += 1
        merged._history_user = by
        merged.save(update_fields=["merged_into", "version"])


class PersonMergeStep(models.Model):
    """One step of a merge: proposed, approved, rejected, its undo proposed, rejected or
    done; by whom and when. Read by the four-eyes rule and shown in both people's history."""

    class Action(models.TextChoices):
        PROPOSED = "proposed", _("Merge proposed")
        APPROVED = "approved", _("Merge approved")
        REJECTED = "rejected", _("Merge rejected")
        UNDO_PROPOSED = "undo_proposed", _("Undo of the merge proposed")
        UNDO_REJECTED = "undo_rejected", _("Undo of the merge rejected")
        UNDONE = "undone", _("Merge undone")

    merge = models.ForeignKey(PersonMerge, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("step"), max_length=20, choices=Action.choices)
    by = models.ForeignKey(User, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("step of a merge")
        verbose_name_plural = _("steps of merges")

    def __str__(self) -> str:
        return str(self.get_action_display())

    @property
    def reason(self) -> str:
        """What the step was about, as a review step's reason is shown in a history."""
        merge = self.merge
        return _("%(merged)s (no. %(merged_pk)s) merged into %(kept)s (no. %(kept_pk)s)") % {
            "merged": merge.merged,
            "merged_pk": merge.merged_id,
            "kept": merge.kept,
            "kept_pk": merge.kept_id,
        }


class Erasure(models.Model):
    """A person anonymised: when the retention period of their data ended, or on their request
    (the right to erasure), by whom and why. What remains of them is what the figures count."""

    person = models.OneToOneField(
        Beneficiary, verbose_name=_("person"), on_delete=models.PROTECT, related_name="erasure"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        User,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the retention task."),
    )
    on_request = models.BooleanField(_("on the person's request"), default=False)
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["-at"]
        verbose_name = _("anonymisation")
        verbose_name_plural = _("anonymisations")

    def __str__(self) -> str:
        return str(self.person)


def retention_cutoff() -> datetime.date:
    """People whose last case closed before this day are anonymised."""
    today = timezone.localdate()
    years = settings.RETENTION_BENEFICIARY_YEARS
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)
