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
4. A percentage is shown only when neither the group nor the rest of those who answered is
   small; otherwise the percentage, with the total, would give the small group back.
Each section that counts people names its rule (a `protect_...` function below) where it is
declared, in reports/sections.py; figures that count no people (item quantities, donors, the
mission profile) are left as they are.
"""

import copy

SMALL = "<5"  # shown as "fewer than 5"
WITHHELD = "x"  # hidden only so that a small group can't be recomputed by subtraction
THRESHOLD = 5


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
    """Groups largest first, small ones merged into "other" (rule 2)."""
    kept = sorted(groups, key=lambda group: (-group["value"], group["code"]))
    other = sum(group["value"] for group in kept if group["value"] < THRESHOLD)
    kept = [group for group in kept if group["value"] >= THRESHOLD]
    while 0 < other < THRESHOLD and kept:
        other += kept.pop()["value"]
    result = [{"code": group["code"], "value": group["value"]} for group in kept]
    if other:
        result.append({"code": "other", "value": count(other)})
    return result


def share(part: int, whole: int, percent: int | None):
    """A percentage of `whole` (rule 4)."""
    if is_small(whole) or is_small(part) or is_small(whole - part):
        return SMALL
    return percent


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
        survey[percent] = share(exact[part], exact[whole], exact[percent])
        # Only the percentages are published: the counts behind them stay inside.
        survey.pop(part, None)
        survey.pop(whole, None)
    survey["respondents"] = count(exact["respondents"])
    survey["first_reasons"] = ranking(survey["first_reasons"])
    survey["second_reasons"] = ranking(survey["second_reasons"])


def protect_communications(reach: dict, exact: dict) -> None:
    reach["reached"] = count(reach["reached"])
    reach["by_channel"] = ranking(reach["by_channel"])
