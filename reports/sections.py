"""The factsheet's sections as readers and staff name them, with the records behind each.

The staff page and the publish preview read the records behind a section (drill-down links,
pending counts); the list of changes of a correction reads the names, so that a reader sees
"Communications · people reached through digital media", never `communications.reached`."""

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Section:
    title: Promise
    # The records behind the section, and the date it counts them by when it is not the
    # record's own (see figures.py): legal cases by session, AVR cases by departure.
    model: type[Model] | None = None
    dates_of: str = ""


SECTIONS = {
    "mission": Section(_("IOM in Panama")),
    "legal_orientation": Section(_("Legal orientation"), LegalOrientationCase, "sessions__date"),
    "workshops_migrants": Section(
        _("Workshops for migrants and host communities"), TrainingSession
    ),
    "avr": Section(_("Assisted Voluntary Return"), AVRCase, "departure_date"),
    "migration_flows": Section(_("Migrants who crossed the Darién"), MigrationFlowStatistic),
    "donations": Section(_("Donations"), Donation),
    "medical_attention": Section(_("Medical attention"), MedicalAttentionTally),
    "flow_survey": Section(_("Flow Monitoring Survey (DTM)"), SurveyRound),
    "workshops_partners": Section(_("Workshops for partners"), TrainingSession),
    "communications": Section(_("Communications"), CommunicationReach),
    "donors": Section(_("Donors"), Donation),
}

FIGURE_NAMES = {
    "people": _("people who received legal orientation"),
    "by_topic": _("by topic"),
    "by_sex": _("by sex"),
    "by_age": _("by age group"),
    "participants": _("participants"),
    "sessions": _("sessions"),
    "topics": _("topics"),
    "returned": _("people who returned voluntarily"),
    "guided": _("people guided on the process"),
    "returned_by_nationality": _("returnees by nationality"),
    "crossed": _("migrants who crossed"),
    "crossed_previous_year": _("migrants who crossed a year earlier"),
    "ratio": _("times as many as a year earlier"),
    "percent_by_age": _("percentage by age group"),
    "by_month": _("by month"),
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
    from reports.charts import country_name, name_of

    if code in GROUP_NAMES:
        return str(GROUP_NAMES[code])
    if code in SurveyResponse.Reason.values:
        return str(SurveyResponse.Reason(code).label)
    if code in CommunicationReach.Channel.values:
        return str(CommunicationReach.Channel(code).label)
    for section in ("donations", "workshops_migrants", "workshops_partners"):
        for entry in _named_entries(figures.get(section)):
            if entry["code"] == code:
                return name_of(entry)
    if len(code) == 2 and code.isupper():
        return country_name(code)
    return code


def _named_entries(section: dict | None) -> list[dict]:
    if not section:
        return []
    return [*section.get("by_category", []), *section.get("topics", [])]
