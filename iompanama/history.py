"""A record's change history as people read it: who, when, which fields changed and how."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

KINDS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
# Bookkeeping fields that change on every save and say nothing to a reader.
HIDDEN_FIELDS = ["version", "updated_at", "submitted_at", "created_at"]


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
    changes: list[Change] = field(default_factory=list)


def history_entries(record: models.Model) -> list[HistoryEntry]:
    """Newest first. Related objects named in changes are fetched with one query per model."""
    versions = list(record.history.select_related("history_user").order_by("history_date", "pk"))
    entries, raw_changes = [], []
    for previous, version in zip([None, *versions], versions, strict=False):
        entries.append(
            HistoryEntry(
                at=version.history_date,
                by=version.history_user,
                kind=KINDS[version.history_type],
            )
        )
        if previous is not None:
            delta = version.diff_against(previous, excluded_fields=HIDDEN_FIELDS)
            raw_changes += [(entries[-1], change) for change in delta.changes]

    wanted = defaultdict(set)
    for _entry, change in raw_changes:
        model_field = record._meta.get_field(change.field)
        if model_field.is_relation and model_field.many_to_one:
            wanted[model_field.related_model].update({change.old, change.new})
    related = {model: model._default_manager.in_bulk(ids) for model, ids in wanted.items()}

    for entry, change in raw_changes:
        model_field = record._meta.get_field(change.field)
        entry.changes.append(
            Change(
                str(model_field.verbose_name),
                _display(model_field, change.old, related),
                _display(model_field, change.new, related),
            )
        )
    return list(reversed(entries))


def _display(model_field: models.Field, value: object, related: dict) -> object:
    if model_field.is_relation and model_field.many_to_one:
        return related[model_field.related_model].get(value, value)
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    return value
