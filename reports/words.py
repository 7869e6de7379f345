"""The factsheet's figures in words, for people who read the quarterly workbook: each section,
figure, group and country by its name in the reader's language. The codes stay beside them, for
machines and for finding a figure again."""

from django.utils.translation import gettext_lazy as _
from django_countries import countries

from activities.models import CommunicationReach, Donor, ItemCategory, SurveyResponse, TrainingTopic
from cases.models import LegalTopics
from iompanama.models import Province, Sex

# Short enough for a sheet's name (31 characters, no colon).
SECTIONS = {
    "mission": _("Mission"),
    "legal_orientation": _("Legal orientation"),
    "workshops_migrants": _("Migrant workshops"),
    "avr": _("Voluntary return"),
    "migration_flows": _("Migration flows"),
    "donations": _("Donations"),
    "medical_attention": _("Medical attention"),
    "flow_survey": _("Flow monitoring survey"),
    "workshops_partners": _("Partner workshops"),
    "communications": _("Communications"),
    "donors": _("Donors"),
}

# Each figure by its name after the section's ("workshops_migrants.by_sex" → "by_sex").
FIGURES = {
    "valid_from": _("Profile valid from"),
    "staff": _("Staff"),
    "staff_national": _("National staff"),
    "staff_international": _("International staff"),
    "offices": _("Offices"),
    "regions": _("Regions"),
    "sites": _("Sites"),
    "areas_of_work": _("Areas of work"),
    "people": _("People counselled"),
    "by_topic": _("By topic"),
    "by_sex": _("By sex"),
    "by_age": _("By age"),
    "participants": _("Participants"),
    "sessions": _("Sessions"),
    "topics": _("Topics"),
    "returned": _("People who returned"),
    "guided": _("People guided on the process"),
    "returned_by_nationality": _("People who returned, by nationality"),
    "crossed": _("People who crossed the Darién"),
    "crossed_previous_year": _("The same months a year earlier"),
    "ratio": _("Ratio to a year earlier"),
    "percent_by_age": _("Percent by age"),
    "by_month": _("By month"),
    "by_month.previous_year": _("By month, a year earlier"),
    "latest_month": _("Latest month published"),
    "latest_publication": _("Latest publication"),
    "by_category": _("Quantity by item category"),
    "attended": _("Migrants attended"),
    "by_province": _("By province"),
    "by_group": _("By group"),
    "respondents": _("Respondents"),
    "family_friends": _("Informed mainly by family and friends who migrated"),
    "pathways_answered": _("Answered on regular pathways"),
    "without_pathways_info": _("Without information on regular pathways"),
    "dangers_answered": _("Answered on the route's dangers"),
    "without_dangers_info": _("Without enough information on the route's dangers"),
    "percent_family_friends": _("% informed mainly by family and friends"),
    "percent_without_pathways_info": _("% without information on regular pathways"),
    "percent_without_dangers_info": _("% without enough information on the dangers"),
    "first_reasons": _("Main reason for migrating"),
    "second_reasons": _("Second reason for migrating"),
    "reached": _("People reached"),
    "by_channel": _("By channel"),
}
# Where a figure's name alone would not say which people it counts.
SECTION_FIGURES = {
    "workshops_migrants.by_sex": _("Participants by sex"),
    "workshops_partners.by_sex": _("Participants by sex"),
    "workshops_migrants.by_age": _("Participants by age"),
}
AGE_GROUPS = {
    "children_adolescents": _("Children and adolescents"),
    "adults": _("Adults"),
    "minors": _("Minors"),
    "women_adults": _("Adult women"),
    "men_adults": _("Adult men"),
    "girls": _("Girls"),
    "boys": _("Boys"),
}


class Words:
    """The names of a workbook's codes, read once: the reference lists are short."""

    def __init__(self) -> None:
        self.groups = {
            **{choice.value: choice.label for choice in Sex},
            **{choice.value: choice.label for choice in LegalTopics.Topic},
            **AGE_GROUPS,
            **{choice.value: choice.label for choice in SurveyResponse.Reason},
            **{choice.value: choice.label for choice in CommunicationReach.Channel},
            **{choice.value: choice.label for choice in Donor.Kind},
            **{topic.code: str(topic) for topic in TrainingTopic.objects.all()},
            **{category.code: str(category) for category in ItemCategory.objects.all()},
            **{province.code: province.name for province in Province.objects.all()},
        }

    def section(self, indicator: str) -> str:
        return str(SECTIONS.get(indicator.split(".")[0], indicator))

    def figure(self, indicator: str) -> str:
        section, _dot, figure = indicator.partition(".")
        label = SECTION_FIGURES.get(indicator) or FIGURES.get(figure) or SECTIONS.get(section)
        return str(label or indicator)

    def group(self, code: str) -> str:
        """A group's name; a month (2023-07) or a donor's name is already one."""
        return str(self.groups.get(code, code))

    def country(self, code: str) -> str:
        """A country's name; "other" (the small nationalities together) as a group's."""
        return countries.name(code) or self.group(code) if code else ""
