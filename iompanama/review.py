"""What waits for a person: their own open entries, and the records they may review, across
every kind of record, with a fixed number of queries per kind whatever the number of rows."""

import datetime
from dataclasses import dataclass, field

from django import forms
from django.db.models import IntegerField, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iompanama.access import reviewable_models
from iompanama.db import capped_counts
from iompanama.forms import sites_for
from iompanama.models import ReviewStatus, User

SHOWN = 5  # entries of each status on the home page, before "see all"
SHOW_ALL = 100  # "see all": a page's worth; the record lists have the rest
QUEUE_PAGE = 50  # records of the queue on one page: the oldest first

# Returned first: those are waiting for their author.
OPEN_STATUS_ORDER = [ReviewStatus.RETURNED, ReviewStatus.DRAFT, ReviewStatus.SUBMITTED]


@dataclass
class OpenEntries:
    status: ReviewStatus
    total: int = 0
    entries: list = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.status.label


def open_entries(
    user: User, shown: int = SHOWN
) -> tuple[list[OpenEntries], list[tuple[str, str, int]]]:
    """The person's entries not yet approved, by status (returned first), the `shown` most
    recently changed of each, and how many there are; and how many of each kind are approved
    (kind, link to them, count). Counts stop past COUNTED_UP_TO (see `capped_counts`): one
    query for every count. The entries shown are chosen by their keys in one query through
    the index on (author, status, updated_at) (`first_keys`), then read whole (`read_whole`)."""
    by_status = {status: OpenEntries(status) for status in OPEN_STATUS_ORDER}
    models = reviewable_models().values()
    authored = [model.objects.for_user(user).authored_by(user) for model in models]
    # Each kind's records of each open status, then its approved ones.
    counted = [*OPEN_STATUS_ORDER, ReviewStatus.APPROVED]
    parts = [records.filter(status=status) for records in authored for status in counted]
    counts = iter(capped_counts(parts))
    approved = []
    for model in models:
        for status in OPEN_STATUS_ORDER:
            by_status[status].total += next(counts)
        link = f"{model.list_url()}?status={ReviewStatus.APPROVED}"
        approved.append((model._meta.verbose_name_plural, link, next(counts)))
    # The newest first across every kind and open status: the first `shown` of each status
    # are those shown.
    open_parts = [
        part
        for index, part in enumerate(parts)
        if counted[index % len(counted)] != ReviewStatus.APPROVED
    ]
    kept = dict.fromkeys(OPEN_STATUS_ORDER, 0)
    chosen = []
    for index, pk in first_keys(open_parts, "-updated_at", shown):
        kind, position = divmod(index, len(OPEN_STATUS_ORDER))
        status = OPEN_STATUS_ORDER[position]
        if kept[status] < shown:
            kept[status] += 1
            chosen.append((kind, pk))
    readable = [records.with_last_return_reason().select_related("site") for records in authored]
    for entry in read_whole(readable, chosen):
        by_status[entry.status].entries.append(entry)
    for group in by_status.values():
        group.entries.sort(key=lambda entry: entry.updated_at, reverse=True)
    return list(by_status.values()), approved


def first_keys(parts: list[QuerySet], order: str, limit: int) -> list[tuple[int, int]]:
    """(index in `parts`, key) of each part's first `limit` rows by `order` (a field; "-" first
    for the newest first), in that order across all the parts, in one query that reads keys
    through the parts' indexes. The pages that show a few records of many kinds choose them so
    and read whole only those (`read_whole`): reading each kind's first few whole and keeping a
    few of them all built most records for nothing. Each part's first rows are an IN of a
    LIMITed subquery, because SQLite refuses a LIMIT in the parts of a UNION."""
    field = order.removeprefix("-")
    key_order = "-pk" if order.startswith("-") else "pk"  # ties broken alike in each part
    keyed = [
        part.model.objects.filter(pk__in=part.order_by(order, key_order).values("pk")[:limit])
        .annotate(part=Value(index, output_field=IntegerField()))
        .order_by()
        .values_list(field, "pk", "part")
        for index, part in enumerate(parts)
    ]
    if not keyed:
        return []
    rows = keyed[0].union(*keyed[1:], all=True).order_by(order, key_order)
    return [(index, pk) for _value, pk, index in rows]


def read_whole(querysets: list[QuerySet], keys: list[tuple[int, int]]) -> list:
    """The records of `keys` ((index in `querysets`, key)), one query for each queryset that
    has some."""
    chosen: dict[int, list[int]] = {}
    for index, pk in keys:
        chosen.setdefault(index, []).append(pk)
    return [
        record for index, pks in chosen.items() for record in querysets[index].filter(pk__in=pks)
    ]


class QueueFilterForm(forms.Form):
    """Narrows the review queue: a kind of record, a site, an author, how long it has waited."""

    kind = forms.ChoiceField(label=_("Kind of record"), required=False)
    site = forms.ModelChoiceField(label=_("Site"), queryset=None, required=False)
    author = forms.ModelChoiceField(label=_("Entered by"), queryset=None, required=False)
    waiting = forms.TypedChoiceField(
        label=_("Waiting for"),
        coerce=int,
        required=False,
        empty_value=0,
        choices=[
            ("", _("Any time")),
            (3, _("More than 3 days")),
            (7, _("More than a week")),
            (14, _("More than two weeks")),
        ],
    )

    def __init__(self, data, *, user: User) -> None:
        super().__init__(data)
        models = reviewable_models()
        self.fields["kind"].choices = [
            ("", _("All")),
            *((kind, model._meta.verbose_name_plural) for kind, model in models.items()),
        ]
        self.fields["site"].queryset = sites_for(user)
        authors = User.objects.filter(is_active=True).order_by("first_name", "username")
        if not user.is_administrator:
            authors = authors.filter(sites__in=user.site_ids).distinct()
        self.fields["author"].queryset = authors

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        lookups = {"site": data["site"], "created_by": data["author"]}
        if data["waiting"]:
            waited = timezone.now() - datetime.timedelta(days=data["waiting"])
            lookups["submitted_at__lt"] = waited
        return {key: value for key, value in lookups.items() if value}


def review_queue(user: User, form: QueueFilterForm | None = None, limit: int = QUEUE_PAGE):
    """What the person may review, oldest first across every kind of record: the first
    `limit` with what each one's line shows, and how many there are in all, counted up to
    COUNTED_UP_TO. The first are chosen by their keys alone (`first_keys`), and only those are
    read whole: one query per kind that has some among them."""
    filters = form.filters() if form else {}
    kind = form.cleaned_data.get("kind") if form and form.is_valid() else ""
    models = [model for label, model in reviewable_models().items() if kind in ("", label)]
    waiting = [model.objects.reviewable_by(user).filter(**filters) for model in models]
    readable = [
        model.for_queue(records.select_related("site", "created_by"))
        for model, records in zip(models, waiting, strict=True)
    ]
    queue = read_whole(readable, first_keys(waiting, "submitted_at", limit)[:limit])
    queue.sort(key=lambda record: (record.submitted_at, record.pk))
    return queue, sum(capped_counts(waiting))
