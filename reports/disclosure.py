"""Disclosure control: what makes exact figures fit to publish. Applied to everything public.

Rules (DOMAIN.md: nobody can be singled out from public numbers):
1. A count of people between 1 and 4 is shown as "fewer than 5" (SMALL). Zero is shown: it
   singles nobody out.
2. Rankings (nationalities, reasons for migrating) merge their small groups into "other"; when
   "other" would itself be small, the next smallest group joins it until it is not.
3. Subtraction: within a disaggregation whose total is shown, the hidden cells must add up to
   5 or more, otherwise a shown total minus the shown cells would give a small group back. We
   chose secondary suppression over rounding (rounding changes every published number; this
   hides as few as possible): the smallest shown cells are WITHHELD until the hidden ones add
   up to 5 or more.
4. A percentage of a count of people is shown only when neither the group nor the rest is
   small; otherwise the percentage, with the total, would give the small group back. It is then
   WITHHELD, never "fewer than 5": a percentage is not a count of people.
   Survey results are different: percentages of a sample of anonymous respondents, whose risk
   is a small base, not a small group. They are published when enough people answered
   (MIN_RESPONSES), otherwise "too few responses to report" (TOO_FEW).
5. Differencing across versions (linked tables, see DISCLOSURE.md): before a version is
   published, `audit_linked` tries every pair and triple of it with published versions whose
   periods nest or overlap (or are the same: a correction); where adding and subtracting a
   people count of each gives the count of a set of days (e.g. 1 Jul-5 Aug minus 1 Jul-4 Aug
   gives 5 August), what a correction changed, or the people two parts of a period share,
   between 1 and 4, the new version withholds that count with its complement (rule 3's table,
   or the whole section for a total). Public periods are whole months
   (PublishedFactsheet.publish), which keeps the overlapping versions few.
Each section that counts people names its rule (a `protect_...` function below) where it is
declared, in reports/sections.py; figures that count no people (item quantities, donors, the
mission profile) are left as they are.
"""

import copy
import datetime
import itertools

SMALL = "<5"  # shown as "fewer than 5"
WITHHELD = "x"  # hidden only so that a small group can't be recomputed by subtraction
TOO_FEW = "too_few"  # a survey result: "too few responses to report"
THRESHOLD = 5
# Survey percentages need 30 answers: below that one respondent moves a percentage by more
# than 3 points, so "62%" of a dozen people says more about who happened to be interviewed
# at the ETRM that day than about the migrants crossing; 30 is also the smallest sample the
# usual normal approximation of a proportion's margin of error is used for.
MIN_RESPONSES = 30


def is_small(value) -> bool:
    return isinstance(value, int) and 0 < value < THRESHOLD


def count(value):
    return SMALL if is_small(value) else value


def cells(values: dict | None) -> dict | None:
    """A disaggregation of people whose total is shown elsewhere (rules 1 and 3); None (not
    recorded) stays None."""
    if values is None:
        return None
    shown = {key: count(value) for key, value in values.items()}
    hidden = [key for key, value in values.items() if is_small(value)]
    if not hidden:
        return shown
    candidates = sorted(
        (value, key) for key, value in values.items() if key not in hidden and value > 0
    )
    while sum(values[key] for key in hidden) < THRESHOLD and candidates:
        _value, key = candidates.pop(0)
        shown[key] = WITHHELD
        hidden.append(key)
    return shown


def ranking(groups: list[dict]) -> list[dict]:
    """Groups largest first, small ones merged into "other" (rule 2); a group whose code is
    "other" joins it, so that "other" appears once."""
    kept = sorted(groups, key=lambda group: (-group["value"], group["code"]))
    merged = [g for g in kept if g["value"] < THRESHOLD or g["code"] == "other"]
    other = sum(group["value"] for group in merged)
    kept = [group for group in kept if group not in merged]
    while 0 < other < THRESHOLD and kept:
        other += kept.pop()["value"]
    result = [{"code": group["code"], "value": group["value"]} for group in kept]
    if other:
        result.append({"code": "other", "value": count(other)})
    return result


def share(part: int, whole: int, percent: float | None):
    """A percentage of a count of people (rule 4)."""
    if is_small(whole) or is_small(part) or is_small(whole - part):
        return WITHHELD
    return percent


def survey_share(percent: float | None, answered: int):
    """A percentage of a survey's respondents (rule 4, surveys)."""
    return percent if answered >= MIN_RESPONSES else TOO_FEW


def survey_ranking(groups: list[dict], answered: int):
    """Reasons as percentages of those who answered, largest first; reasons fewer than 5 gave
    (and "other") merged into one "other" so the ranking of the main reasons is kept."""
    if answered < MIN_RESPONSES:
        return TOO_FEW
    from reports.figures import percent

    shown = [g for g in groups if g["value"] >= THRESHOLD and g["code"] != "other"]
    other = sum(g["value"] for g in groups if g not in shown)
    result = [{"code": g["code"], "value": percent(g["value"], answered)} for g in shown]
    if other:
        result.append({"code": "other", "value": percent(other, answered)})
    return result


def publishable(figures: dict) -> dict:
    """The public version of `reports.figures.factsheet(...)`; a section with no data (None)
    stays None."""
    from reports.sections import SECTIONS

    public = copy.deepcopy(figures)
    for key, section in SECTIONS.items():
        if section.protect is not None and public[key] is not None:
            section.protect(public[key], figures[key])
    return public


def protect_legal_orientation(legal: dict, exact: dict) -> None:
    legal["people"] = count(legal["people"])
    # Topics overlap (one person, several topics): each is protected as a count of its own.
    legal["by_topic"] = {topic: count(n) for topic, n in legal["by_topic"].items()}
    legal["by_sex"] = cells(legal["by_sex"])


def protect_workshops(workshop: dict, exact: dict) -> None:
    workshop["participants"] = count(workshop["participants"])
    workshop["by_sex"] = cells(workshop["by_sex"])
    workshop["by_age"] = cells(workshop["by_age"])


def protect_avr(avr: dict, exact: dict) -> None:
    avr["returned"] = count(avr["returned"])
    avr["guided"] = count(avr["guided"])
    avr["returned_by_nationality"] = ranking(avr["returned_by_nationality"])


def protect_migration_flows(flows: dict, exact: dict) -> None:
    flows["by_nationality"] = ranking(flows["by_nationality"])
    flows["by_age"] = cells(flows["by_age"])
    flows["by_sex"] = cells(flows["by_sex"])
    for group, percent in flows["percent_by_age"].items():
        flows["percent_by_age"][group] = share(exact["by_age"][group], exact["crossed"], percent)


def protect_medical_attention(medical: dict, exact: dict) -> None:
    medical["attended"] = count(medical["attended"])
    medical["by_group"] = cells(medical["by_group"])
    by_province = cells({row["code"]: row["value"] for row in medical["by_province"]})
    for row in medical["by_province"]:
        row["value"] = by_province[row["code"]]


def protect_flow_survey(survey: dict, exact: dict) -> None:
    shares = [
        ("percent_family_friends", "family_friends", "respondents"),
        ("percent_without_pathways_info", "without_pathways_info", "pathways_answered"),
        ("percent_without_dangers_info", "without_dangers_info", "dangers_answered"),
    ]
    for percent, part, whole in shares:
        survey[percent] = survey_share(exact[percent], exact[whole])
        # Only the percentages are published: the counts behind them stay inside.
        survey.pop(part, None)
        survey.pop(whole, None)
    survey["respondents"] = count(exact["respondents"])
    survey["first_reasons"] = survey_ranking(exact["first_reasons"], exact["respondents"])
    second = sum(group["value"] for group in exact["second_reasons"])
    survey["second_reasons"] = survey_ranking(exact["second_reasons"], second)


def protect_communications(reach: dict, exact: dict) -> None:
    reach["reached"] = count(reach["reached"])
    reach["by_channel"] = ranking(reach["by_channel"])


def people_cells(figures: dict) -> dict[tuple[str, str, str], object]:
    """Every published count of people, by (section, figure, group); the sections say which
    of their figures count people."""
    from reports.sections import SECTIONS

    found = {}
    for key, section in SECTIONS.items():
        data = figures.get(key)
        for name in section.people_cells if data else ():
            value = data.get(name)
            if isinstance(value, dict):
                found |= {(key, name, group): n for group, n in value.items()}
            elif isinstance(value, list):
                found |= {(key, name, entry["code"]): entry["value"] for entry in value}
            elif value is not None:
                found[(key, name, "")] = value
    return found


def _withhold(figures: dict, section: str, name: str) -> None:
    """Withholds a table: the shown numbers of one breakdown, or of a total and every breakdown
    of its section (they add up to it)."""
    from reports.sections import SECTIONS

    data = figures[section]
    names = [name]
    if not isinstance(data[name], dict | list):
        names += [n for n in SECTIONS[section].people_cells if isinstance(data[n], dict | list)]
    for n in names:
        value = data[n]
        if isinstance(value, dict):
            data[n] = {g: WITHHELD if isinstance(v, int) else v for g, v in value.items()}
        elif isinstance(value, list):
            for entry in value:
                entry["value"] = WITHHELD if isinstance(entry["value"], int) else entry["value"]
        elif isinstance(value, int):
            data[n] = WITHHELD


def _span(figures: dict) -> tuple[datetime.date, datetime.date]:
    period = figures["period"]
    return datetime.date.fromisoformat(period["start"]), datetime.date.fromisoformat(period["end"])


def _counts_a_set(spans: list[tuple], signs: tuple[int, ...]) -> bool:
    """Whether adding and subtracting the periods with these signs counts each day once or not
    at all (or minus once): then the result is the count of people of a set of days. No day at
    all counts too: two versions of one period give what a correction changed, and a quarter
    minus two periods that make it up gives the people counted in both (distinct counts)."""
    bounds = sorted({day for start, end in spans for day in (start, end + datetime.timedelta(1))})
    weights = {
        sum(sign for (start, end), sign in zip(spans, signs, strict=True) if start <= a <= end)
        for a in bounds[:-1]
    }
    return weights <= {0, 1} or weights <= {0, -1}


def _linked(a: tuple, b: tuple) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def audit_linked(candidate: dict, published: list[tuple[int, dict]]) -> list[dict]:
    """Withholds, in `candidate`, each count of people that a pair or triple of it with
    `published` versions (id, figures) would give as 1-4 by adding and subtracting; returns
    what it withheld (figure, group) and against which versions, to explain it later."""
    span = _span(candidate)
    # Versions that share days with the candidate, or with one that does: the only ones whose
    # sums and differences with it can make a set of days.
    versions = [(pk, figures, _span(figures)) for pk, figures in published]
    sharing = [v for v in versions if _linked(v[2], span)]
    near = sharing + [
        v for v in versions if not _linked(v[2], span) and any(_linked(v[2], w[2]) for w in sharing)
    ]
    withheld: dict[tuple[str, str], set[int]] = {}
    cells_of = {pk: people_cells(figures) for pk, figures, _span in near}
    candidate_cells = people_cells(candidate)
    for size in (1, 2):
        for group in itertools.combinations(near, size):
            spans = [span, *(v[2] for v in group)]
            for signs in itertools.product((1, -1), repeat=size):
                if not _counts_a_set(spans, (1, *signs)):
                    continue
                others = [cells_of[v[0]] for v in group]
                for cell in list(candidate_cells):
                    values = [candidate_cells[cell], *(other.get(cell) for other in others)]
                    if not all(isinstance(v, int) for v in values):
                        continue
                    derived = abs(sum(s * v for s, v in zip((1, *signs), values, strict=True)))
                    if is_small(derived):
                        _withhold(candidate, cell[0], cell[1])
                        candidate_cells = people_cells(candidate)
                        figure = withheld.setdefault((f"{cell[0]}.{cell[1]}", cell[2]), set())
                        figure.update(v[0] for v in group)
    return [
        {"figure": figure, "group": group, "with": sorted(pks)}
        for (figure, group), pks in sorted(withheld.items())
    ]
