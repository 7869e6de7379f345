"""The records behind the reference factsheet (August-September 2023,
../shared/reference/iom-panama-factsheet-2023.txt), for the `demo` command: entered by the
field staff, approved by the supervisor, so that the period's published factsheet shows the
reference's numbers (tests/reports/test_reference_period.py compares them one by one)."""

import datetime

from activities.models import (
    CommunicationReach,
    Donation,
    Donor,
    ItemCategory,
    MedicalAttentionTally,
    SurveyResponse,
    SurveyRound,
    TrainingSession,
    TrainingTopic,
)
from cases.models import AVRCase, AVRFamilyMember, Beneficiary, LegalOrientationCase
from iompanama.models import Province, Reviewable, Sex, Site, User

START, END = datetime.date(2023, 8, 1), datetime.date(2023, 9, 30)
AUGUST = datetime.date(2023, 8, 15)

# "112 migrants residing in the country received legal orientation and advice (migration,
# work and family)": people by topic.
LEGAL = [("migration", 70), ("work", 30), ("family", 12)]
# "31 people returned voluntarily": principals of each nationality and the family members each
# took with them; "20 people were guided on the process": 10 principals with one member each.
RETURNED = [("VE", 5, 2), ("CO", 4, 1), ("EC", 5, 0), ("HT", 3, 0)]
GUIDED = [("VE", 6, 1), ("CO", 4, 1)]
# "1,432 people participated": sessions for migrants and host communities (women, men,
# children and adolescents), and their topics.
MIGRANT_WORKSHOPS = [(220, 180, 60), (210, 170, 50), (190, 160, 40), (170, 132, 30)]
MIGRANT_TOPICS = ["c4d", "regularization", "psychosocial-integration", "socioeconomic-integration"]
# "309 people participated": partner sessions (women, men) and topics.
PARTNER_WORKSHOPS = [(90, 70), (80, 69)]
PARTNER_TOPICS = [
    "trafficking-smuggling",
    "labour-migration",
    "border-management",
    "migration-governance",
    "cccm",
]
DONATIONS = {
    "meals": 41796,
    "medical-equipment": 53,
    "medical-supplies": 2022,
    "ambulances": 1,
    "building-materials-furniture": 1606,
    "nfi": 4139,
    "electronic-devices": 54,
}
# "164 migrants in transit ... received medical attention at the ETRM located in the provinces
# of Darien and Chiriqui": (site, women, men, girls, boys).
TALLIES = [("etrm-lajas-blancas", 40, 35, 13, 12), ("etrm-los-planes", 25, 20, 10, 9)]
# "7,663 people reached through digital media"; the radio's 2,500 are not digital media.
REACH = [("facebook", 4000), ("instagram", 2163), ("web", 1500), ("radio", 2500)]
# The July round: 100 respondents, 78 informed by family and friends, 62 without information
# on regular pathways, 64 without enough on the dangers; economic reasons first, insecurity
# second.
RESPONDENTS = 100


def add_reference_period(users: dict[str, User]) -> None:
    darien, chiriqui = users["campo.darien"], users["campo.chiriqui"]
    reviewer = users["supervisora"]
    office = Site.objects.get(code="suboficina-darien")

    def approved(record: Reviewable, author: User = darien) -> None:
        record.submit(by=author)
        record.approve(by=reviewer)

    def person(nationality: str, number: int, **fields) -> Beneficiary:
        beneficiary = Beneficiary(
            site=office,
            given_names=f"Persona {number}",
            family_names=f"Referencia {nationality}",
            sex=Sex.FEMALE if number % 2 else Sex.MALE,
            date_of_birth=datetime.date(1990, 1, 1),
            nationality=nationality,
            residence_country=nationality,
            consent_given=True,
            consent_date=AUGUST,
            consent_taken_by=darien,
            **fields,
        )
        beneficiary.register(by=darien)
        return beneficiary

    number = 0
    for topic, people in LEGAL:
        for _ in range(people):
            number += 1
            case = LegalOrientationCase(
                site=office,
                beneficiary=person("VE", number),
                opened_on=AUGUST,
                outcome="Orientada.",
                **{f"topic_{topic}": True},
            )
            case.create(by=darien)
            case.sessions.create(
                date=AUGUST, counsellor="Lcda. Itzel Ríos", **{f"topic_{topic}": True}
            )
            approved(case)

    for cases, departed in [(RETURNED, True), (GUIDED, False)]:
        for nationality, principals, members in cases:
            for _ in range(principals):
                number += 1
                dates = {"orientation_date": datetime.date(2023, 8, 1)}
                if departed:
                    dates |= {
                        "application_date": datetime.date(2023, 8, 3),
                        "approval_date": datetime.date(2023, 8, 10),
                        "departure_date": datetime.date(2023, 9, 5),
                    }
                case = AVRCase(
                    site=office,
                    principal=person(nationality, number),
                    return_country=nationality,
                    **dates,
                )
                case.create(by=darien)
                for _member in range(members):
                    number += 1
                    case.family.create(
                        beneficiary=person(nationality, number),
                        relationship=AVRFamilyMember.Relationship.CHILD,
                    )
                approved(case)

    for sessions, topics, migrants in [
        ([(w, m, c) for w, m, c in MIGRANT_WORKSHOPS], MIGRANT_TOPICS, True),
        ([(w, m, None) for w, m in PARTNER_WORKSHOPS], PARTNER_TOPICS, False),
    ]:
        for women, men, children in sessions:
            session = TrainingSession(
                site=office,
                title="Taller de referencia",
                start_date=AUGUST,
                end_date=AUGUST,
                audience_migrants=migrants,
                audience_government=not migrants,
                audience_civil_society=not migrants,
                women=women,
                men=men,
                other_or_not_stated=0,
                children_adolescents=children,
                adults=None if children is None else women + men - children,
                facilitators="Equipo OIM",
            )
            session.create(by=darien)
            session.topics.set(TrainingTopic.objects.filter(code__in=topics))
            approved(session)

    donation = Donation(
        site=office,
        delivery_date=AUGUST,
        recipient="Servicio Nacional de Migración",
        donor=Donor.objects.get(name="Unión Europea"),
    )
    donation.create(by=darien)
    categories = ItemCategory.objects.in_bulk(field_name="code")
    for code, quantity in DONATIONS.items():
        donation.items.create(
            category=categories[code], description=code, quantity=quantity, unit="unidades"
        )
    approved(donation)

    for site_code, women, men, girls, boys in TALLIES:
        site = Site.objects.get(code=site_code)
        author = darien if site.province.code == "PA-5" else chiriqui
        tally = MedicalAttentionTally(
            site=site,
            date=AUGUST,
            women_adults=women,
            men_adults=men,
            girls=girls,
            boys=boys,
            total_attended=women + men + girls + boys,
        )
        tally.create(by=author)
        approved(tally, author)

    for channel, people in REACH:
        reach = CommunicationReach(
            site=office,
            date=AUGUST,
            channel=channel,
            campaign="Migración segura",
            people_reached=people,
        )
        reach.create(by=darien)
        approved(reach)

    survey = SurveyRound(site=office, month=datetime.date(2023, 7, 1))
    survey.create(by=darien)
    survey.provinces.set(Province.objects.filter(code__in=["PA-5", "PA-4"]))
    SurveyResponse.objects.bulk_create(
        SurveyResponse(
            round=survey,
            main_source="family_friends" if i < 78 else "social_media",
            regular_pathways_info="no" if i < 62 else "yes",
            dangers_info="no" if i < 64 else "yes",
            first_reason="economic" if i < 70 else "family",
            second_reason="insecurity" if i < 60 else "",
            sex=Sex.FEMALE if i % 2 else Sex.MALE,
            age_group="18-29",
            nationality="VE",
        )
        for i in range(RESPONDENTS)
    )
    approved(survey)
