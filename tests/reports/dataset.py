"""A fixed dataset for the third quarter of 2023 whose figures the tests compute by hand.

Every kind of record has one on the first day of the quarter (1 July) and on the last
(30 September), one just outside, and some that must not count (draft, returned, approved
then edited and pending again)."""

import datetime

from activities.models import Donor, ItemCategory, SurveyResponse, TrainingTopic
from iompanama.models import PeriodLock, Sex
from reports.figures import Period
from reports.models import MissionProfile
from tests.factories import (
    make_avr_case,
    make_beneficiary,
    make_donation,
    make_flow_statistic,
    make_legal_case,
    make_reach,
    make_survey_round,
    make_tally,
    make_training,
)
from tests.personas import PersonasTestCase

Q3 = Period.quarter(2023, 3)
FIRST, LAST = datetime.date(2023, 7, 1), datetime.date(2023, 9, 30)
BEFORE, AFTER = datetime.date(2023, 6, 30), datetime.date(2023, 10, 1)


class DatasetTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.build_legal_orientation()
        cls.build_avr()
        cls.build_flows()
        cls.build_donations()
        cls.build_medical_attention()
        cls.build_survey()
        cls.build_workshops()
        cls.build_reach()
        MissionProfile.objects.create(
            valid_from=datetime.date(2023, 1, 1),
            staff_national=153,
            staff_international=43,
            offices=4,
            regions=5,
            sites=10,
        )
        MissionProfile.objects.create(
            valid_from=AFTER,
            staff_national=1,
            staff_international=1,
            offices=1,
            regions=1,
            sites=1,
        )

    @classmethod
    def unlock_published(cls) -> None:
        """A record arrives late for a published period: an administrator unlocks it first."""
        for lock in PeriodLock.objects.in_force():
            lock.unlock(by=cls.admin, reason="Un registro tardío")

    # Review steps, as they happen.
    @classmethod
    def approved(cls, record, author=None, reviewer=None):
        record.submit(by=author or cls.field_a)
        record.approve(by=reviewer or cls.supervisor_a)
        return record

    @classmethod
    def returned(cls, record):
        record.submit(by=cls.field_a)
        record.return_to_author(by=cls.supervisor_a, reason="Falta un dato")
        return record

    @classmethod
    def edited_after_approval(cls, record):
        cls.approved(record)
        record.refresh_from_db()
        record.save_changes(by=cls.field_a, seen_version=record.version)
        return record

    @classmethod
    def person(cls, name: str, **fields):
        return make_beneficiary(cls.darien, cls.field_a, given_names=name, **fields)

    @classmethod
    def build_legal_orientation(cls) -> None:
        # Ana: two sessions in the quarter (first and last day), counted once.
        ana = make_legal_case(cls.person("Ana"), cls.field_a, opened_on=FIRST)
        ana.sessions.create(date=LAST, topic_family=True, counsellor="Lcda. Ríos")
        cls.approved(ana)
        # Beto: one session on the last day, on work.
        beto = make_legal_case(cls.person("Beto", sex=Sex.MALE), cls.field_a, opened_on=LAST)
        beto.sessions.update(topic_migration=False, topic_work=True)
        cls.approved(beto)
        # Not counted: a session the day before, a draft, a returned case, an edited case.
        cls.approved(make_legal_case(cls.person("Carla"), cls.field_a, opened_on=BEFORE))
        make_legal_case(cls.person("Dora"), cls.field_a, opened_on=FIRST)
        cls.returned(make_legal_case(cls.person("Eva"), cls.field_a, opened_on=FIRST))
        cls.edited_after_approval(make_legal_case(cls.person("Fe"), cls.field_a, opened_on=LAST))

    @classmethod
    def build_avr(cls) -> None:
        def stages(orientation, departure=None):
            dates = {"orientation_date": orientation, "application_date": orientation}
            if departure:
                dates |= {"approval_date": orientation, "departure_date": departure}
            return dates

        # Departed on the first day with two family members: 3 returnees (VE, VE, CO).
        cls.approved(
            make_avr_case(
                cls.person("Gil"),
                cls.field_a,
                family=[cls.person("Hilda"), cls.person("Iván", nationality="CO")],
                **stages(datetime.date(2023, 6, 1), FIRST),
            )
        )
        # Guided and departed in the quarter: a returnee, not "guided".
        cls.approved(
            make_avr_case(
                cls.person("Juan", nationality="CO"),
                cls.field_a,
                return_country="CO",
                **stages(datetime.date(2023, 7, 5), LAST),
            )
        )
        # Guided on the last day with one family member: 2 guided.
        cls.approved(
            make_avr_case(
                cls.person("Karen"), cls.field_a, family=[cls.person("Luis")], **stages(LAST)
            )
        )
        # Guided in August, departed the day after the quarter: 1 guided, no returnee.
        cls.approved(
            make_avr_case(
                cls.person("Mar"), cls.field_a, **stages(datetime.date(2023, 8, 1), AFTER)
            )
        )
        # A draft that departed in the quarter: not counted.
        make_avr_case(cls.person("Noé"), cls.field_a, **stages(FIRST, FIRST))

    @classmethod
    def build_flows(cls) -> None:
        def statistic(month, total, adults, women, **fields):
            return make_flow_statistic(
                cls.darien,
                cls.field_a,
                month=month,
                crossed_total=total,
                adults=adults,
                minors=total - adults,
                women=women,
                men=total - women,
                **fields,
            )

        august = statistic(datetime.date(2023, 8, 1), 82000, 60000, 30000)
        # By nationality, as the SNM publishes it for August only; China's 3 join "other".
        for nationality, crossed in [("VE", 40000), ("EC", 20000), ("HT", 15000), ("CN", 3)]:
            august.by_nationality.create(nationality=nationality, crossed=crossed)
        cls.approved(august)
        cls.approved(statistic(datetime.date(2023, 9, 1), 75000, 58000, 26000))
        cls.approved(statistic(datetime.date(2022, 8, 1), 40000, 30000, 15000))
        cls.approved(statistic(datetime.date(2022, 9, 1), 38000, 28000, 14000))
        cls.approved(statistic(AFTER, 1000, 500, 500))
        statistic(datetime.date(2023, 7, 1), 99, 50, 50)  # a draft

    @classmethod
    def build_donations(cls) -> None:
        meals = ItemCategory.objects.get(code="meals")
        supplies = ItemCategory.objects.get(code="medical-supplies")
        general, _created = Donor.objects.get_or_create(
            name="Fondo General", name_en="General Fund", kind="general"
        )
        first = make_donation(cls.darien, cls.field_a, delivery_date=FIRST)  # 50 NFI
        first.items.create(category=meals, description="Almuerzos", quantity=100, unit="meals")
        cls.approved(first)
        last = make_donation(cls.darien, cls.field_a, items=0, delivery_date=LAST, donor=general)
        last.items.create(category=meals, description="Cenas", quantity=20, unit="meals")
        last.items.create(category=supplies, description="Gasas", quantity=5, unit="cajas")
        cls.approved(last)
        before = make_donation(cls.darien, cls.field_a, items=0, delivery_date=BEFORE)
        before.items.create(category=meals, description="Cenas", quantity=1000, unit="meals")
        cls.approved(before)
        make_donation(cls.darien, cls.field_a, items=3, delivery_date=FIRST)  # a draft

    @classmethod
    def build_medical_attention(cls) -> None:
        cls.approved(make_tally(cls.darien_etrm, cls.field_a, date=FIRST))  # 12+15+6+4 = 37
        chiriqui = make_tally(
            cls.chiriqui_etrm,
            cls.field_b,
            date=LAST,
            women_adults=2,
            men_adults=3,
            girls=0,
            boys=0,
            total_attended=5,
        )
        cls.approved(chiriqui, author=cls.field_b, reviewer=cls.admin)
        cls.approved(make_tally(cls.darien_etrm, cls.field_a, date=AFTER))

    @classmethod
    def build_survey(cls) -> None:
        survey = make_survey_round(cls.darien, cls.field_a, month=datetime.date(2023, 7, 1))
        # (main source, regular pathways info, dangers info, first reason, second reason), how many
        rows = [
            (("family_friends", "no", "no", "economic", "insecurity"), 5),
            (("family_friends", "no", "no", "economic", ""), 1),
            (("family_friends", "yes", "yes", "economic", "insecurity"), 1),
            (("family_friends", "no_answer", "no", "insecurity", "economic"), 1),
            (("social_media", "yes", "yes", "insecurity", "economic"), 1),
            (("social_media", "no_answer", "yes", "insecurity", ""), 1),
        ]
        SurveyResponse.objects.bulk_create(
            [
                SurveyResponse(
                    round=survey,
                    main_source=source,
                    regular_pathways_info=pathways,
                    dangers_info=dangers,
                    first_reason=first,
                    second_reason=second,
                    sex=Sex.FEMALE,
                    age_group="18-29",
                    nationality="VE",
                )
                for (source, pathways, dangers, first, second), n in rows
                for _ in range(n)
            ]
        )
        cls.approved(survey)
        cls.approved(make_survey_round(cls.darien, cls.field_a, responses=7, month=AFTER))

    @classmethod
    def build_workshops(cls) -> None:
        cls.approved(
            make_training(
                cls.darien,
                cls.field_a,
                start_date=FIRST,
                end_date=FIRST,
                children_adolescents=5,
                adults=15,
            )
        )  # migrants: 12 women, 7 men, 1 other
        partners = make_training(
            cls.darien,
            cls.field_a,
            start_date=LAST,
            end_date=LAST,
            audience_migrants=False,
            audience_government=True,
            women=3,
            men=4,
            other_or_not_stated=0,
        )
        partners.topics.set(TrainingTopic.objects.filter(code__in=["cccm", "labour-migration"]))
        cls.approved(partners)
        cls.returned(make_training(cls.darien, cls.field_a, start_date=FIRST, end_date=FIRST))

    @classmethod
    def build_reach(cls) -> None:
        cls.approved(make_reach(cls.darien, cls.field_a, date=FIRST, people_reached=100))
        cls.approved(
            make_reach(cls.darien, cls.field_a, date=LAST, people_reached=50, channel="instagram")
        )
        cls.approved(make_reach(cls.darien, cls.field_a, date=BEFORE, people_reached=1000))
        cls.edited_after_approval(make_reach(cls.darien, cls.field_a, date=LAST))
