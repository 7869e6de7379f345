"""Every figure of the factsheet, one function each, next to its definition in DOMAIN.md.

Each function takes a Period and returns plain data (numbers, ISO codes, codes and the names of
reference entries in both languages) computed by the database with aggregate queries over
approved records only. `factsheet(period)` gathers them in the order of the reference factsheet:
the staff page, the published versions, the exports and the tests all read this one structure.
Lists of groups are `[{"code": ..., "value": ...}]`, largest first where they are rankings.
Each query is written once, in a function of the user whose dates are parameters (START, END),
and run through `iompanama.prepared`: Django builds and compiles it once per set of sites.

Missing is not zero: a section with no approved record behind it in the period is None ("no
data for this period"), and a breakdown some records did not give is None ("not recorded").
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from activities.models import (
    CommunicationReach,
    Donation,
    DonationItem,
    Donor,
    FlowByNationality,
    ItemCategory,
    MedicalAttentionTally,
    MigrationFlowStatistic,
    SurveyResponse,
    SurveyRound,
    TrainingSession,
    TrainingTopic,
)
from cases.models import AVRCase, AVRFamilyMember, LegalOrientationCase
from iompanama import prepared
from iompanama.models import Province, User
from iompanama.prepared import END, MONTH, PREVIOUS_END, PREVIOUS_START, START, whole
from reports.models import AreaOfWork, MissionProfile


@dataclass(frozen=True)
class Period:
    """A date range, both ends included; quarters, months and years are presets."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        last = calendar.monthrange(year, month)[1]
        return cls(datetime.date(year, month, 1), datetime.date(year, month, last))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        first = 3 * (quarter - 1) + 1
        return cls(cls.month(year, first).start, cls.month(year, first + 2).end)

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @classmethod
    def quarter_of(cls, day: datetime.date) -> "Period":
        return cls.quarter(day.year, (day.month - 1) // 3 + 1)

    def previous_year(self) -> "Period":
        return Period(_year_earlier(self.start), _year_earlier(self.end))

    def months(self) -> list[datetime.date]:
        """The first day of each month the period touches."""
        months, day = [], self.start.replace(day=1)
        while day <= self.end:
            months.append(day)
            day = (day + datetime.timedelta(days=32)).replace(day=1)
        return months

    def as_dict(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}

    def in_words(self) -> str:
        """The months of the period as the factsheet says them, in the current language:
        "August and September 2023", "agosto y septiembre de 2023"."""
        years: dict[int, list[str]] = {}
        for month in self.months():
            years.setdefault(month.year, []).append(str(MONTHS[month.month]))
        return and_list(
            [
                _("%(month)s %(year)s") % {"month": and_list(names), "year": year}
                for year, names in years.items()
            ]
        )


def and_list(words: list[str]) -> str:
    """ "a, b and c" in the current language."""
    if len(words) < 2:
        return "".join(words)
    return _("%(list)s and %(last)s") % {"list": ", ".join(words[:-1]), "last": words[-1]}


def _year_earlier(day: datetime.date) -> datetime.date:
    # 29 February a year earlier is the 28th.
    return day.replace(year=day.year - 1, day=min(day.day, 28 if day.month == 2 else day.day))


def half_up(value: "int | float | Decimal", digits: int = 0) -> "int | float":
    """The one rounding rule of every figure, on the page and in the files: halves go up
    (62.5 → 63), as people round by hand; Python's round() sends them to the even neighbour."""
    # str(): a float read back from a published version rounds as it is written (62.45, not
    # the binary 62.4499...).
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    rounded = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return int(rounded) if digits == 0 else float(rounded)


def percent(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`, to one decimal: the page shows it whole."""
    return half_up(Decimal(100 * part) / Decimal(whole), 1) if whole else None


def approved(model, user: User | None):
    """The approved records a figure counts: of every site for the public factsheet, of the
    sites `user` sees for the staff figures page."""
    records = model.objects.for_user(user) if user is not None else model.objects
    return records.approved()


def _dates(period: Period) -> dict:
    """What the queries' START and END stand for."""
    return {"start": period.start, "end": period.end}


def _groups(rows, code: str, value: str = "value") -> list[dict]:
    return [{"code": str(row[code]), "value": row[value] or 0} for row in rows]


# "migrants who received legal orientation and advice, by topic":
# distinct beneficiaries with a counselling session in P.
def _people_counselled(user: User | None):
    # From the cases (scoped to the user's sites) joined once to the period's sessions: the
    # query a person would write by hand, each table read from its index alone.
    cases = approved(LegalOrientationCase, user).filter(sessions__date__range=(START, END))
    person = "beneficiary"
    return whole(
        cases,
        people=Count(person, distinct=True),
        **{
            f"topic_{topic}": Count(
                person, distinct=True, filter=Q(**{f"sessions__topic_{topic}": True})
            )
            for topic in ("migration", "work", "family")
        },
        **{
            f"sex_{sex}": Count(person, distinct=True, filter=Q(counted_sex=sex))
            for sex in ("female", "male", "other")
        },
    )


def legal_orientation(period: Period, user: User | None = None) -> dict | None:
    counts = prepared.one(_people_counselled, user, **_dates(period))
    if not counts["people"]:
        return None
    return {
        "people": counts["people"],
        "by_topic": {t: counts[f"topic_{t}"] for t in ("migration", "work", "family")},
        "by_sex": {s: counts[f"sex_{s}"] for s in ("female", "male", "other")},
    }


# "workshop participants (migrants and host communities), sessions, topics":
# sum of participants of sessions for that audience in P; distinct topics.
# "partner workshop participants and topics": sessions for the partner audience in P.
# A session for both audiences is a session "for that audience" in each: it counts in full in
# both sections (its participants are not recorded by audience), and each says how many of its
# sessions the other shares (`shared_sessions`), so that the two are not added up.
AUDIENCES = {
    "migrants": Q(audience_migrants=True),
    "partners": Q(audience_government=True)
    | Q(audience_civil_society=True)
    | Q(audience_private_sector=True),
}


def _sessions(user: User | None, audience: str):
    return approved(TrainingSession, user).in_period(START, END).filter(AUDIENCES[audience])


def _workshop_sums(user: User | None, audience: str):
    (other_audience,) = AUDIENCES.keys() - {audience}  # the sessions shared with it
    return whole(
        _sessions(user, audience),
        sessions=Count("pk"),
        shared_sessions=Count("pk", filter=AUDIENCES[other_audience]),
        # Age groups are optional on a session: summed only when every session gave them.
        sessions_with_ages=Count("adults"),
        female=Coalesce(Sum("women"), 0),
        male=Coalesce(Sum("men"), 0),
        other=Coalesce(Sum("other_or_not_stated"), 0),
        children_adolescents=Coalesce(Sum("children_adolescents"), 0),
        adults=Coalesce(Sum("adults"), 0),
    )


def _workshop_topics(user: User | None, audience: str):
    # Each topic once: its first session of the period, if any. A scalar subquery with LIMIT
    # 1 stops there; PostgreSQL would turn EXISTS (or a DISTINCT) into a join over all the
    # period's sessions and their topics, ~100 times slower for a year of a million records.
    sessions = _sessions(user, audience)
    first_session = sessions.filter(topics=OuterRef("pk")).order_by().values("pk")[:1]
    return (
        TrainingTopic.objects.alias(first_session=Subquery(first_session))
        .filter(first_session__isnull=False)
        .order_by("code")
        .values("code", "name_es", "name_en")
    )


def workshops(period: Period, audience: str, user: User | None = None) -> dict | None:
    dates = _dates(period)
    sums = prepared.one(_workshop_sums, user, audience, **dates)
    if not sums["sessions"]:
        return None
    by_sex = {sex: sums[sex] for sex in ("female", "male", "other")}
    by_age = {"children_adolescents": sums["children_adolescents"], "adults": sums["adults"]}
    return {
        "participants": sum(by_sex.values()),
        "sessions": sums["sessions"],
        "shared_sessions": sums["shared_sessions"],
        "by_sex": by_sex,
        "by_age": by_age if sums["sessions_with_ages"] == sums["sessions"] else None,
        "topics": prepared.rows(_workshop_topics, user, audience, **dates),
    }


# AVR. "people who returned voluntarily": principal applicants and family members whose
# departure date is in P. "people guided on the process": people whose orientation date is in
# P and who had not departed by the end of P. "main nationalities of returnees": returnees in
# P by nationality, largest first (the small ones become "other" in public: see disclosure).
def _departed(user: User | None):
    return approved(AVRCase, user).filter(departure_date__range=(START, END))


def _principals_returned(user: User | None):
    return _departed(user).values("counted_nationality").annotate(value=Count("pk"))


def _family_returned(user: User | None):
    return (
        AVRFamilyMember.objects.filter(case__in=_departed(user))
        .values("counted_nationality")
        .annotate(value=Count("pk"))
    )


def _guided(user: User | None):
    cases = approved(AVRCase, user).filter(orientation_date__range=(START, END))
    not_departed = cases.filter(Q(departure_date__isnull=True) | Q(departure_date__gt=END))
    return whole(not_departed, principals=Count("pk", distinct=True), family=Count("family"))


def avr(period: Period, user: User | None = None) -> dict | None:
    dates = _dates(period)
    by_nationality: dict[str, int] = {}
    for returned in (_principals_returned, _family_returned):
        # At most one row per nationality from each query: a merge of two small tables.
        for row in prepared.rows(returned, user, **dates):
            code = row["counted_nationality"]
            by_nationality[code] = by_nationality.get(code, 0) + row["value"]
    guided = prepared.one(_guided, user, **dates)
    if not by_nationality and not guided["principals"]:
        return None
    ranking = sorted(by_nationality.items(), key=lambda item: (-item[1], item[0]))
    return {
        "returned": sum(by_nationality.values()),
        "guided": guided["principals"] + guided["family"],
        "returned_by_nationality": [{"code": code, "value": n} for code, n in ranking],
    }


# "migrants who crossed the Darién, the same months a year earlier, and the ratio":
# SNM monthly statistics for the months of P and of P minus one year.
# "the split shown as percentages": the adults/minors (or sex) disaggregation of the same statistic.
# The nationalities of those who crossed: the statistics' lines by nationality, largest first
# (the SNM does not publish them every month: they count only the months that have them).
def _flows_by_month(user: User | None):
    # One query, a row a month of both years: the period's sums are those of its months, added
    # here (a row a month), where ten filtered sums and a second query for the months cost
    # Django more to build than the database takes to run them.
    both_years = Q(month__range=(START, END)) | Q(month__range=(PREVIOUS_START, PREVIOUS_END))
    return (
        approved(MigrationFlowStatistic, user)
        .filter(both_years)
        .values("month")
        .annotate(
            statistics=Count("pk"),
            # The SNM does not always split by sex: summed only when every month has it.
            with_sex=Count("women"),
            crossed=Sum("crossed_total"),
            adults=Sum("adults"),
            minors=Sum("minors"),
            women=Sum("women"),
            men=Sum("men"),
            latest_publication=Max("publication_date"),
        )
        .order_by("month")
    )


def _flows_by_nationality(user: User | None):
    statistics = approved(MigrationFlowStatistic, user).filter(month__range=(START, END))
    return (
        FlowByNationality.objects.filter(statistic__in=statistics)
        .values("nationality")
        .annotate(value=Sum("crossed"))
        .order_by("-value", "nationality")
    )


def migration_flows(period: Period, user: User | None = None) -> dict | None:
    earlier = period.previous_year()
    dates = _dates(period)
    months = prepared.rows(
        _flows_by_month, user, previous_start=earlier.start, previous_end=earlier.end, **dates
    )
    current = [row for row in months if period.start <= row["month"] <= period.end]
    if not current:
        return None
    sums = {
        name: sum(row[name] or 0 for row in current)
        for name in ("statistics", "with_sex", "crossed", "adults", "minors", "women", "men")
    }
    monthly = {row["month"]: row["crossed"] for row in months}
    by_nationality = prepared.rows(_flows_by_nationality, user, **dates)
    crossed = sums["crossed"]
    before = sum(row["crossed"] for row in months if earlier.start <= row["month"] <= earlier.end)
    latest_publication = max(row["latest_publication"] for row in current)
    return {
        "crossed": crossed,
        "crossed_previous_year": before,
        "ratio": half_up(Decimal(crossed) / Decimal(before), 3) if before else None,
        "by_age": {"adults": sums["adults"], "minors": sums["minors"]},
        "by_sex": {"female": sums["women"], "male": sums["men"]}
        if sums["with_sex"] == sums["statistics"]
        else None,
        "percent_by_age": {
            "adults": percent(sums["adults"], crossed),
            "minors": percent(sums["minors"], crossed),
        },
        "by_month": [
            {
                "code": f"{month:%Y-%m}",
                "value": monthly.get(month, 0),
                "previous_year": monthly.get(_year_earlier(month), 0),
            }
            for month in period.months()
        ],
        "by_nationality": _groups(by_nationality, "nationality"),
        "latest_month": f"{current[-1]['month']:%Y-%m}",
        "latest_publication": latest_publication.isoformat(),
    }


# "quantity by item category": sum of item quantities of donations delivered in P.
def _donated(user: User | None):
    delivered = approved(Donation, user).in_period(START, END)
    # Summed by the category's key, its names read after: grouped by the names, the join to
    # the categories would be made for every item rather than for each category.
    return (
        DonationItem.objects.filter(donation__in=delivered)
        .values("category")
        .annotate(value=Sum("quantity"))
        .order_by()
    )


def _item_categories(_user: User | None):
    """Reference data, the same for everyone: a handful of rows."""
    return ItemCategory.objects.order_by("code").values("pk", "code", "name_es", "name_en")


def donations(period: Period, user: User | None = None) -> dict | None:
    rows = prepared.rows(_donated, user, **_dates(period))
    sums = {row["category"]: row["value"] for row in rows}
    if not sums:
        return None
    categories = [row for row in prepared.rows(_item_categories, None) if row["pk"] in sums]
    ranked = sorted(categories, key=lambda category: -sums[category["pk"]])  # stable: by code
    return {
        "by_category": [
            {
                "code": category["code"],
                "name_es": category["name_es"],
                "name_en": category["name_en"],
                "value": sums[category["pk"]],
            }
            for category in ranked
        ]
    }


# "migrants in transit attended at ETRMs, by province": sum of tallies in P.
GROUP_NAMES = ["women_adults", "men_adults", "girls", "boys"]


def _attended_by_province(user: User | None):
    tallies = approved(MedicalAttentionTally, user).in_period(START, END)
    # One pass: each province's sums by group; the whole is the sum of the provinces' rows.
    return (
        tallies.values("site__province__code", "site__province__name")
        .annotate(value=Sum("total_attended"), **{name: Sum(name) for name in GROUP_NAMES})
        .order_by("site__province__code")
    )


def medical_attention(period: Period, user: User | None = None) -> dict | None:
    by_province = prepared.rows(_attended_by_province, user, **_dates(period))
    if not by_province:
        return None
    groups = {name: sum(row[name] for row in by_province) for name in GROUP_NAMES}
    return {
        "attended": sum(groups.values()),
        "by_province": [
            {
                "code": row["site__province__code"],
                "name": row["site__province__name"],
                "value": row["value"],
            }
            for row in by_province
        ],
        "by_group": groups,
    }


# DTM: "% whose main information came from family and friends who migrated; % without
# information on regular pathways; % without enough information on the dangers; reasons for
# migrating, ranked": respondent rows, over those who answered, of the latest survey round on
# or before the end of P (its month's rounds, one a site), which the factsheet names with its
# month: surveys are not run every month, and the reference's August-September factsheet
# reports "the July Flow Monitoring Survey".
def _latest_survey_month(user: User | None):
    # The newest first, one row: read backwards along the index, where MAX() over the
    # user's sites would read every round.
    rounds = approved(SurveyRound, user).filter(month__lte=END)
    return rounds.order_by("-month").values("month")[:1]


def latest_survey_month(period: Period, user: User | None = None) -> datetime.date | None:
    latest = prepared.rows(_latest_survey_month, user, **_dates(period))
    return latest[0]["month"] if latest else None


def _rounds(user: User | None):
    # The month given as a value, not a subquery: the planner then knows how many rounds it has.
    return approved(SurveyRound, user).filter(month=MONTH)


def _survey_answers(user: User | None):
    responses = SurveyResponse.objects.filter(round__in=_rounds(user))
    answered = ~Q(regular_pathways_info="no_answer")
    answered_dangers = ~Q(dangers_info="no_answer")
    # One pass over the month's answers: the shares and a count for each reason, first and
    # second, rather than a scan for the shares and one for each ranking.
    return whole(
        responses,
        respondents=Count("pk"),
        family_friends=Count("pk", filter=Q(main_source="family_friends")),
        pathways_answered=Count("pk", filter=answered),
        without_pathways_info=Count("pk", filter=Q(regular_pathways_info="no")),
        dangers_answered=Count("pk", filter=answered_dangers),
        without_dangers_info=Count("pk", filter=Q(dangers_info="no")),
        **{
            f"{rank}_{reason}": Count("pk", filter=Q(**{f"{rank}_reason": reason}))
            for rank in ("first", "second")
            for reason in SurveyResponse.Reason.values
        },
    )


def _survey_provinces(user: User | None):
    rounds = _rounds(user)
    return (
        Province.objects.filter(Exists(rounds.filter(provinces=OuterRef("pk"))))
        .order_by("code")
        .values("code", "name")
    )


def flow_survey(period: Period, user: User | None = None) -> dict | None:
    month = latest_survey_month(period, user)
    if month is None:
        return None
    counts = prepared.one(_survey_answers, user, month=month)
    reasons, second = _ranking(counts, "first"), _ranking(counts, "second")
    if not counts["respondents"]:
        return None
    provinces = prepared.rows(_survey_provinces, user, month=month)
    return {
        "round_month": f"{month:%Y-%m}",
        **counts,
        "percent_family_friends": percent(counts["family_friends"], counts["respondents"]),
        "percent_without_pathways_info": percent(
            counts["without_pathways_info"], counts["pathways_answered"]
        ),
        "percent_without_dangers_info": percent(
            counts["without_dangers_info"], counts["dangers_answered"]
        ),
        "first_reasons": reasons,
        "second_reasons": second,
        "provinces": [province["code"] for province in provinces],
        "province_names": [province["name"] for province in provinces],
    }


def _ranking(counts: dict, rank: str) -> list[dict]:
    """The reasons given as `rank` ("first", "second"), taken out of `counts`: largest first,
    the reasons nobody gave left out, as a GROUP BY would list them."""
    given = [(code, counts.pop(f"{rank}_{code}")) for code in SurveyResponse.Reason.values]
    ranked = sorted(given, key=lambda item: (-item[1], item[0]))
    return [{"code": code, "value": value} for code, value in ranked if value]


# "people reached through digital media": sum of reach records in P through digital media
# (social networks, messaging, the web: CommunicationReach.DIGITAL_MEDIA); radio and other
# channels are not counted, as in the reference.
def _reached_by_channel(user: User | None):
    return (
        approved(CommunicationReach, user)
        .in_period(START, END)
        .digital()
        .values("channel")
        .annotate(value=Sum("people_reached"))
        .order_by("-value", "channel")
    )


def communications(period: Period, user: User | None = None) -> dict | None:
    by_channel = prepared.rows(_reached_by_channel, user, **_dates(period))
    groups = _groups(by_channel, "channel")
    if not groups:
        return None
    return {"reached": sum(group["value"] for group in groups), "by_channel": groups}


# "direct and general donors": donors of the period's donations and projects, as admins list
# them. A direct donor finances a project: listed when it funded a donation of the period. A
# general donor finances IOM as a whole, so every period owes it thanks: always listed.
def _donors(user: User | None):
    delivered = approved(Donation, user).in_period(START, END)
    return (
        Donor.objects.filter(
            Exists(delivered.filter(donor=OuterRef("pk"))) | Q(kind=Donor.Kind.GENERAL)
        )
        .order_by("kind", "name")
        .values("name", "name_en", "kind")
    )


def donors(period: Period, user: User | None = None) -> list[dict]:
    return [
        {"name_es": row["name"], "name_en": row["name_en"], "kind": row["kind"]}
        for row in prepared.rows(_donors, user, **_dates(period))
    ]


# "staff, offices, regions, sites, areas of work": the mission profile valid at the end of P.
def mission_profile(period: Period, user: User | None = None) -> dict | None:
    """The same for everyone: the mission as a whole."""
    profile = MissionProfile.objects.valid_on(period.end)
    if profile is None:
        return None
    areas = list(AreaOfWork.objects.values("name_es", "name_en"))
    return {
        "valid_from": profile.valid_from.isoformat(),
        "introduction": {"name_es": profile.introduction_es, "name_en": profile.introduction_en},
        "staff": profile.staff_national + profile.staff_international,
        "staff_national": profile.staff_national,
        "staff_international": profile.staff_international,
        "programme_staff": profile.programme_staff,
        "offices": profile.offices,
        "offices_in_capital": profile.offices_in_capital,
        "sub_office_province": profile.sub_office_province.name
        if profile.sub_office_province
        else None,
        "regions": profile.regions,
        "region_names": [
            {"name_es": region["name"], "name_en": region["name_en"]}
            for region in profile.present_in.order_by("name").values("name", "name_en")
        ],
        "sites": profile.sites,
        "sites_more_than": profile.sites_more_than(),
        "areas_of_work": len(areas),
        "areas": areas,
    }


def factsheet(period: Period, user: User | None = None) -> dict:
    """Every figure of the period, exact, in the order of the reference factsheet: of every
    site, or of the sites `user` sees, so that each figure is the sum of its drill-down list."""
    from reports.sections import SECTIONS

    figures = {key: section.figures(period, user=user) for key, section in SECTIONS.items()}
    return {"period": period.as_dict(), **figures}
