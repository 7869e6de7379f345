"""Demo sites, one user per role and a year of records: safe to run again, it adds nothing twice."""

import datetime
import random
from base64 import b32encode
from collections.abc import Callable

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import QuerySet
from django.test.utils import override_settings
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from activities import demo as activities_demo
from activities.models import (
    CommunicationReach,
    Donation,
    MedicalAttentionTally,
    MigrationFlowStatistic,
    SurveyRound,
    TrainingSession,
)
from cases.demo import add_demo_cases
from cases.models import Beneficiary
from iompanama.demo_reference import END as REFERENCE_END
from iompanama.demo_reference import START as REFERENCE_START
from iompanama.demo_reference import add_reference_period
from iompanama.models import Province, Region, Reviewable, Site, User
from iompanama.roles import Role
from iompanama.twofactor import must_use_two_factor

DEMO_PASSWORD = "demo-OIM-2026"
# The demo's administrator and supervisor sign in with a second step (iompanama/twofactor.py):
# this key in any authenticator app ("OIM Panama demo key!"), or a recovery code, each usable
# once until `demo` runs again. Public, as the password is: demo data only.
DEMO_TOTP_KEY = b"OIM Panama demo key!".hex()
DEMO_RECOVERY_CODES = [f"demo{number:04d}" for number in range(1, 11)]

# Name, name in English, provinces.
REGIONS = {
    "Darién": ("Darién", ["PA-5", "PA-EM"]),
    "Chiriquí": ("Chiriquí", ["PA-4", "PA-NB"]),
    "Panamá y Panamá Oeste": ("Panamá and Panamá Oeste", ["PA-8", "PA-10"]),
    "Colón y Guna Yala": ("Colón and Guna Yala", ["PA-3", "PA-KY"]),
    "Bocas del Toro": ("Bocas del Toro", ["PA-1"]),
}

SITES = [
    ("oficina-pais", "Oficina de país, Ciudad de Panamá", Site.Kind.OFFICE, "PA-8"),
    ("centro-administrativo", "Centro Administrativo, Ciudad de Panamá", Site.Kind.OFFICE, "PA-8"),
    ("oficina-enviado", "Oficina del Enviado Especial, Ciudad de Panamá", Site.Kind.OFFICE, "PA-8"),
    ("suboficina-darien", "Suboficina de Darién, Metetí", Site.Kind.OFFICE, "PA-5"),
    ("etrm-lajas-blancas", "ETRM Lajas Blancas", Site.Kind.ETRM, "PA-5"),
    ("etrm-san-vicente", "ETRM San Vicente", Site.Kind.ETRM, "PA-5"),
    ("etrm-los-planes", "ETRM Los Planes", Site.Kind.ETRM, "PA-4"),
]
DARIEN = ["suboficina-darien", "etrm-lajas-blancas", "etrm-san-vicente"]

# username, first name, last name, role, site codes (administrators and viewers need none)
USERS = [
    ("campo.darien", "Ana", "Rodríguez", Role.FIELD_STAFF, DARIEN),
    ("campo.chiriqui", "Luis", "González", Role.FIELD_STAFF, ["etrm-los-planes"]),
    (
        "supervisora",
        "María",
        "Batista",
        Role.SUPERVISOR,
        [*DARIEN, "etrm-los-planes", "oficina-pais"],
    ),
    ("admin", "Carmen", "Herrera", Role.ADMINISTRATOR, []),
    ("lector", "Jorge", "Pérez", Role.VIEWER, []),
]

# People who crossed the Darién each month, January to December, shaped like SNM's figures: August
# and September 2023 add up to the factsheet's 157,214, almost twice the same months of 2022.
CROSSINGS = {
    2022: [4493, 2988, 8513, 9094, 8963, 15208, 19659, 31055, 48204, 59773, 19322, 21012],
    2023: [24657, 21069, 38099, 40297, 41051, 29752, 55464, 81946, 75268, 48328, 35000, 24000],
}

# The first paragraph of the 2023 factsheet, in both languages.
INTRODUCTION_EN = (
    "For more than 15 years, one of IOM's two Administrative Centres has been operating in "
    "Panama, as well as the Office of the Special Envoy (OSE) for the Regional Response to the "
    "Venezuela Situation and the Country Office or Mission."
)
INTRODUCTION_ES = (
    "Desde hace más de 15 años funciona en Panamá uno de los dos Centros Administrativos de la "
    "OIM, así como la Oficina del Enviado Especial (OSE) para la Respuesta Regional a la "
    "Situación de Venezuela y la Oficina de País o Misión."
)

CAMPAIGNS = ["Migración segura", "Orientación legal", "Salud en tránsito", "No a la trata"]


class Command(BaseCommand):
    help = "Create demo sites, users and records, and print how to sign in."

    # The workflow emails every step; a demo year of them would only flood the console.
    @override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    @transaction.atomic
    def handle(self, *args, **options) -> None:
        for name, (name_en, codes) in REGIONS.items():
            region, _created = Region.objects.update_or_create(
                name=name, defaults={"name_en": name_en}
            )
            Province.objects.filter(code__in=codes).update(region=region)
        for code, name, kind, province in SITES:
            Site.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "kind": kind,
                    "province": Province.objects.get(code=province),
                },
            )
        users = {}
        for username, first, last, role, site_codes in USERS:
            user, _created = User.objects.update_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.org",
                    "is_active": True,
                },
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.set([Group.objects.get(name=role)])
            user.sites.set(Site.objects.filter(code__in=site_codes))
            users[username] = user
            if must_use_two_factor(user):
                _give_demo_second_factor(user)
        self._add_records(users)
        self._add_mission_profile()
        self._add_reference_period(users)

        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in as one of these:"))
        for username, _first, _last, role, _sites in USERS:
            self.stdout.write(f"  {username:<16} {Role(role).label:<18} password: {DEMO_PASSWORD}")
        key = b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()
        self.stdout.write(
            "The administrator and the supervisor then enter a code: add the key "
            f"{key} to an authenticator app, or use a recovery code "
            f"({', '.join(DEMO_RECOVERY_CODES)}; each once)."
        )

    def _add_mission_profile(self) -> None:
        """The profile of the 2023 factsheet. Found by name: nothing imports the reports app."""
        profile = apps.get_model("reports", "MissionProfile")
        mission, _created = profile.objects.update_or_create(
            valid_from=datetime.date(2022, 1, 1),
            defaults={
                "introduction_es": INTRODUCTION_ES,
                "introduction_en": INTRODUCTION_EN,
                "staff_national": 153,
                "staff_international": 43,
                "programme_staff": 25,
                "offices": 4,
                "offices_in_capital": 3,
                "sub_office_province": Province.objects.get(code="PA-5"),
                "regions": len(REGIONS),
                "sites": 11,
            },
        )
        mission.present_in.set(Region.objects.filter(name__in=REGIONS))

    def _add_reference_period(self, users: dict[str, User]) -> None:
        """August-September 2023 as the reference factsheet reports it, published (which locks
        the period). Found by name: nothing imports the reports app."""
        factsheets = apps.get_model("reports", "PublishedFactsheet")
        if factsheets.objects.of_period(REFERENCE_START, REFERENCE_END).exists():
            return
        add_reference_period(users)
        factsheets.publish(REFERENCE_START, REFERENCE_END, by=users["admin"])

    def _add_records(self, users: dict[str, User]) -> None:
        rng = random.Random(2023)  # noqa: S311 (repeatable demo data, not secrets)
        if not CommunicationReach.objects.exists():
            self._add_weekly(
                users, rng, Site.objects.all(), _reach, "Falta el enlace a la publicación."
            )
        if not MedicalAttentionTally.objects.exists():
            etrms = Site.objects.filter(kind=Site.Kind.ETRM)
            self._add_weekly(users, rng, etrms, _tally, "El total no coincide con la hoja.")
        if not MigrationFlowStatistic.objects.exists():
            self._add_flow_statistics(users)
        if not Beneficiary.objects.exists():
            add_demo_cases(users, rng)
        activities_demo.add_demo_donors()
        # Two a week of each, item lines and topics added once saved: a few hundred in the year.
        weekly_with_rows = [
            (Donation, activities_demo.build_donation, activities_demo.add_donation_items),
            (TrainingSession, activities_demo.build_training, activities_demo.add_training_topics),
        ]
        for model, build, add_rows in weekly_with_rows:
            if not model.objects.exists():
                for _ in range(2):
                    self._add_weekly(
                        users,
                        rng,
                        Site.objects.all(),
                        build,
                        "Falta el documento firmado.",
                        add_rows=add_rows,
                    )
        if not SurveyRound.objects.exists():
            activities_demo.add_demo_surveys(users)

    def _add_weekly(
        self,
        users: dict[str, User],
        rng: random.Random,
        sites: QuerySet[Site],
        build: Callable[[random.Random, Site, datetime.date], Reviewable],
        return_reason: str,
        add_rows: Callable[[random.Random, Reviewable], None] | None = None,
    ) -> None:
        """A year of weekly records by the field staff of Darién and of Chiriquí, at those of
        their sites among `sites`: the last weeks' drafts or in review, one returned, the rest
        approved. `add_rows` adds a saved record's rows (item lines, topics)."""
        reviewer = users["supervisora"]
        today = timezone.localdate()
        for author_name in ["campo.darien", "campo.chiriqui"]:
            author = users[author_name]
            author_sites = list(sites.filter(users=author))
            for week in range(52):
                date = today - datetime.timedelta(days=7 * week + rng.randrange(7))
                record = build(rng, rng.choice(author_sites), date)
                record.create(by=author)
                if add_rows:
                    add_rows(rng, record)
                if week >= 3:
                    record.submit(by=author)
                    if week == 4:
                        record.return_to_author(by=reviewer, reason=return_reason)
                    elif week > 5:
                        record.approve(by=reviewer)

    def _add_flow_statistics(self, users: dict[str, User]) -> None:
        """SNM's monthly counts, entered at the country office and approved by an administrator
        (the supervisor who enters them may not approve her own)."""
        author, reviewer = users["supervisora"], users["admin"]
        office = Site.objects.get(code="oficina-pais")
        for year, counts in CROSSINGS.items():
            for month, crossed in enumerate(counts, start=1):
                minors = round(crossed * 0.23)
                women = round(crossed * 0.35)
                record = MigrationFlowStatistic(
                    site=office,
                    month=datetime.date(year, month, 1),
                    publication_date=datetime.date(year + month // 12, month % 12 + 1, 10),
                    crossed_total=crossed,
                    adults=crossed - minors,
                    minors=minors,
                    women=women,
                    men=crossed - women,
                )
                record.create(by=author)
                record.submit(by=author)
                record.approve(by=reviewer)


def _reach(rng: random.Random, site: Site, date: datetime.date) -> CommunicationReach:
    return CommunicationReach(
        site=site,
        date=date,
        channel=rng.choice(CommunicationReach.Channel.values),
        campaign=rng.choice(CAMPAIGNS),
        people_reached=rng.randrange(50, 900),
    )


def _tally(rng: random.Random, site: Site, date: datetime.date) -> MedicalAttentionTally:
    parts = [
        rng.randrange(20, 120),
        rng.randrange(30, 160),
        rng.randrange(5, 50),
        rng.randrange(5, 50),
    ]
    women_adults, men_adults, girls, boys = parts
    return MedicalAttentionTally(
        site=site,
        date=date,
        women_adults=women_adults,
        men_adults=men_adults,
        girls=girls,
        boys=boys,
        total_attended=sum(parts),
    )


def _give_demo_second_factor(user: User) -> None:
    TOTPDevice.objects.update_or_create(
        user=user, name="authenticator", defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
    )
    recovery, _created = StaticDevice.objects.get_or_create(user=user, name="recovery")
    recovery.token_set.all().delete()
    recovery.token_set.bulk_create(
        recovery.token_set.model(device=recovery, token=code) for code in DEMO_RECOVERY_CODES
    )
