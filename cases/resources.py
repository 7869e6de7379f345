"""Beneficiaries and their cases as rows of a file: personal data, exported by administrators
only and every export logged. Beneficiaries are imported too, each likely duplicate of someone
already registered (or of another row) shown as a warning, as the form warns of it."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import widgets

from cases.models import AVRCase, AVRFamilyMember, Beneficiary, LegalOrientationCase
from iompanama.files.resources import (
    KEYS_PER_QUERY,
    SITE,
    Column,
    Lines,
    RecordResource,
    SiteRowsResource,
)
from iompanama.files.widgets import (
    BooleanWidget,
    ChoiceWidget,
    CountryWidget,
    DateWidget,
    NumberWidget,
)
from iompanama.models import Sex, User


def flag(name: str) -> Column:
    """A vulnerability, yes or no (no when empty)."""
    label = capfirst(Beneficiary._meta.get_field(name).verbose_name)
    return Column(
        name, format_lazy(gettext_lazy("{label}: yes or no."), label=label), "no", BooleanWidget()
    )


class BeneficiaryResource(SiteRowsResource):
    """People, imported by administrators (any site) and supervisors (their sites). Not
    reviewed: a person imported is registered at once, entered by the importer, and with the
    importer as the one who took the consent (the file does not say who did)."""

    personal_data = True
    columns = (
        Column(
            "external_id",
            gettext_lazy("Your identifier of the person: importing it again updates them."),
            "B-0001",
        ),
        SITE,
        Column("given_names", gettext_lazy("Given names."), "María José", required=True),
        Column("family_names", gettext_lazy("Family names."), "Pérez Gómez", required=True),
        Column("sex", gettext_lazy("Sex, by its code."), "female", ChoiceWidget(Sex), True),
        Column(
            "date_of_birth",
            gettext_lazy(
                "Date of birth, as 1990-05-17 or 17/05/1990; if unknown, leave it empty "
                "and give an estimated age."
            ),
            "1990-05-17",
            DateWidget(),
        ),
        Column(
            "estimated_age",
            gettext_lazy("Estimated age in years, when the date of birth is not known."),
            "",
            NumberWidget(),
        ),
        Column(
            "nationality",
            gettext_lazy("Nationality: a country's code or name."),
            "VE",
            CountryWidget(),
            True,
        ),
        Column(
            "residence_country",
            gettext_lazy("Country of habitual residence: a country's code or name."),
            "VE",
            CountryWidget(),
            True,
        ),
        Column(
            "document_type",
            gettext_lazy("Identity document, by its code; empty when there is none."),
            "passport",
            ChoiceWidget(Beneficiary.DocumentType),
        ),
        Column("document_number", gettext_lazy("Number of the identity document."), "123456789"),
        Column("phone", gettext_lazy("Phone number."), "+507 6123-4567"),
        *(flag(name) for name in Beneficiary.VULNERABILITY_FIELDS),
        Column(
            "consent_given",
            gettext_lazy(
                "Informed consent given: must be yes, a person is registered only with it."
            ),
            "yes",
            BooleanWidget(),
            True,
        ),
        Column(
            "consent_date",
            gettext_lazy(
                "Date of the consent. It is recorded as taken by you, who import the "
                "file: import only people whose consent your team took."
            ),
            "2024-03-01",
            DateWidget(),
            True,
        ),
    )

    class Meta(SiteRowsResource.Meta):
        model = Beneficiary

    def __init__(self, user: User | None = None, approve: bool = False) -> None:
        """`approve`, which background jobs give every resource, means nothing here."""
        super().__init__(user)
        # New people with a date of birth, by their line in the file: checked for duplicates.
        self._new_people: list[tuple[int, Beneficiary]] = []
        # Everyone written, with a date of birth or an estimated age: proposed as pairs for a
        # supervisor to decide, as a registration or an edit by form is.
        self._written: list[Beneficiary] = []

    def after_init_instance(self, instance, new, row, **kwargs) -> None:
        super().after_init_instance(instance, new, row, **kwargs)
        if new:
            instance.consent_taken_by = self.user

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The keys are computed first, as `register` does before saving (bulk_create calls
        no save()), so that the model's validation sees them. A cell that could not be read
        keeps its own message only: not also the model's ("give the date of birth" after a
        date that is not one)."""
        instance.update_keys()
        unread = import_validation_errors or {}
        try:
            # Copies: the model's messages are added to the lists given.
            copies = {name: list(messages) for name, messages in unread.items()}
            super().validate_instance(instance, copies, validate_unique)
        except ValidationError as error:
            problems = error.error_dict | unread
            # Names without a letter or digit leave no key: the names' column says so.
            if problems.pop("name_key", None) and not {"given_names", "family_names"} & set(
                problems
            ):
                problems["given_names"] = [_("Write the names with letters.")]
            raise ValidationError(problems) from None

    def before_save_instance(self, instance, row, **kwargs) -> None:
        super().before_save_instance(instance, row, **kwargs)
        if not instance.pk and instance.date_of_birth:
            self._new_people.append((kwargs["row_number"] + 1, instance))
        self._written.append(instance)

    def _updated_fields(self) -> list[str]:
        return [*super()._updated_fields(), "name_key", "sort_key", "birth_year"]

    def after_import(self, dataset, result, **kwargs) -> None:
        super().after_import(dataset, result, **kwargs)
        self.warnings.extend(self._likely_duplicates())
        # Written: a check without a transaction writes nothing.
        Beneficiary.propose_duplicates([person for person in self._written if person.pk])

    def _likely_duplicates(self) -> list[str]:
        """The new people with the names and date of birth of someone of the same site:
        registered before this import (read in one query for the file), or on an earlier row."""
        if not self._new_people:
            return []
        written = {person.pk for _row, person in self._new_people}
        stored: dict[tuple, list[Beneficiary]] = {}
        for person in self._stored_namesakes():
            if person.pk not in written:
                stored.setdefault(_identity(person), []).append(person)
        warnings, first_rows = [], {}
        for row, person in self._new_people:
            for namesake in stored.get(_identity(person), []):
                warnings.append(
                    _(
                        "Row %(row)s: may be the same person as %(person)s (no. %(number)s), "
                        "already registered at this site with the same date of birth."
                    )
                    % {"row": row, "person": namesake, "number": namesake.pk}
                )
            earlier = first_rows.setdefault(_identity(person), row)
            if earlier != row:
                warnings.append(
                    _("Row %(row)s: may be the same person as row %(other)s of the file.")
                    % {"row": row, "other": earlier}
                )
        return warnings

    def _stored_namesakes(self) -> list[Beneficiary]:
        keys = sorted({person.name_key for _row, person in self._new_people})
        sites = {person.site_id for _row, person in self._new_people}
        namesakes = []
        for start in range(0, len(keys), KEYS_PER_QUERY):
            namesakes += Beneficiary.objects.filter(
                site__in=sites, name_key__in=keys[start : start + KEYS_PER_QUERY]
            ).only("pk", "site", "given_names", "family_names", "name_key", "date_of_birth")
        return namesakes

    def export_queryset(self, records: models.QuerySet) -> models.QuerySet:
        return super().export_queryset(records).select_related("site")


def _identity(person: Beneficiary) -> tuple:
    """What two people of a file or of the database share when they may be the same."""
    return (person.site_id, person.name_key, person.date_of_birth)


class PersonWidget(widgets.Widget):
    """A beneficiary the importer may name on a case (see `nameable_by`), by their external ID
    or the system's number (#123, on their page); those of a record merged into another find
    the record kept."""

    user: User | None = None

    def __init__(self) -> None:
        super().__init__()
        self._people: dict[str, Beneficiary] = {}

    def load(self, keys: set[str]) -> None:
        """The people the file names, and only those, read once per file: the cost of an
        import depends on the file, not on how many people the importer's sites serve. A key
        of a record merged into another names the record kept."""
        numbers = sorted(int(key[1:]) for key in keys if key[:1] == "#" and key[1:].isdigit())
        external = sorted(key for key in keys if key[:1] != "#")
        # What the cases' names, rules and counted values read of a person.
        nameable = (
            Beneficiary.objects.nameable_by(self.user)
            .select_related("site__province")
            .only(
                "external_id",
                "given_names",
                "family_names",
                "merged_into",
                "sex",
                "nationality",
                "site__province__region",
            )
        )
        self._people = {}
        for start in range(0, max(len(external), len(numbers)), KEYS_PER_QUERY):
            named = Q(external_id__in=external[start : start + KEYS_PER_QUERY]) | Q(
                pk__in=numbers[start : start + KEYS_PER_QUERY]
            )
            for person in nameable.filter(named):
                self._people[f"#{person.pk}"] = person
                if person.external_id:
                    self._people[person.external_id] = person
            tombstones = Beneficiary.objects.filter(named, merged_into__in=nameable.values("pk"))
            kept = nameable.in_bulk(tombstones.values_list("merged_into", flat=True))
            for pk, external_id, kept_pk in tombstones.values_list(
                "pk", "external_id", "merged_into"
            ):
                for key in (f"#{pk}", external_id):
                    if key:
                        self._people.setdefault(key, kept[kept_pk])

    def people(self) -> dict[str, Beneficiary]:
        return self._people

    def clean(self, value, row=None, **kwargs) -> Beneficiary | None:
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        if text not in self.people():
            raise ValueError(
                _("No person “%(value)s” among your sites' beneficiaries: import them first.")
                % {"value": text}
            )
        return self.people()[text]

    def render(self, value, obj=None, **kwargs) -> str:
        return (value.external_id or f"#{value.pk}") if value else ""

    def example(self, suggested: str) -> str:
        """The template's example: the suggested person if the importer has them, else their
        first person, so that the template imports as it is once people are registered."""
        people = self.people()
        if suggested in people or not people:
            return suggested
        return self.render(min(people.values(), key=lambda person: person.pk))


PERSON_HELP = gettext_lazy(
    "The person's external ID in the beneficiaries' file, or their number (#123)."
)
CASE_ID = Column(
    "external_id",
    gettext_lazy("The case's identifier: each of its lines repeats it and the case's columns."),
    "C-0001",
    required=True,
)


def date(
    name: str, help: str, example: str = "2024-03-31", required: bool = False, attribute: str = ""
) -> Column:
    return Column(name, help, example, DateWidget(), required, attribute)


def yes_no(name: str, help: str, example: str = "no", attribute: str = "") -> Column:
    return Column(name, help, example, BooleanWidget(), attribute=attribute)


class CaseResource(RecordResource):
    """A case and its lines: personal data, imported and exported with the people's IDs."""

    personal_data = True

    def __init__(self, user: User | None = None, approve: bool = False) -> None:
        super().__init__(user, approve)
        self._person_fields = [
            field
            for field in (*self.fields.values(), *self._line_fields)
            if isinstance(field.widget, PersonWidget)
        ]
        for field in self._person_fields:
            field.widget.user = user

    def before_import(self, dataset, **kwargs) -> None:
        super().before_import(dataset, **kwargs)
        for field in self._person_fields:
            if field.column_name in dataset.headers:
                keys = {str(cell or "").strip() for cell in dataset[field.column_name]}
                field.widget.load(keys - {""})


class LegalCaseResource(CaseResource):
    """A legal orientation case per external ID, one line of the file per counselling session."""

    columns = (
        CASE_ID,
        SITE,
        Column("beneficiary", PERSON_HELP, "B-0001", PersonWidget(), True),
        date("opened_on", gettext_lazy("Date the case was opened."), required=True),
        yes_no("topic_migration", gettext_lazy("Topic: migration status, yes or no."), "yes"),
        yes_no("topic_work", gettext_lazy("Topic: work, yes or no.")),
        yes_no("topic_family", gettext_lazy("Topic: family, yes or no.")),
        Column("outcome", gettext_lazy("Outcome, if any."), ""),
        date("follow_up_date", gettext_lazy("Date of the next follow-up, if any."), ""),
        yes_no("is_closed", gettext_lazy("Closed: yes or no.")),
    )
    lines = Lines(
        "sessions",
        (
            date(
                "session_date",
                gettext_lazy("Date of the counselling session."),
                "2024-03-31",
                True,
                "date",
            ),
            Column(
                "session_counsellor",
                gettext_lazy("Who counselled."),
                "Abogada OIM",
                None,
                True,
                "counsellor",
            ),
            yes_no(
                "session_topic_migration",
                gettext_lazy("Session topic: migration status."),
                "yes",
                "topic_migration",
            ),
            yes_no("session_topic_work", gettext_lazy("Session topic: work."), "no", "topic_work"),
            yes_no(
                "session_topic_family", gettext_lazy("Session topic: family."), "no", "topic_family"
            ),
            Column("session_notes", gettext_lazy("Notes of the session."), "", attribute="notes"),
        ),
    )

    class Meta(RecordResource.Meta):
        model = LegalOrientationCase

    def export_queryset(self, records: models.QuerySet) -> models.QuerySet:
        return super().export_queryset(records).select_related("beneficiary")


class AVRCaseResource(CaseResource):
    """An AVR case per external ID, one line of the file per family member who returns with
    the applicant (one line with the family columns empty when none does)."""

    columns = (
        CASE_ID,
        SITE,
        Column("principal", PERSON_HELP, "B-0001", PersonWidget(), True),
        Column(
            "return_country",
            gettext_lazy("Country of return: ISO code or name."),
            "VE",
            CountryWidget(),
            True,
        ),
        date("orientation_date", gettext_lazy("Date of orientation."), required=True),
        date("application_date", gettext_lazy("Date of application, if reached."), ""),
        date("approval_date", gettext_lazy("Date of approval, if reached."), ""),
        date("departure_date", gettext_lazy("Date of departure, if reached."), ""),
        date("withdrawn_on", gettext_lazy("Date the case was withdrawn, if it was."), ""),
        Column("withdrawal_reason", gettext_lazy("Why it was withdrawn."), ""),
    )
    lines = Lines(
        "family",
        (
            # No example: the template's one person is the applicant.
            Column("family_member", PERSON_HELP, "", PersonWidget(), attribute="beneficiary"),
            Column(
                "family_relationship",
                gettext_lazy("Relationship to the applicant."),
                "",
                ChoiceWidget(AVRFamilyMember.Relationship),
                attribute="relationship",
            ),
        ),
        required=False,
    )

    class Meta(RecordResource.Meta):
        model = AVRCase

    def export_queryset(self, records: models.QuerySet) -> models.QuerySet:
        return super().export_queryset(records).select_related("principal")
