"""A demo year of donations, trainings and survey rounds, for the `demo` command."""

import datetime
import random

from django.utils import timezone

from activities.models import (
    Donation,
    Donor,
    ItemCategory,
    SurveyResponse,
    SurveyRound,
    TrainingSession,
    TrainingTopic,
)
from iompanama.models import Province, Sex, Site, User

DONORS = [
    ("Unión Europea", "European Union", Donor.Kind.DIRECT),
    (
        "Oficina de Población, Refugiados y Migración (PRM) de EE. UU.",
        "U.S. Bureau of Population, Refugees, and Migration (PRM)",
        Donor.Kind.DIRECT,
    ),
    ("Gobierno de Canadá", "Government of Canada", Donor.Kind.DIRECT),
    (
        "Fondo Central para la Acción en Casos de Emergencia (CERF)",
        "Central Emergency Response Fund (CERF)",
        Donor.Kind.DIRECT,
    ),
    ("Fondo de la OIM para el Desarrollo", "IOM Development Fund", Donor.Kind.GENERAL),
]
RECIPIENTS = [
    "Ministerio de Salud, Región de Darién",
    "Hospital de Metetí",
    "Servicio Nacional de Migración",
    "Secretaría Nacional de Niñez, Adolescencia y Familia",
    "Cruz Roja Panameña",
    "Comunidad de Bajo Chiquito",
]
# Category code -> descriptions, unit, and the range of quantities a delivery has.
ITEMS = {
    "meals": (["Almuerzos calientes", "Raciones de comida"], "raciones", (100, 1500)),
    "medical-equipment": (["Tensiómetros", "Nebulizadores"], "unidades", (2, 20)),
    "medical-supplies": (["Sueros de rehidratación oral", "Vendajes y gasas"], "cajas", (10, 200)),
    "ambulances": (["Ambulancia 4x4"], "unidades", (1, 2)),
    "building-materials-furniture": (["Camas plegables", "Láminas de zinc"], "unidades", (10, 150)),
    "nfi": (["Kits de higiene", "Mantas", "Kits de cocina"], "kits", (50, 800)),
    "electronic-devices": (["Computadoras portátiles", "Tabletas"], "unidades", (2, 15)),
}
TRAININGS = [
    ("Taller de regularización migratoria", ["regularization", "migration-governance"]),
    ("Prevención de la trata de personas", ["trafficking-smuggling"]),
    ("Integración socioeconómica y empleo", ["socioeconomic-integration", "labour-migration"]),
    ("Primeros auxilios psicológicos", ["psychosocial-integration"]),
    ("Gestión de albergues temporales", ["cccm"]),
    ("Comunicación para el desarrollo", ["c4d"]),
    ("Gestión integral de fronteras", ["border-management", "migration-governance"]),
]
FACILITATORS = ["Lcda. Itzel Ríos", "Lcdo. Abdiel Gil", "Lcda. Kathia Sánchez", "Dr. Omar Vega"]

# Answers weighted like the factsheet's July round: 78% informed by family and friends, 62%
# without information on regular pathways, over 60% without enough on the dangers, economic
# reasons first and insecurity second.
SOURCES = {"family_friends": 78, "social_media": 10, "other_migrants": 6, "news": 2, "other": 4}
PATHWAYS = {"no": 60, "yes": 37, "no_answer": 3}
DANGERS = {"no": 65, "yes": 32, "no_answer": 3}
FIRST_REASONS = {"economic": 70, "insecurity": 18, "family": 6, "political": 4, "services": 2}
SECOND_REASONS = {"insecurity": 55, "economic": 15, "family": 12, "services": 10, "": 8}
NATIONALITIES = {"VE": 55, "EC": 15, "HT": 10, "CO": 8, "CN": 7, "AF": 5}


def add_demo_donors() -> None:
    for name, name_en, kind in DONORS:
        Donor.objects.update_or_create(name=name, defaults={"name_en": name_en, "kind": kind})


def build_donation(rng: random.Random, site: Site, date: datetime.date) -> Donation:
    return Donation(
        site=site,
        delivery_date=date,
        recipient=rng.choice(RECIPIENTS),
        donor=rng.choice(list(Donor.objects.all())),
    )


def add_donation_items(rng: random.Random, donation: Donation) -> None:
    categories = ItemCategory.objects.in_bulk(field_name="code")
    for code in rng.sample(sorted(ITEMS), rng.randint(1, 3)):
        descriptions, unit, (low, high) = ITEMS[code]
        donation.items.create(
            category=categories[code],
            description=rng.choice(descriptions),
            quantity=rng.randint(low, high),
            unit=unit,
        )


def build_training(rng: random.Random, site: Site, date: datetime.date) -> TrainingSession:
    title, _topics = rng.choice(TRAININGS)
    migrants = rng.random() < 0.6
    women, men, other = rng.randrange(5, 30), rng.randrange(3, 25), rng.randrange(0, 3)
    children = rng.randrange(0, (women + men + other) // 3) if migrants else None
    audiences = {
        "audience_migrants": migrants,
        "audience_civil_society": not migrants and rng.random() < 0.6,
        "audience_private_sector": not migrants and rng.random() < 0.4,
    }
    # Government officials join some migrant workshops, and every partner workshop left empty.
    audiences["audience_government"] = not any(audiences.values()) or rng.random() < 0.2
    return TrainingSession(
        site=site,
        title=title,
        start_date=date,
        end_date=min(date + datetime.timedelta(days=rng.choice([0, 0, 1, 2])), _today()),
        **audiences,
        women=women,
        men=men,
        other_or_not_stated=other,
        children_adolescents=children,
        adults=None if children is None else women + men + other - children,
        facilitators=", ".join(rng.sample(FACILITATORS, 2)),
    )


def add_training_topics(rng: random.Random, training: TrainingSession) -> None:
    codes = dict(TRAININGS)[training.title]
    training.topics.set(TrainingTopic.objects.filter(code__in=codes))


def add_demo_surveys(users: dict[str, User]) -> None:
    """A survey round a month over the last year at the Darién sub-office, about 35 respondents
    each, entered by the field staff of Darién and approved by the supervisor. The answers are
    drawn with their own seed, so that they keep the factsheet's shape whatever else changes."""
    rng = random.Random(7)  # noqa: S311 (repeatable demo data, not secrets)
    author, reviewer = users["campo.darien"], users["supervisora"]
    site = Site.objects.get(code="suboficina-darien")
    darien = Province.objects.filter(code__in=["PA-5", "PA-EM"])
    month = _today().replace(day=1)
    for _ in range(12):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        survey = SurveyRound(site=site, month=month)
        survey.create(by=author)
        survey.provinces.set(darien)
        SurveyResponse.objects.bulk_create(
            _respondent(rng, survey) for _ in range(rng.randrange(30, 40))
        )
        survey.submit(by=author)
        survey.approve(by=reviewer)


def _respondent(rng: random.Random, survey: SurveyRound) -> SurveyResponse:
    first = _pick(rng, FIRST_REASONS)
    second = _pick(rng, SECOND_REASONS)
    return SurveyResponse(
        round=survey,
        main_source=_pick(rng, SOURCES),
        regular_pathways_info=_pick(rng, PATHWAYS),
        dangers_info=_pick(rng, DANGERS),
        first_reason=first,
        second_reason="" if second == first else second,
        sex=rng.choices(Sex.values, [40, 58, 2])[0],
        age_group=rng.choices(SurveyResponse.AgeGroup.values, [45, 38, 14, 3])[0],
        nationality=_pick(rng, NATIONALITIES),
    )


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def _today() -> datetime.date:
    return timezone.localdate()
