"""What waits for a person: their own open entries, and the records they may review, across
every kind of record, with a fixed number of queries per kind whatever the number of rows."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.db.models import DateTimeField, IntegerField, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iompanama import prepared
from iompanama.access import reviewable_models
from iompanama.db import CappedCounts, Parameter
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
    (kind, link to them, count). Counts stop past COUNTED_UP_TO (see `CappedCounts`): one
    query for every count. The entries shown are chosen by their keys in one query through
    the index on (author, status, updated_at) (`first_keys`), then read whole (`read_whole`).
    Both queries are compiled once per person (`prepared`): they are the same at every visit."""
    by_status = {status: OpenEntries(status) for status in OPEN_STATUS_ORDER}
    models = list(reviewable_models().values())
    counts = iter(prepared.counts(_entry_counts, user, user.pk))
    approved = []
    for model in models:
        for status in OPEN_STATUS_ORDER:
            by_status[status].total += next(counts)
        link = f"{model.list_url()}?status={ReviewStatus.APPROVED}"
        approved.append((model._meta.verbose_name_plural, link, next(counts)))
    kept = dict.fromkeys(OPEN_STATUS_ORDER, 0)
    chosen = []
    for row in prepared.rows(_newest_entries, user, user.pk, shown):
        kind, position = divmod(row["part"], len(OPEN_STATUS_ORDER))
        status = OPEN_STATUS_ORDER[position]
        if kept[status] < shown:
            kept[status] += 1
            chosen.append((kind, row["pk"]))

    def readable(kind: int) -> QuerySet:
        records = models[kind].objects.for_user(user).authored_by(user)
        return records.with_last_return_reason().select_related("site")

    for entry in read_whole(readable, chosen):
        by_status[entry.status].entries.append(entry)
    for group in by_status.values():
        group.entries.sort(key=lambda entry: entry.updated_at, reverse=True)
    return list(by_status.values()), approved


# Each kind's records of each open status, then its approved ones: what the home page counts.
COUNTED = [*OPEN_STATUS_ORDER, ReviewStatus.APPROVED]


def _entries(user: User, author: int) -> list[QuerySet]:
    """The records `author` entered of each kind and counted status, of the sites `user` sees."""
    return [
        model.objects.for_user(user).filter(created_by=author, status=status)
        for model in reviewable_models().values()
        for status in COUNTED
    ]


def _entry_counts(user: User, author: int) -> CappedCounts:
    return CappedCounts(_entries(user, author))


def _newest_entries(user: User, author: int, shown: int) -> QuerySet:
    """The newest first across every kind and open status: the first `shown` of each status
    are those shown."""
    parts = _entries(user, author)
    opened = [
        part
        for index, part in enumerate(parts)
        if COUNTED[index % len(COUNTED)] != ReviewStatus.APPROVED
    ]
    return first_keys(opened, "-updated_at", shown)


def first_keys(parts: list[QuerySet], order: str, limit: int) -> QuerySet:
    """Rows of (`order`'s field, "pk", "part": the index in `parts`) of each part's first
    `limit` rows by `order` (a field; "-" first for the newest first), in that order across all
    the parts, in one query that reads keys through the parts' indexes. The pages that show a
    few records of many kinds choose them so and read whole only those (`read_whole`): reading
    each kind's first few whole and keeping a few of them all built most records for nothing.
    Each part's first rows are an IN of a LIMITed subquery, because SQLite refuses a LIMIT in
    the parts of a UNION."""
    field = order.removeprefix("-")
    key_order = "-pk" if order.startswith("-") else "pk"  # ties broken alike in each part
    keyed = [
        part.model.objects.filter(pk__in=part.order_by(order, key_order).values("pk")[:limit])
        .annotate(part=Value(index, output_field=IntegerField()))
        .order_by()
        .values_list(field, "pk", "part")
        for index, part in enumerate(parts)
    ]
    return keyed[0].union(*keyed[1:], all=True).order_by(order, key_order)


def read_whole(readable: Callable[[int], QuerySet], keys: list[tuple[int, int]]) -> list:
    """The records of `keys` ((index of a part, key)), one query for each part that has some,
    from `readable(index)`: built only for those, as building a queryset for every kind cost
    more than reading the few among the records shown."""
    chosen: dict[int, list[int]] = {}
    for index, pk in keys:
        chosen.setdefault(index, []).append(pk)
    return [
        record for index, pks in chosen.items() for record in readable(index).filter(pk__in=pks)
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

    def filters(self) -> "QueueFilters":
        if not self.is_valid():
            return QueueFilters()
        data = self.cleaned_data
        return QueueFilters(
            kind=data["kind"],
            site=data["site"].pk if data["site"] else None,
            author=data["author"].pk if data["author"] else None,
            days=data["waiting"] or 0,
        )


@dataclass(frozen=True)
class QueueFilters:
    """What narrows the queue, as keys: the queue's queries are kept by them (`prepared`)."""

    kind: str = ""  # a label of reviewable_models(), or every kind
    site: int | None = None
    author: int | None = None
    days: int = 0  # waiting for more than that many days

    def models(self) -> list:
        return [model for label, model in reviewable_models().items() if self.kind in ("", label)]

    def waiting(self, user: User, model, waited) -> QuerySet:
        """The records of `model` that `user` may review and that these filters keep, those
        submitted before `waited` (a datetime, or WAITED) if days are asked."""
        lookups = {"site": self.site, "created_by": self.author}
        if self.days:
            lookups["submitted_at__lt"] = waited
        chosen = {key: value for key, value in lookups.items() if value is not None}
        return model.objects.reviewable_by(user).filter(**chosen)


WAITED = Parameter("waited", DateTimeField())


def _waiting(user: User, reviewer: int, may_review: bool, filters: QueueFilters) -> list:
    # The reviewer's key and permission are read by reviewable_by, from `user`: given too, they
    # are part of the key the compiled queries are kept by.
    return [filters.waiting(user, model, WAITED) for model in filters.models()]


def _waiting_counts(user: User, reviewer: int, may_review: bool, filters: QueueFilters):
    return CappedCounts(_waiting(user, reviewer, may_review, filters))


def _oldest_waiting(user: User, reviewer: int, may_review: bool, filters: QueueFilters, limit: int):
    waiting = _waiting(user, reviewer, may_review, filters)
    return first_keys(waiting, "submitted_at", limit)


def review_queue(user: User, form: QueueFilterForm | None = None, limit: int = QUEUE_PAGE):
    """What the person may review, oldest first across every kind of record: the first
    `limit` with what each one's line shows, and how many there are in all, counted up to
    COUNTED_UP_TO. The first are chosen by their keys alone (`first_keys`), and only those are
    read whole: one query per kind that has some among them. Both queries are compiled once
    per person and filters (`prepared`), the time waited given at each run."""
    filters = form.filters() if form else QueueFilters()
    waited = timezone.now() - datetime.timedelta(days=filters.days)
    args = (user.pk, user.has_perm("iompanama.review_records"), filters)
    oldest = prepared.rows(_oldest_waiting, user, *args, limit, waited=waited)
    models = filters.models()

    def readable(index: int) -> QuerySet:
        waiting = filters.waiting(user, models[index], waited)
        return models[index].for_queue(waiting.select_related("site", "created_by"))

    queue = read_whole(readable, [(row["part"], row["pk"]) for row in oldest][:limit])
    queue.sort(key=lambda record: (record.submitted_at, record.pk))
    return queue, sum(prepared.counts(_waiting_counts, user, *args, waited=waited))
