"""Many records at once, for the scale benchmark and the tests that pages stay flat.

Rows are written with bulk inserts but left as the workflow leaves them: a site and one of its
field staff as author, nine in ten approved by the site's supervisor and the rest submitted, each
with its review steps (draft → submitted, and submitted → approved), the counted values an
approval freezes, and their lines (sessions, family members, items, respondents, topics).
Authorship is spread as in use: several field staff per site, each with a share of the site's
records, so that a person's home page and a supervisor's queue hold what one person's would.
Change history is not written: it is read only by a record's own page, whose cost does not
depend on the other records.
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
from iompanama.models import Province, Reviewable, ReviewStatus, Site, Transition, User
from iompanama.roles import Role

BATCH = 2000
SITES = 6  # made when the database has no active site
FIELD_STAFF_PER_SITE = 3
WAITING_ONE_IN = 10  # records; the others are approved
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


def generate(
    records: int,
    *,
    seed: int = 1,
    sites: list[Site] | None = None,
    progress: Callable[[str], None] = print,
) -> int:
    """`records` of each kind over the last two years, at `sites` (every active site if not
    given; six made if there is none), entered by the
    site's field staff and approved by its supervisor, made for it (the first site's are
    `bench.field` and `bench.supervisor`); returns how many rows were written."""
    generator = _Generator(random.Random(seed), sites)  # noqa: S311 (repeatable, not secret)
    with transaction.atomic():
        return generator.run(records, progress)


class _Generator:
    def __init__(self, rng: random.Random, sites: list[Site] | None) -> None:
        self.rng = rng
        self.sites = sites or list(Site.objects.filter(is_active=True)) or _sites()
        self.authors = {site.pk: _staff(site, number) for number, site in enumerate(self.sites)}
        self.reviewers = {
            site.pk: _user(_username("supervisor", site, number), Role.SUPERVISOR, site)
            for number, site in enumerate(self.sites)
        }
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
                )
            )
        for person in people:
            person.created_by = person.consent_taken_by = self.author(person.site_id)
        return self.bulk(people)

    def save_records(self, records: list[Reviewable], freeze=None) -> None:
        """The records, approved or submitted, their counted values and their review steps."""
        submitted_at = timezone.now()
        for number, record in enumerate(records):
            record.created_by = self.author(record.site_id)
            record.submitted_at = submitted_at
            # The second of every ten waits for review: two records of a kind fill every page.
            approved = number % WAITING_ONE_IN != 1
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
                    by=record.created_by,
                    at=submitted_at,
                )
                if record.status == ReviewStatus.APPROVED:
                    yield Transition(
                        content_type=record_type,
                        object_id=record.pk,
                        from_status=ReviewStatus.SUBMITTED,
                        to_status=ReviewStatus.APPROVED,
                        by=self.reviewers[record.site_id],
                        at=submitted_at,
                    )

        self.bulk(steps())

    def bulk(self, rows) -> list:
        rows = list(rows)
        if rows:
            type(rows[0]).objects.bulk_create(rows, batch_size=BATCH)
            self.written += len(rows)
        return rows

    def author(self, site_id: int) -> User:
        return self.rng.choice(self.authors[site_id])

    def site(self) -> Site:
        return self.rng.choice(self.sites)

    def day(self) -> datetime.date:
        """A day of the last two years."""
        return self.today - datetime.timedelta(days=self.rng.randrange(730))


def _chunks(count: int) -> Iterator[int]:
    for start in range(0, count, BATCH):
        yield min(BATCH, count - start)


def _sites() -> list[Site]:
    """Sites in as many provinces, so that areas (regions) and site scoping both matter."""
    provinces = Province.objects.order_by("code")[:SITES]
    return [
        Site.objects.create(
            code=f"bench-site-{number}",
            name=f"Bench site {number}",
            kind=Site.Kind.OFFICE,
            province=province,
        )
        for number, province in enumerate(provinces, start=1)
    ]


def _staff(site: Site, number: int) -> list[User]:
    return [
        _user(_username("field", site, number, author), Role.FIELD_STAFF, site)
        for author in range(FIELD_STAFF_PER_SITE)
    ]


def _username(role: str, site: Site, number: int, author: int = 0) -> str:
    """bench.field and bench.supervisor for the first site, whom the benchmarks sign in as;
    bench.<role>.<site code>.<n> for the others."""
    if number == 0 and author == 0:
        return f"bench.{role}"
    return f"bench.{role}.{site.code}.{author + 1}"


def _user(username: str, role: Role, site: Site) -> User:
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.groups.add(Group.objects.get(name=role))
        user.sites.set([site])
    return user
