"""A demo year of beneficiaries and cases, for the `demo` command."""

import datetime
import random

from django.utils import timezone

from cases.models import AVRCase, AVRFamilyMember, Beneficiary, LegalOrientationCase
from iompanama.models import Reviewable, Sex, Site, User

# Nationality, its weight among the people served, given names, family names.
PEOPLE = [
    (
        "VE",
        40,
        ["María José", "Yelitza", "Carlos", "Luis Alberto", "Andreína"],
        ["Rondón", "Pérez", "Guerrero", "Márquez"],
    ),
    (
        "CO",
        15,
        ["Juan Pablo", "Leidy", "Andrés", "Yuliana"],
        ["Ríos", "Cárdenas", "Muñoz", "Ospina"],
    ),
    ("EC", 15, ["Jorge", "Mayra", "Byron", "Jessica"], ["Quishpe", "Zambrano", "Cedeño", "Vera"]),
    (
        "HT",
        12,
        ["Jean-Pierre", "Marie", "Wilner", "Nadège"],
        ["Louis", "Joseph", "Pierre", "Baptiste"],
    ),
    ("CN", 8, ["Wei", "Li Na", "Jun", "Xiu Ying"], ["Wang", "Chen", "Zhang", "Liu"]),
    ("PE", 4, ["Rosa", "Miguel"], ["Huamán", "Quispe"]),
    ("CU", 3, ["Yunior", "Yaimara"], ["Hernández", "Díaz"]),
    ("AF", 3, ["Ahmad", "Fatima"], ["Rahimi", "Karimi"]),
]
CHILDREN = ["Valentina", "Santiago", "Sofía", "Mateo", "Daniela", "Samuel"]
COUNSELLORS = ["Lcda. Itzel Ríos", "Lcdo. Abdiel Gil", "Lcda. Kathia Sánchez"]
OUTCOMES = [
    "Orientada sobre la regularización por razones humanitarias.",
    "Se explicó el permiso de trabajo y sus requisitos.",
    "Referida a la Defensoría del Pueblo por un caso de reunificación familiar.",
]


def add_demo_cases(users: dict[str, User], rng: random.Random) -> None:
    """Cases a week over the last year by the field staff of Darién and of Chiriquí: the last
    weeks' ones still in draft or in review, one of each kind returned, the rest approved."""
    today = timezone.localdate()
    reviewer = users["supervisora"]
    for author_name in ["campo.darien", "campo.chiriqui"]:
        author = users[author_name]
        author_sites = list(Site.objects.filter(users=author))
        for week in range(52):
            site = rng.choice(author_sites)
            opened = today - datetime.timedelta(days=7 * week + rng.randrange(7))
            cases = [
                _avr_case(rng, author, site, opened, today),
                _legal_case(rng, author, site, opened),
            ]
            for case in cases:
                _review(case, author, reviewer, week)
    _registered_twice(users["campo.darien"], reviewer)


def _registered_twice(author: User, reviewer: User) -> None:
    """A migrant registered at ETRM Lajas Blancas and, months later, again at the Darién
    sub-office with a family name missing, each time counselled: the possible duplicate a
    supervisor decides in the demo, and a merge another person approves."""
    opened = timezone.localdate() - datetime.timedelta(days=120)
    for code, family_names in [
        ("etrm-lajas-blancas", "Rondón Márquez"),
        ("suboficina-darien", "Rondón"),
    ]:
        person = Beneficiary(
            site=Site.objects.get(code=code),
            given_names="Yelitza",
            family_names=family_names,
            sex=Sex.FEMALE,
            date_of_birth=datetime.date(1988, 3, 14),
            nationality="VE",
            residence_country="VE",
            consent_given=True,
            consent_date=opened,
            consent_taken_by=author,
        )
        person.register(by=author)
        case = LegalOrientationCase(
            site=person.site, beneficiary=person, opened_on=opened, topic_migration=True
        )
        case.create(by=author)
        case.sessions.create(date=opened, counsellor=COUNSELLORS[0], topic_migration=True)
        _review(case, author, reviewer, week=6)
        opened += datetime.timedelta(days=60)


def _person(rng: random.Random, author: User, site: Site, **fields) -> Beneficiary:
    nationality, _weight, given, family = rng.choices(PEOPLE, [p[1] for p in PEOPLE])[0]
    values = {
        "given_names": rng.choice(given),
        "family_names": " ".join(rng.sample(family, 2)),
        "sex": rng.choice([Sex.FEMALE, Sex.MALE]),
        "date_of_birth": datetime.date(rng.randrange(1960, 2004), rng.randrange(1, 13), 1),
        "nationality": nationality,
        "residence_country": nationality,
        "consent_given": True,
        "consent_date": timezone.localdate() - datetime.timedelta(days=400),
        "consent_taken_by": author,
    }
    person = Beneficiary(site=site, **(values | fields))
    person.register(by=author)
    return person


def _avr_case(
    rng: random.Random, author: User, site: Site, oriented: datetime.date, today: datetime.date
) -> AVRCase:
    principal = _person(rng, author, site)
    dates = {"orientation_date": oriented}
    day = oriented
    withdrawn = rng.random() < 0.08
    for field in AVRCase.STAGE_FIELDS[1:]:
        day += datetime.timedelta(days=rng.randrange(5, 25))
        if day > today or (withdrawn and field == "departure_date"):
            break
        dates[field] = day
    if withdrawn:
        dates |= {"withdrawn_on": day if day <= today else today}
    case = AVRCase(
        site=site,
        principal=principal,
        return_country=principal.nationality,
        withdrawal_reason="Decidió quedarse con familiares en Panamá." if withdrawn else "",
        **dates,
    )
    case.create(by=author)
    for _index in range(rng.choice([0, 0, 1, 2, 3])):
        child = _person(
            rng,
            author,
            site,
            given_names=rng.choice(CHILDREN),
            family_names=principal.family_names,
            nationality=principal.nationality,
            residence_country=principal.nationality,
            date_of_birth=datetime.date(rng.randrange(2008, 2023), rng.randrange(1, 13), 1),
        )
        case.family.create(beneficiary=child, relationship=AVRFamilyMember.Relationship.CHILD)
    return case


def _legal_case(
    rng: random.Random, author: User, site: Site, opened: datetime.date
) -> LegalOrientationCase:
    topics = rng.choice([["migration"], ["work"], ["family"], ["migration", "work"]])
    flags = {f"topic_{topic}": True for topic in topics}
    case = LegalOrientationCase(
        site=site,
        beneficiary=_person(rng, author, site),
        opened_on=opened,
        outcome=rng.choice(OUTCOMES),
        is_closed=rng.random() < 0.6,
        **flags,
    )
    case.create(by=author)
    for number in range(rng.randrange(1, 4)):
        case.sessions.create(
            date=min(opened + datetime.timedelta(days=14 * number), timezone.localdate()),
            counsellor=rng.choice(COUNSELLORS),
            **flags,
        )
    return case


def _review(case: Reviewable, author: User, reviewer: User, week: int) -> None:
    if week >= 3:
        case.submit(by=author)
        if week == 4:
            case.return_to_author(by=reviewer, reason="Falta el número de documento.")
        elif week > 5:
            case.approve(by=reviewer)
