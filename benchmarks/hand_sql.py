# ruff: noqa: S608 (statements built from constants of this file: no input reaches them)
"""Each figure of the staff figures page as a person would write it by hand in SQL: the yardstick
of benchmarks/scale.py. Same indexes, same numbers as reports/figures.py computes for a user of
some sites (every statement keeps the records of the sites `%(sites)s`), the best query we know:
one scan where the figure has several breakdowns, EXISTS or a first row rather than DISTINCT.

`SECTIONS[key]` is the list of statements of the section `key` (reports/sections.py); they take
%(start)s, %(end)s (the period), %(previous_start)s, %(previous_end)s (a year earlier),
%(sites)s (the keys of the user's sites, as values: so the planner reads the covering indexes)
and %(first)s, what the section's first statement found (the latest survey month). As the
figures do, a section stops at a statement that finds no record (its first column is 0 or
nothing). The mission profile, three rows of reference data, is left out.
"""

from activities.models import CommunicationReach, SurveyResponse

# The records of the user's sites, as Model.objects.for_user(user) keeps them.
SITES = "r.site_id = ANY(%(sites)s)"
APPROVED = f"r.status = 'approved' AND {SITES}"

LEGAL = f"""
SELECT COUNT(DISTINCT r.beneficiary_id),
       COUNT(DISTINCT r.beneficiary_id) FILTER (WHERE s.topic_migration),
       COUNT(DISTINCT r.beneficiary_id) FILTER (WHERE s.topic_work),
       COUNT(DISTINCT r.beneficiary_id) FILTER (WHERE s.topic_family),
       COUNT(DISTINCT r.beneficiary_id) FILTER (WHERE r.counted_sex = 'female'),
       COUNT(DISTINCT r.beneficiary_id) FILTER (WHERE r.counted_sex = 'male'),
       COUNT(DISTINCT r.beneficiary_id) FILTER (WHERE r.counted_sex = 'other')
FROM cases_legalorientationcase r JOIN cases_counsellingsession s ON s.case_id = r.id
WHERE {APPROVED} AND s.date BETWEEN %(start)s AND %(end)s
"""

AUDIENCES = {
    "migrants": "r.audience_migrants",
    "partners": "(r.audience_government OR r.audience_civil_society OR r.audience_private_sector)",
}


def _workshops(audience: str) -> list[str]:
    sessions = (
        f"{APPROVED} AND r.start_date BETWEEN %(start)s AND %(end)s AND {AUDIENCES[audience]}"
    )
    both = f"{AUDIENCES['migrants']} AND {AUDIENCES['partners']}"
    return [
        f"""
SELECT COUNT(*), COUNT(*) FILTER (WHERE {both}), COUNT(*) FILTER (WHERE r.adults IS NOT NULL),
       SUM(r.women), SUM(r.men), SUM(r.other_or_not_stated), SUM(r.children_adolescents),
       SUM(r.adults)
FROM activities_trainingsession r WHERE {sessions}
""",
        # The first session of each topic, if any (EXISTS would become a join of them all).
        f"""
SELECT t.code, t.name_es, t.name_en FROM activities_trainingtopic t
WHERE (SELECT 1 FROM activities_trainingsession_topics st
       JOIN activities_trainingsession r ON r.id = st.trainingsession_id
       WHERE st.trainingtopic_id = t.id AND {sessions} LIMIT 1) IS NOT NULL
ORDER BY t.code
""",
    ]


DEPARTED = f"{APPROVED} AND r.departure_date BETWEEN %(start)s AND %(end)s"
AVR = [
    # Returnees by nationality, the principals then their family (one UNION ALL statement
    # runs in parallel workers here, and is slower on this 2-core machine).
    f"SELECT COUNT(*), r.counted_nationality FROM cases_avrcase r WHERE {DEPARTED} GROUP BY 2",
    f"""
SELECT COUNT(*), f.counted_nationality FROM cases_avrfamilymember f
WHERE f.case_id IN (SELECT r.id FROM cases_avrcase r WHERE {DEPARTED}) GROUP BY 2
""",
    f"""
SELECT COUNT(DISTINCT r.id), COUNT(f.id)
FROM cases_avrcase r LEFT JOIN cases_avrfamilymember f ON f.case_id = r.id
WHERE {APPROVED} AND r.orientation_date BETWEEN %(start)s AND %(end)s
  AND (r.departure_date IS NULL OR r.departure_date > %(end)s)
""",
]

THIS_YEAR = "r.month BETWEEN %(start)s AND %(end)s"
LAST_YEAR = "r.month BETWEEN %(previous_start)s AND %(previous_end)s"
FLOWS = [
    # A row a month of both years; the period's sums are those of its months.
    f"""
SELECT r.month, COUNT(*), COUNT(r.women), SUM(r.crossed_total), SUM(r.adults), SUM(r.minors),
       SUM(r.women), SUM(r.men), MAX(r.publication_date)
FROM activities_migrationflowstatistic r WHERE {APPROVED} AND ({THIS_YEAR} OR {LAST_YEAR})
GROUP BY r.month ORDER BY r.month
""",
    f"""
SELECT n.nationality, SUM(n.crossed) FROM activities_migrationflowstatistic r
JOIN activities_flowbynationality n ON n.statistic_id = r.id
WHERE {APPROVED} AND {THIS_YEAR} GROUP BY n.nationality ORDER BY 2 DESC, 1
""",
]

DELIVERED = f"{APPROVED} AND r.delivery_date BETWEEN %(start)s AND %(end)s"
DONATIONS = f"""
SELECT c.code, c.name_es, c.name_en, SUM(i.quantity)
FROM activities_donation r JOIN activities_donationitem i ON i.donation_id = r.id
JOIN activities_itemcategory c ON c.id = i.category_id
WHERE {DELIVERED} GROUP BY c.id ORDER BY 4 DESC, c.code
"""

MEDICAL = f"""
SELECT p.code, p.name, SUM(r.total_attended), SUM(r.women_adults), SUM(r.men_adults),
       SUM(r.girls), SUM(r.boys)
FROM activities_medicalattentiontally r JOIN iompanama_site s ON s.id = r.site_id
JOIN iompanama_province p ON p.id = s.province_id
WHERE {APPROVED} AND r.date BETWEEN %(start)s AND %(end)s GROUP BY p.id ORDER BY p.code
"""

# The latest month first, then its rounds by that month: given as a value, not a subquery, the
# planner knows how many rounds the month has (a subquery's estimate starts parallel workers).
LATEST_MONTH = f"""
SELECT r.month FROM activities_surveyround r
WHERE {APPROVED} AND r.month <= %(end)s ORDER BY r.month DESC LIMIT 1
"""
LATEST_ROUNDS = f"{APPROVED} AND r.month = %(first)s"
_REASONS = ", ".join(
    f"COUNT(*) FILTER (WHERE x.{rank}_reason = '{reason}')"
    for rank in ("first", "second")
    for reason in SurveyResponse.Reason.values
)
SURVEY = [
    LATEST_MONTH,
    f"""
SELECT COUNT(*), COUNT(*) FILTER (WHERE x.main_source = 'family_friends'),
       COUNT(*) FILTER (WHERE x.regular_pathways_info <> 'no_answer'),
       COUNT(*) FILTER (WHERE x.regular_pathways_info = 'no'),
       COUNT(*) FILTER (WHERE x.dangers_info <> 'no_answer'),
       COUNT(*) FILTER (WHERE x.dangers_info = 'no'), {_REASONS}
FROM activities_surveyresponse x JOIN activities_surveyround r ON r.id = x.round_id
WHERE {LATEST_ROUNDS}
""",
    f"""
SELECT p.code, p.name FROM iompanama_province p
WHERE EXISTS (SELECT 1 FROM activities_surveyround_provinces rp
              JOIN activities_surveyround r ON r.id = rp.surveyround_id
              WHERE rp.province_id = p.id AND {LATEST_ROUNDS})
ORDER BY p.code
""",
]

_DIGITAL = ", ".join(f"'{channel}'" for channel in CommunicationReach.DIGITAL_MEDIA)
COMMUNICATIONS = f"""
SELECT r.channel, SUM(r.people_reached) FROM activities_communicationreach r
WHERE {APPROVED} AND r.date BETWEEN %(start)s AND %(end)s AND r.channel IN ({_DIGITAL})
GROUP BY r.channel ORDER BY 2 DESC, 1
"""

DONORS = f"""
SELECT d.name, d.name_en, d.kind FROM activities_donor d
WHERE d.kind = 'general'
   OR EXISTS (SELECT 1 FROM activities_donation r WHERE r.donor_id = d.id AND {DELIVERED})
ORDER BY d.kind, d.name
"""

SECTIONS = {
    "legal_orientation": [LEGAL],
    "workshops_migrants": _workshops("migrants"),
    "avr": AVR,
    "migration_flows": FLOWS,
    "donations": [DONATIONS],
    "medical_attention": [MEDICAL],
    "flow_survey": SURVEY,
    "workshops_partners": _workshops("partners"),
    "communications": [COMMUNICATIONS],
    "donors": [DONORS],
}
