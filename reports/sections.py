"""The factsheet's sections, each declared once: what the figures, the staff page and its
drill-down, the publish preview, disclosure control, the charts, the files and the page read.

A section has a key (its place in the figures), the part of the factsheet it appears under,
the function that computes it, the records behind it, whether it counts people and then its
disclosure rule, its chart and its template (`reports/sections/<key>.html`). A section that
counts people without a disclosure rule cannot be declared: it would be published exact.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from activities.models import (
    CommunicationReach,
    Donation,
    MedicalAttentionTally,
    MigrationFlowStatistic,
    SurveyResponse,
    SurveyRound,
    TrainingSession,
)
from cases.models import AVRCase, LegalOrientationCase
from reports import charts, disclosure, figures
from reports.figures import Period


@dataclass(frozen=True)
class Section:
    key: str
    part: str
    title: Promise
    # (period, user=None) -> the section's exact figures, or None when it has no data.
    figures: Callable
    counts_people: bool
    # Makes the exact figures publishable, in place: (public copy, exact) -> None.
    protect: Callable[[dict, dict], None] | None = None
    # The figures that count people (totals, breakdowns, rankings): what the audit against
    # published versions compares (disclosure.audit_linked).
    people_cells: tuple[str, ...] = ()
    # The records behind the section, and the date it counts them by when it is not the
    # record's own (see figures.py): legal cases by session, AVR cases by departure.
    model: type[Model] | None = None
    dates_of: str = ""
    # When the section counts some of its records only: the queryset method that picks them
    # (its name), and the record list's filter that shows the same ones.
    counts_only: str = ""
    records_filter: tuple[tuple[str, str], ...] = ()
    # The period whose records the drill-down lists, when it is not the chosen one: the
    # survey counts the month of its latest round, which may be before the period.
    # (exact figure, period) -> Period.
    records_period: Callable | None = None
    chart: Callable | None = None
    subtitle: Promise | str = ""
    # The mission profile and the donors are left out when there are none, not "no data".
    optional: bool = False

    def __post_init__(self) -> None:
        if self.counts_people and (self.protect is None or not self.people_cells):
            raise ImproperlyConfigured(
                f"The section {self.key} counts people but has no disclosure rule."
            )

    @property
    def template(self) -> str:
        return f"reports/sections/{self.key}.html"


# The parts of the reference factsheet, in its order, under their headings.
PARTS = {
    "mission": _("IOM in Panama"),
    "residents": _(
        "Assistance to migrants residing in the country and members of host communities"
    ),
    "operations": _("Operations and emergencies"),
    "dtm": _("Displacement Tracking Matrix (DTM)"),
    "capacities": _("Strengthening of capacities"),
    "communications": _("Communications"),
    "donors": _("IOM Panama appreciates the contributions of our direct and general donors"),
}

_SECTIONS = [
    Section(
        "mission",
        "mission",
        _("IOM in Panama"),
        figures.mission_profile,
        counts_people=False,  # staff headcounts the mission publishes itself
        optional=True,
    ),
    Section(
        "legal_orientation",
        "residents",
        _("Legal orientation"),
        figures.legal_orientation,
        counts_people=True,
        protect=disclosure.protect_legal_orientation,
        people_cells=("people", "by_topic", "by_sex"),
        model=LegalOrientationCase,
        dates_of="sessions__date",
    ),
    Section(
        "workshops_migrants",
        "residents",
        _("Workshops for migrants and host communities"),
        partial(figures.workshops, audience="migrants"),
        counts_people=True,
        protect=disclosure.protect_workshops,
        people_cells=("participants", "by_sex", "by_age"),
        model=TrainingSession,
        chart=charts.participants_by_sex,
        subtitle=_("Workshops/Training sessions for migrants and members of host communities"),
    ),
    Section(
        "avr",
        "residents",
        _("Assisted Voluntary Return"),
        figures.avr,
        counts_people=True,
        protect=disclosure.protect_avr,
        people_cells=("returned", "guided", "returned_by_nationality"),
        model=AVRCase,
        dates_of="departure_date",
        chart=charts.returnees_by_nationality,
        subtitle=_("Assisted Voluntary Return"),
    ),
    Section(
        "migration_flows",
        "operations",
        _("Migrants who crossed the Darién"),
        figures.migration_flows,
        counts_people=True,
        protect=disclosure.protect_migration_flows,
        people_cells=("crossed", "by_age", "by_sex", "by_month", "by_nationality"),
        model=MigrationFlowStatistic,
        chart=charts.crossings_by_month,
    ),
    Section(
        "donations",
        "operations",
        _("Donations"),
        figures.donations,
        counts_people=False,  # quantities of items
        model=Donation,
        chart=charts.donations_by_category,
        subtitle=_("Donations"),
    ),
    Section(
        "medical_attention",
        "operations",
        _("Medical attention"),
        figures.medical_attention,
        counts_people=True,
        protect=disclosure.protect_medical_attention,
        people_cells=("attended", "by_group", "by_province"),
        model=MedicalAttentionTally,
        subtitle=_("Medical attention"),
    ),
    Section(
        "flow_survey",
        "dtm",
        _("Flow Monitoring Survey (DTM)"),
        figures.flow_survey,
        counts_people=True,
        protect=disclosure.protect_flow_survey,
        people_cells=("respondents", "first_reasons", "second_reasons"),
        model=SurveyRound,
        records_period=lambda survey, _period: Period.month(
            *map(int, survey["round_month"].split("-"))
        ),
        chart=charts.survey_answers,
    ),
    Section(
        "workshops_partners",
        "capacities",
        _("Workshops for partners"),
        partial(figures.workshops, audience="partners"),
        counts_people=True,
        protect=disclosure.protect_workshops,
        people_cells=("participants", "by_sex", "by_age"),
        model=TrainingSession,
        subtitle=_(
            "Workshops/Training sessions for government, civil society, and private sector partners"
        ),
    ),
    Section(
        "communications",
        "communications",
        _("Communications"),
        figures.communications,
        counts_people=True,
        protect=disclosure.protect_communications,
        people_cells=("reached", "by_channel"),
        model=CommunicationReach,
        counts_only="digital",
        records_filter=(("media", "digital"),),
    ),
    Section(
        "donors",
        "donors",
        _("Donors"),
        figures.donors,
        counts_people=False,  # institutions
        model=Donation,
        optional=True,
    ),
]
SECTIONS = {section.key: section for section in _SECTIONS}


def layout(figures: dict, records: dict | None = None) -> list[dict]:
    """The sections of `figures` (exact or publishable) as the page shows them: each with its
    part's heading, its figures (None: "no data for this period"), its chart drawn in the
    current language, the period in words and, on the staff page, its drill-down `records`."""
    period = figures["period"]
    in_words = Period(
        datetime.date.fromisoformat(period["start"]), datetime.date.fromisoformat(period["end"])
    ).in_words()
    items = []
    for section in SECTIONS.values():
        figure = figures[section.key]
        if section.optional and not figure:
            continue
        items.append(
            {
                "section": section,
                "part_title": PARTS[section.part],
                "period_in_words": in_words,
                "figure": figure,
                "records": (records or {}).get(section.key),
                "chart": (
                    charts.drawn(section.chart, figure)
                    if section.chart and figure is not None
                    else ""
                ),
            }
        )
    return items


FIGURE_NAMES = {
    "people": _("people who received legal orientation"),
    "by_topic": _("by topic"),
    "by_sex": _("by sex"),
    "by_age": _("by age group"),
    "participants": _("participants"),
    "sessions": _("sessions"),
    "shared_sessions": _("sessions for both audiences"),
    "topics": _("topics"),
    "returned": _("people who returned voluntarily"),
    "guided": _("people guided on the process"),
    "returned_by_nationality": _("returnees by nationality"),
    "crossed": _("migrants who crossed"),
    "crossed_previous_year": _("migrants who crossed a year earlier"),
    "ratio": _("times as many as a year earlier"),
    "percent_by_age": _("percentage by age group"),
    "by_month": _("by month"),
    "by_nationality": _("by nationality"),
    "by_month.previous_year": _("by month, a year earlier"),
    "latest_month": _("data up to"),
    "latest_publication": _("published on"),
    "by_category": _("quantity by item category"),
    "attended": _("migrants who received medical attention"),
    "by_province": _("by province"),
    "by_group": _("by group"),
    "respondents": _("respondents"),
    "percent_family_friends": _("% informed by family and friends"),
    "percent_without_pathways_info": _("% without information on regular pathways"),
    "percent_without_dangers_info": _("% without enough information on the dangers"),
    "first_reasons": _("main reasons for migrating"),
    "second_reasons": _("second reasons for migrating"),
    "provinces": _("provinces surveyed"),
    "province_names": _("provinces surveyed"),
    "round_month": _("survey month"),
    "reached": _("people reached through digital media"),
    "by_channel": _("by channel"),
    "valid_from": _("valid from"),
    "staff": _("staff members"),
    "staff_national": _("national staff"),
    "staff_international": _("international staff"),
    "offices": _("offices"),
    "regions": _("regions"),
    "sites": _("sites"),
    "areas_of_work": _("areas of work"),
}

GROUP_NAMES = {
    "female": _("women"),
    "male": _("men"),
    "other": _("other"),
    "children_adolescents": _("children and adolescents"),
    "adults": _("adults"),
    "minors": _("minors"),
    "migration": _("migration"),
    "work": _("work"),
    "family": _("family"),
    "women_adults": _("adult women"),
    "men_adults": _("adult men"),
    "girls": _("girls"),
    "boys": _("boys"),
    "direct": _("direct donor"),
    "general": _("general donor"),
}


def figure_name(indicator: str) -> str:
    """ "communications.reached" as a reader says it: "Communications · people reached…"."""
    section, _dot, figure = indicator.partition(".")
    title = SECTIONS[section].title if section in SECTIONS else section
    return f"{title} · {FIGURE_NAMES.get(figure, figure)}" if figure else str(title)


def group_name(code: str, figures: dict) -> str:
    """A group's code in words: a sex, an age group, an item category, a reason, a country..."""
    if code in GROUP_NAMES:
        return str(GROUP_NAMES[code])
    if code in SurveyResponse.Reason.values:
        return str(SurveyResponse.Reason(code).label)
    if code in CommunicationReach.Channel.values:
        return str(CommunicationReach.Channel(code).label)
    for section in ("donations", "workshops_migrants", "workshops_partners"):
        for entry in _named_entries(figures.get(section)):
            if entry["code"] == code:
                return charts.name_of(entry)
    if len(code) == 2 and code.isupper():
        return charts.country_name(code)
    return code


def _named_entries(section: dict | None) -> list[dict]:
    if not section:
        return []
    return [*section.get("by_category", []), *section.get("topics", [])]
