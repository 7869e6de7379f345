"""A record's change history as people read it: who, when, what changed and how, in one
timeline with what the figures read besides the record itself: its lines (items, sessions,
family members), its many-to-many values (topics) and the people it names."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

KINDS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
# Bookkeeping fields that change on every save and say nothing to a reader.
# The status is said by the review steps in the same timeline.
HIDDEN_FIELDS = [
    "version",
    "updated_at",
    "submitted_at",
    "created_at",
    "intent",
    "name_key",
    "status",
]


@dataclass
class Change:
    field: str
    old: object
    new: object


@dataclass
class HistoryEntry:
    at: datetime
    by: object
    kind: str
    subject: str = ""  # what changed when it is not the record itself: "Item line: Kits"
    changes: list[Change] = field(default_factory=list)
    note: str = ""  # a review step's reason
    is_step: bool = False


def history_entries(record: models.Model, steps=()) -> list[HistoryEntry]:
    """Newest first: the record's versions, those of its lines, the changes of the people it
    names and its review `steps` (Transitions), in one timeline. A query per kind of row,
    whatever the history's length; related objects named in changes are fetched with one query
    per model."""
    timeline = [
        entry
        for entry in _entries(record.history.all(), record._meta.model)
        if entry.changes or entry.kind != KINDS["~"]
    ]
    for relation in _line_relations(type(record)):
        versions = relation.related_model.history.filter(**{relation.field.attname: record.pk})
        timeline += _entries(versions, relation.related_model, subject=True)
    people = record.people_named() if hasattr(record, "people_named") else []
    if people:
        person_model = type(people[0])
        versions = person_model.history.filter(id__in=[person.pk for person in people])
        timeline += [
            entry for entry in _entries(versions, person_model, subject=True) if entry.changes
        ]
    timeline += [
        HistoryEntry(at=step.at, by=step.by, kind=str(step), note=step.reason, is_step=True)
        for step in steps
    ]
    return sorted(timeline, key=lambda entry: entry.at, reverse=True)


def _line_relations(model: type[models.Model]) -> list:
    from iompanama.models import RecordLine

    return [
        relation
        for relation in model._meta.related_objects
        if relation.one_to_many
        and issubclass(relation.related_model, RecordLine)
        and hasattr(relation.related_model, "history")
    ]


def _entries(
    versions: models.QuerySet, model: type[models.Model], subject: bool = False
) -> list[HistoryEntry]:
    """Entries of `versions` (of one or more rows of `model`), each compared with the row's
    version before it in `versions`; with `subject`, each says which row it is."""
    versions = list(versions.select_related("history_user").order_by("history_date", "pk"))
    names = _names(versions, model) if subject else {}
    entries, raw_changes = [], []
    previous_of: dict[int, object] = {}
    for version in versions:
        previous = previous_of.get(version.id)
        previous_of[version.id] = version
        entry = HistoryEntry(
            at=version.history_date,
            by=version.history_user,
            kind=KINDS[version.history_type],
            subject=names.get(version.pk, ""),
        )
        entries.append(entry)
        if previous is not None:
            delta = version.diff_against(previous, excluded_fields=HIDDEN_FIELDS)
            raw_changes += [(entry, change) for change in delta.changes]

    wanted = defaultdict(set)
    for _entry, change in raw_changes:
        model_field = model._meta.get_field(change.field)
        if model_field.many_to_one:
            wanted[model_field.related_model].update({change.old, change.new})
        elif model_field.many_to_many:
            for rows in (change.old, change.new):
                wanted[model_field.related_model].update(_m2m_ids(model_field, rows))
    related = {model: model._default_manager.in_bulk(ids) for model, ids in wanted.items()}

    for entry, change in raw_changes:
        model_field = model._meta.get_field(change.field)
        entry.changes.append(
            Change(
                str(model_field.verbose_name),
                _display(model_field, change.old, related),
                _display(model_field, change.new, related),
            )
        )
    return entries


def _names(versions: list, model: type[models.Model]) -> dict[int, str]:
    """Each version's row as people name it ("Family member: Ana Pérez (Child)"), with the rows
    its name reads fetched once per model."""
    record_field = getattr(model, "record_field", "")
    foreign_keys = [
        key for key in model._meta.concrete_fields if key.many_to_one and key.name != record_field
    ]
    related = {
        key.name: key.related_model._default_manager.in_bulk(
            {getattr(version, key.attname) for version in versions}
        )
        for key in foreign_keys
    }
    names = {}
    for version in versions:
        row = version.instance
        for key in foreign_keys:
            setattr(row, key.name, related[key.name].get(getattr(version, key.attname)))
        names[version.pk] = f"{capfirst(model._meta.verbose_name)}: {row}"
    return names


def _m2m_ids(model_field: models.Field, rows: list[dict]) -> list:
    """The related rows' ids in simple-history's record of a many-to-many value."""
    name = model_field.m2m_reverse_field_name()
    return [row[name] for row in rows or []]


def _display(model_field: models.Field, value: object, related: dict) -> object:
    if model_field.many_to_one:
        return related[model_field.related_model].get(value, value)
    if model_field.many_to_many:
        rows = related[model_field.related_model]
        return ", ".join(sorted(str(rows.get(pk, pk)) for pk in _m2m_ids(model_field, value)))
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    return value
