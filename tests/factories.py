"""Test data built with code: small helpers with sensible defaults."""

import datetime

from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from activities.models import (
    CommunicationReach,
    Donation,
    Donor,
    ItemCategory,
    MedicalAttentionTally,
    MigrationFlowStatistic,
    SurveyResponse,
    SurveyRound,
    TrainingSession,
    TrainingTopic,
)
from cases.models import AVRCase, AVRFamilyMember, Beneficiary, LegalOrientationCase
from iompanama.models import Province, Reviewable, Sex, Site, User
from iompanama.roles import Role
from iompanama.twofactor import ROLES_THAT_MUST

PASSWORD = "a-Long-test-password-2026"


def make_site(code: str, kind: str = Site.Kind.OFFICE, province: str = "PA-5") -> Site:
    return Site.objects.create(
        code=code,
        name=code.replace("-", " ").title(),
        kind=kind,
        province=Province.objects.get(code=province),
    )


def make_user(username: str, role: Role | None, sites: list[Site] = (), **fields) -> User:
    user = User.objects.create_user(
        username, email=f"{username}@example.org", password=PASSWORD, **fields
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    user.sites.set(sites)
    if role in ROLES_THAT_MUST:
        make_authenticator(user)
    return user


def make_authenticator(user: User) -> TOTPDevice:
    """The person's authenticator app, set up; `totp(device.bin_key)` is its current code."""
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def make_reach(site: Site, author: User, **fields) -> CommunicationReach:
    values = {
        "date": datetime.date(2023, 9, 15),
        "channel": CommunicationReach.Channel.FACEBOOK,
        "campaign": "Migración segura",
        "people_reached": 120,
    }
    return _make_record(CommunicationReach(site=site, **(values | fields)), author)


def make_tally(site: Site, author: User, **fields) -> MedicalAttentionTally:
    """A tally of 37 people; `site` should be an ETRM."""
    values = {
        "date": datetime.date(2023, 9, 15),
        "women_adults": 12,
        "men_adults": 15,
        "girls": 6,
        "boys": 4,
        "total_attended": 37,
    }
    return _make_record(MedicalAttentionTally(site=site, **(values | fields)), author)


def make_flow_statistic(site: Site, author: User, **fields) -> MigrationFlowStatistic:
    values = {
        "month": datetime.date(2023, 9, 1),
        "source": "SNM",
        "publication_date": datetime.date(2023, 10, 10),
        "crossed_total": 75268,
        "adults": 57956,
        "minors": 17312,
        "women": 26344,
        "men": 48924,
    }
    return _make_record(MigrationFlowStatistic(site=site, **(values | fields)), author)


def make_donation(site: Site, author: User, items: int = 1, **fields) -> Donation:
    """A donation by a direct donor with `items` lines of hygiene kits."""
    donor, _created = Donor.objects.get_or_create(
        name="Unión Europea", defaults={"name_en": "European Union", "kind": Donor.Kind.DIRECT}
    )
    values = {
        "delivery_date": datetime.date(2023, 9, 15),
        "recipient": "Ministerio de Salud",
        "donor": donor,
    }
    donation = _make_record(Donation(site=site, **(values | fields)), author)
    nfi = ItemCategory.objects.get(code="nfi")
    for number in range(1, items + 1):
        donation.items.create(
            category=nfi, description=f"Kit de higiene {number}", quantity=50, unit="kits"
        )
    return donation


def make_training(site: Site, author: User, **fields) -> TrainingSession:
    """A workshop for migrants and host communities on regularization, 20 participants."""
    values = {
        "title": "Taller de regularización migratoria",
        "start_date": datetime.date(2023, 9, 12),
        "end_date": datetime.date(2023, 9, 13),
        "audience_migrants": True,
        "women": 12,
        "men": 7,
        "other_or_not_stated": 1,
        "facilitators": "Lcda. Ríos",
    }
    training = _make_record(TrainingSession(site=site, **(values | fields)), author)
    training.topics.set([TrainingTopic.objects.get(code="regularization")])
    return training


def make_survey_round(site: Site, author: User, responses: int = 0, **fields) -> SurveyRound:
    """A round of September 2023 with `responses` identical respondents."""
    values = {"month": datetime.date(2023, 9, 1)}
    survey = _make_record(SurveyRound(site=site, **(values | fields)), author)
    SurveyResponse.objects.bulk_create(
        [
            SurveyResponse(
                round=survey,
                main_source=SurveyResponse.Source.FAMILY_FRIENDS,
                regular_pathways_info="no",
                dangers_info="no",
                first_reason=SurveyResponse.Reason.ECONOMIC,
                second_reason=SurveyResponse.Reason.INSECURITY,
                sex=Sex.FEMALE,
                age_group=SurveyResponse.AgeGroup.AGE_18_29,
                nationality="VE",
            )
            for _ in range(responses)
        ]
    )
    return survey


def make_beneficiary(site: Site, author: User, **fields) -> Beneficiary:
    values = {
        "given_names": "María José",
        "family_names": "Pérez Gómez",
        "sex": Sex.FEMALE,
        "date_of_birth": datetime.date(1990, 5, 17),
        "nationality": "VE",
        "residence_country": "VE",
        "consent_given": True,
        "consent_date": datetime.date(2023, 9, 1),
        "consent_taken_by": author,
    }
    person = Beneficiary(site=site, **(values | fields))
    person.register(by=author)
    return person


def make_legal_case(person: Beneficiary, author: User, **fields) -> LegalOrientationCase:
    values = {"opened_on": datetime.date(2023, 9, 4), "topic_migration": True}
    case = _make_record(
        LegalOrientationCase(site=person.site, beneficiary=person, **(values | fields)), author
    )
    case.sessions.create(date=case.opened_on, topic_migration=True, counsellor="Lcda. Ríos")
    return case


def make_avr_case(principal: Beneficiary, author: User, family=(), **fields) -> AVRCase:
    """An AVR case at the principal's site; `family`: beneficiaries who return with them."""
    values = {
        "return_country": principal.nationality,
        "orientation_date": datetime.date(2023, 8, 1),
        "application_date": datetime.date(2023, 8, 10),
    }
    case = _make_record(
        AVRCase(site=principal.site, principal=principal, **(values | fields)), author
    )
    for member in family:
        case.family.create(beneficiary=member, relationship=AVRFamilyMember.Relationship.CHILD)
    return case


def _make_record(record: Reviewable, author: User) -> Reviewable:
    record.create(by=author)
    return record
