"""Demo sites, one user per role and a year of records: safe to run again, it adds nothing twice."""

import datetime
import random

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from activities.models import CommunicationReach
from iompanama.models import Province, Region, Site, User
from iompanama.roles import Role

DEMO_PASSWORD = "demo-OIM-2026"

REGIONS = {
    "Darién": ["PA-5", "PA-EM"],
    "Chiriquí": ["PA-4", "PA-NB"],
    "Panamá y Panamá Oeste": ["PA-8", "PA-10"],
    "Colón y Guna Yala": ["PA-3", "PA-KY"],
    "Bocas del Toro": ["PA-1"],
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

CAMPAIGNS = ["Migración segura", "Orientación legal", "Salud en tránsito", "No a la trata"]


class Command(BaseCommand):
    help = "Create demo sites, users and records, and print how to sign in."

    # The workflow emails every step; a demo year of them would only flood the console.
    @override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    @transaction.atomic
    def handle(self, *args, **options) -> None:
        for name, codes in REGIONS.items():
            region, _created = Region.objects.get_or_create(name=name)
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
        self._add_records(users)

        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in as one of these:"))
        for username, _first, _last, role, _sites in USERS:
            self.stdout.write(f"  {username:<16} {Role(role).label:<16} password: {DEMO_PASSWORD}")

    def _add_records(self, users: dict[str, User]) -> None:
        if CommunicationReach.objects.exists():
            return
        rng = random.Random(2023)  # noqa: S311 (repeatable demo data, not secrets)
        today = timezone.localdate()
        reviewer = users["supervisora"]
        for author_name, site_codes in [
            ("campo.darien", DARIEN),
            ("campo.chiriqui", ["etrm-los-planes"]),
        ]:
            author = users[author_name]
            sites = list(Site.objects.filter(code__in=site_codes))
            for week in range(52):
                record = CommunicationReach(
                    site=rng.choice(sites),
                    date=today - datetime.timedelta(days=7 * week + rng.randrange(7)),
                    channel=rng.choice(CommunicationReach.Channel.values),
                    campaign=rng.choice(CAMPAIGNS),
                    people_reached=rng.randrange(50, 900),
                )
                record.create(by=author)
                if week >= 3:
                    record.submit(by=author)
                    if week == 4:
                        record.return_to_author(
                            by=reviewer, reason="Falta el enlace a la publicación."
                        )
                    elif week > 5:
                        record.approve(by=reviewer)
