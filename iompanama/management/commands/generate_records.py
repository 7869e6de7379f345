"""Many records at once, for the scale benchmark and the tests that pages stay flat.

Rows are written with bulk inserts but left as the workflow leaves them: an author and a site,
nine in ten approved and the rest submitted, each with its review steps (draft → submitted, and
submitted → approved by another person), the counted values an approval freezes, and their
lines (sessions, family members, items, respondents, topics). Change history is not written:
it is read only by a record's own page, whose cost does not depend on the other records.
"""

import datetime
import random
from collections.abc import Callable, Iterator

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from activities.models import (
    CommunicationReach,
    Donation,
    DonationItem,
    Donor,
    ItemCategory,
    MedicalAttentionTally,
    SurveyResponse,
    SurveyRound,
    TrainingSession,
    TrainingTopic,
)
from cases.models import (
    AVRCase,
    AVRFamilyMember,
    Beneficiary,
    CounsellingSession,
    LegalOrientationCase,
    name_key,
    sort_key,
)
from iompanama.models import Reviewable, ReviewStatus, Site, Transition, User
from iompanama.roles import Role

BATCH = 2000
APPROVED_SHARE = 0.9
NATIONALITIES = ["VE", "VE", "VE", "EC", "HT", "CO", "CN", "AF", "CU"]
GIVEN = ["María", "José", "Ana", "Luis", "Yelitza", "Carlos", "Dayana", "Jean", "Wei", "Fatima"]
FAMILY = ["Pérez", "Rondón", "Gómez", "Joseph", "Chen", "Cárdenas", "Rahimi", "Mora", "Paz"]


class Command(BaseCommand):
    help = "Bulk-generate RECORDS records of every kind, as the review workflow leaves them."

    def add_arguments(self, parser) -> None:
        parser.add_argument("records", type=int, help="records of each kind")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, records: int, seed: int, **options) -> None:
        made = generate(records, seed=seed, progress=self.stdout.write)
        self.stdout.write(f"{made} rows written.")


def generate(records: int, *, seed: int = 1, progress: Callable[[str], None] = print) -> int:
    """`records` of each kind over the last two years, at every active site, by a field staff
    member and a supervisor made for it; returns how many rows were written."""
    generator = _Generator(random.Random(seed))  # noqa: S311 (repeatable data, not secrets)
    with transaction.atomic():
        return generator.run(records, progress)


class _Generator:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.sites = list(Site.objects.filter(is_active=True)) or [_site()]
        self.author = _user("bench.field", Role.FIELD_STAFF, self.sites)
        self.reviewer = _user("bench.supervisor", Role.SUPERVISOR, self.sites)
        self.today = timezone.localdate()
        self.written = 0

    def run(self, records: int, progress: Callable[[str], None]) -> int:
        kinds = [
            ("legal orientation cases", self.legal_cases),
            ("AVR cases", self.avr_cases),
            ("communication reach", self.simple(CommunicationReach, self.reach)),
            ("medical attention tallies", self.simple(MedicalAttentionTally, self.tally)),
            ("donations", self.donations),
            ("trainings", self.trainings),
            ("survey rounds", self.surveys),
        ]
        for label, make in kinds:
            make(records)
            progress(f"{records} {label}")
        return self.written

    # Records, kind by kind
    def legal_cases(self, count: int) -> None:
        for chunk in _chunks(count):
            people = self.people(chunk)
            cases = []
            for person in people:
                case = LegalOrientationCase(
                    site_id=person.site_id,
                    beneficiary=person,
                    opened_on=self.day(),
                    topic_migration=True,
                    topic_work=self.rng.random() < 0.3,
                )
                cases.append(case)
            self.save_records(cases, freeze=lambda case: {"counted_sex": case.beneficiary.sex})
            self.bulk(
                CounsellingSession(
                    case=case,
                    date=min(case.opened_on + datetime.timedelta(days=14 * n), self.today),
                    counsellor="Lcda. Ríos",
                    topic_migration=True,
                )
                for case in cases
                for n in range(self.rng.randint(1, 3))
            )

    def avr_cases(self, count: int) -> None:
        for chunk in _chunks(count):
            principals = self.people(chunk)
            cases = []
            for person in principals:
                oriented = self.day()
                steps = [oriented + datetime.timedelta(days=10 * n) for n in range(4)]
                steps = [day if day <= self.today else None for day in steps]
                cases.append(
                    AVRCase(
                        site_id=person.site_id,
                        principal=person,
                        return_country=person.nationality,
                        orientation_date=steps[0],
                        application_date=steps[1],
                        approval_date=steps[2] if steps[1] else None,
                        departure_date=steps[3] if steps[2] else None,
                    )
                )
            self.save_records(
                cases, freeze=lambda case: {"counted_nationality": case.principal.nationality}
            )
            family = [case for case in cases if self.rng.random() < 0.4]
            relatives = self.people(len(family), sites=[case.site_id for case in family])
            self.bulk(
                AVRFamilyMember(
                    case=case,
                    beneficiary=relative,
                    relationship=AVRFamilyMember.Relationship.CHILD,
                    counted_nationality=relative.nationality
                    if case.status == ReviewStatus.APPROVED
                    else "",
                )
                for case, relative in zip(family, relatives, strict=True)
            )

    def simple(self, model: type[Reviewable], build: Callable[[], dict]):
        def make(count: int) -> None:
            for chunk in _chunks(count):
                self.save_records([model(site=self.site(), **build()) for _ in range(chunk)])

        return make

    def reach(self) -> dict:
        return {
            "date": self.day(),
            "channel": self.rng.choice(CommunicationReach.Channel.values),
            "campaign": "Migración segura",
            "people_reached": self.rng.randrange(50, 2000),
        }

    def tally(self) -> dict:
        parts = [self.rng.randrange(1, 20), *(self.rng.randrange(0, 20) for _ in range(3))]
        return {
            "date": self.day(),
            "women_adults": parts[0],
            "men_adults": parts[1],
            "girls": parts[2],
            "boys": parts[3],
            "total_attended": sum(parts),
        }

    def donations(self, count: int) -> None:
        donors = list(Donor.objects.all()) or [
            Donor.objects.create(name="Unión Europea", kind=Donor.Kind.DIRECT)
        ]
        categories = list(ItemCategory.objects.all())
        for chunk in _chunks(count):
            donations = [
                Donation(
                    site=self.site(),
                    delivery_date=self.day(),
                    recipient="Ministerio de Salud",
                    donor=self.rng.choice(donors),
                )
                for _ in range(chunk)
            ]
            self.save_records(donations)
            self.bulk(
                DonationItem(
                    donation=donation,
                    category=self.rng.choice(categories),
                    description="Kits",
                    quantity=self.rng.randrange(1, 500),
                    unit="kits",
                )
                for donation in donations
                for _ in range(self.rng.randint(1, 3))
            )

    def trainings(self, count: int) -> None:
        topics = list(TrainingTopic.objects.all())
        for chunk in _chunks(count):
            trainings = []
            for _ in range(chunk):
                day = self.day()
                women, men = self.rng.randrange(1, 30), self.rng.randrange(1, 30)
                trainings.append(
                    TrainingSession(
                        site=self.site(),
                        title="Taller de regularización migratoria",
                        start_date=day,
                        end_date=day,
                        audience_migrants=True,
                        women=women,
                        men=men,
                        other_or_not_stated=0,
                        children_adolescents=0,
                        adults=women + men,
                        facilitators="Lcda. Ríos",
                    )
                )
            self.save_records(trainings)
            through = TrainingSession.topics.through
            self.bulk(
                through(trainingsession=training, trainingtopic=self.rng.choice(topics))
                for training in trainings
            )

    def surveys(self, count: int) -> None:
        for chunk in _chunks(count):
            rounds = [
                SurveyRound(site=self.site(), month=self.day().replace(day=1)) for _ in range(chunk)
            ]
            self.save_records(rounds)
            self.bulk(
                SurveyResponse(
                    round=survey,
                    main_source=self.rng.choice(SurveyResponse.Source.values),
                    regular_pathways_info="no",
                    dangers_info="no",
                    first_reason=SurveyResponse.Reason.ECONOMIC,
                    second_reason=SurveyResponse.Reason.INSECURITY,
                    sex=self.rng.choice(["female", "male"]),
                    age_group=SurveyResponse.AgeGroup.AGE_18_29,
                    nationality=self.rng.choice(NATIONALITIES),
                )
                for survey in rounds
                for _ in range(10)
            )

    # What every kind shares
    def people(self, count: int, sites: list[int] | None = None) -> list[Beneficiary]:
        people = []
        for number in range(count):
            given, family = self.rng.choice(GIVEN), " ".join(self.rng.sample(FAMILY, 2))
            nationality = self.rng.choice(NATIONALITIES)
            people.append(
                Beneficiary(
                    site_id=sites[number] if sites else self.site().pk,
                    given_names=given,
                    family_names=family,
                    name_key=name_key(given, family),
                    sort_key=sort_key(family, given),
                    sex=self.rng.choice(["female", "male"]),
                    date_of_birth=datetime.date(self.rng.randrange(1960, 2005), 1, 1),
                    nationality=nationality,
                    residence_country=nationality,
                    consent_given=True,
                    consent_date=self.today,
                    consent_taken_by=self.author,
                    created_by=self.author,
                )
            )
        return self.bulk(people)

    def save_records(self, records: list[Reviewable], freeze=None) -> None:
        """The records, approved or submitted, their counted values and their review steps."""
        submitted_at = timezone.now()
        for record in records:
            record.created_by = self.author
            record.submitted_at = submitted_at
            approved = self.rng.random() < APPROVED_SHARE
            record.status = ReviewStatus.APPROVED if approved else ReviewStatus.SUBMITTED
            if approved and freeze:
                for name, value in freeze(record).items():
                    setattr(record, name, value)
        self.bulk(records)
        record_type = ContentType.objects.get_for_model(type(records[0]))

        def steps() -> Iterator[Transition]:
            for record in records:
                yield Transition(
                    content_type=record_type,
                    object_id=record.pk,
                    from_status=ReviewStatus.DRAFT,
                    to_status=ReviewStatus.SUBMITTED,
                    by=self.author,
                    at=submitted_at,
                )
                if record.status == ReviewStatus.APPROVED:
                    yield Transition(
                        content_type=record_type,
                        object_id=record.pk,
                        from_status=ReviewStatus.SUBMITTED,
                        to_status=ReviewStatus.APPROVED,
                        by=self.reviewer,
                        at=submitted_at,
                    )

        self.bulk(steps())

    def bulk(self, rows) -> list:
        rows = list(rows)
        if rows:
            type(rows[0]).objects.bulk_create(rows, batch_size=BATCH)
            self.written += len(rows)
        return rows

    def site(self) -> Site:
        return self.rng.choice(self.sites)

    def day(self) -> datetime.date:
        """A day of the last two years."""
        return self.today - datetime.timedelta(days=self.rng.randrange(730))


def _chunks(count: int) -> Iterator[int]:
    for start in range(0, count, BATCH):
        yield min(BATCH, count - start)


def _site() -> Site:
    from iompanama.models import Province

    return Site.objects.create(
        code="bench-site",
        name="Bench site",
        kind=Site.Kind.OFFICE,
        province=Province.objects.first(),
    )


def _user(username: str, role: Role, sites: list[Site]) -> User:
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.groups.add(Group.objects.get(name=role))
        user.sites.set(sites)
    return user
