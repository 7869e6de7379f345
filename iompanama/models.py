"""What every app shares: users and their roles, where things happen, and the review workflow."""

import hashlib
import logging
import uuid
from datetime import datetime, timedelta
from functools import cached_property
from pathlib import Path

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import DatabaseError, models, transaction
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from iompanama.db import is_read_only
from iompanama.files.inserts import insert_values
from iompanama.roles import Role

access_log = logging.getLogger("iompanama.access")


class Region(models.Model):
    """A region where the mission works, grouping provinces (the factsheet counts them)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    # The English factsheet names the regions too: "Colón y Guna Yala" is "Colón and Guna Yala".
    name_en = models.CharField(_("name in English"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Province(models.Model):
    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        COMARCA = "comarca", _("Indigenous comarca")

    code = models.CharField(_("ISO 3166-2 code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="provinces",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("province or comarca")
        verbose_name_plural = _("provinces and comarcas")

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    class Kind(models.TextChoices):
        OFFICE = "office", _("Office")
        ETRM = "etrm", _("Migrant reception station (ETRM)")
        SHELTER = "shelter", _("Shelter")
        COMMUNITY = "community", _("Community")
        OTHER = "other", _("Other")

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="sites"
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. Their role is their group; the sites say where they work."""

    sites = models.ManyToManyField(
        Site,
        verbose_name=_("sites"),
        blank=True,
        related_name="users",
        help_text=_("Field staff and supervisors see and review the records of these sites."),
    )
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=[("es", _("Spanish")), ("en", _("English"))],
        default="es",
        help_text=_("Language of the emails this person receives."),
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @cached_property
    def role_names(self) -> frozenset[str]:
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, role: Role) -> bool:
        return role in self.role_names

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.has_role(Role.ADMINISTRATOR)

    @cached_property
    def site_ids(self) -> frozenset[int]:
        return frozenset(self.sites.values_list("pk", flat=True))

    def works_at(self, site_id: int) -> bool:
        return self.is_administrator or (self.works_at_sites and site_id in self.site_ids)

    @property
    def works_at_sites(self) -> bool:
        """Field staff and supervisors see records, but only those of their own sites."""
        return self.has_role(Role.FIELD_STAFF) or self.has_role(Role.SUPERVISOR)

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(name).label) for name in sorted(self.role_names) if name in Role]


class Sex(models.TextChoices):
    """As people are counted in every record and figure."""

    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other or not stated")


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class InvalidTransition(Exception):
    """The record is no longer in a status that allows this step (someone acted first)."""


class StaleRecord(Exception):
    """Someone else saved the record after this person opened it."""


class PeriodLocked(PermissionDenied):
    """A date of the record lies in a period whose factsheet is published; the message says
    which factsheet locks it."""


class ReviewRefused(PermissionDenied):
    """This person may not approve or return this record now; the message says why."""


class Transition(models.Model):
    """One step of a record through review, or a change of its content: who, when, from which
    status to which, and why. Content changes are rows too, so that the trail shows every
    rewrite and the four-eyes rule can read who wrote what since the last approval."""

    class Kind(models.TextChoices):
        STEP = "step", _("Review step")
        CONTENT = "content", _("Content changed")
        IMPORT_APPROVAL = "import_approval", _("Approved on import")

    # Found by (content type, record) through Meta.indexes: an index of the type alone would
    # only cost every step's write.
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, db_index=False)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    from_status = models.CharField(_("from"), max_length=10, choices=ReviewStatus.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=ReviewStatus.choices)
    by = models.ForeignKey(
        User, verbose_name=_("by"), on_delete=models.PROTECT, related_name="transitions"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.STEP)

    # A step as values, in this order, where many are written at once (Reviewable.imported).
    STEP_FIELDS = (
        "content_type_id",
        "object_id",
        "from_status",
        "to_status",
        "by_id",
        "at",
        "reason",
        "kind",
    )

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"]),
            # The four-eyes rule asks, of each record in a queue, whether the reviewer changed
            # it: without this, PostgreSQL reads every step the reviewer ever took.
            models.Index(
                fields=["by", "content_type", "object_id"],
                condition=Q(kind="content"),
                name="transition_content_by",
            ),
        ]
        permissions = [("review_records", _("Can approve or return the records of their sites"))]
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")

    def __str__(self) -> str:
        steps = f"{self.get_from_status_display()} → {self.get_to_status_display()}"
        if self.kind == self.Kind.STEP:
            return steps
        if self.from_status == self.to_status:
            return str(self.get_kind_display())
        return f"{self.get_kind_display()}: {steps}"


def content_changed_by(user: User, model: type[models.Model]) -> models.Exists:
    """Whether `user` changed the content of the outer record since it was last approved."""
    record_type = ContentType.objects.get_for_model(model)
    of_record = {"content_type": record_type, "object_id": OuterRef("pk")}
    last_approval = (
        Transition.objects.filter(
            content_type=record_type,
            object_id=OuterRef(OuterRef("pk")),
            to_status=ReviewStatus.APPROVED,
        )
        .order_by("-pk")
        .values("pk")[:1]
    )
    return models.Exists(
        Transition.objects.filter(
            **of_record,
            kind=Transition.Kind.CONTENT,
            by=user,
            pk__gt=Coalesce(Subquery(last_approval), 0),
        )
    )


class PeriodLockQuerySet(models.QuerySet):
    def in_force(self) -> "PeriodLockQuerySet":
        return self.filter(unlocked_at__isnull=True)


class PeriodLock(models.Model):
    """A period whose factsheet is published: no approved record in it may change, and no record
    may enter it, until an administrator unlocks it with a reason. Unlocking keeps the row; a
    later lock of the same period is a new row, so both are on record."""

    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    factsheet = models.CharField(_("published factsheet"), max_length=200)
    locked_at = models.DateTimeField(_("locked at"), default=timezone.now)
    locked_by = models.ForeignKey(
        User, verbose_name=_("locked by"), on_delete=models.PROTECT, related_name="+"
    )
    unlocked_at = models.DateTimeField(_("unlocked at"), null=True, blank=True)
    unlocked_by = models.ForeignKey(
        User,
        verbose_name=_("unlocked by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    unlock_reason = models.TextField(_("reason for unlocking"), blank=True)

    objects = PeriodLockQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "-locked_at", "-pk"]
        verbose_name = _("locked period")
        verbose_name_plural = _("locked periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="lock_end_not_before_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start:%d/%m/%Y}–{self.end:%d/%m/%Y} ({self.factsheet})"

    @classmethod
    def lock(cls, start, end, *, factsheet: str, by: User) -> "PeriodLock":
        """Lock the period for its published factsheet; a lock already in force stays."""
        in_force = cls.objects.in_force().filter(start=start, end=end).first()
        if in_force:
            return in_force
        return cls.objects.create(start=start, end=end, factsheet=factsheet, locked_by=by)

    def unlock(self, *, by: User, reason: str) -> None:
        if not reason.strip():
            raise ValueError("A period is unlocked with a reason.")
        self.unlocked_at = timezone.now()
        self.unlocked_by = by
        self.unlock_reason = reason.strip()
        self.save(update_fields=["unlocked_at", "unlocked_by", "unlock_reason"])

    def relock(self, *, by: User) -> "PeriodLock":
        return PeriodLock.lock(self.start, self.end, factsheet=self.factsheet, by=by)

    def covers(self, day) -> bool:
        return self.start <= day <= self.end

    def refusal(self) -> str:
        return _(
            "This record has a date in %(start)s–%(end)s, the period of the published factsheet "
            "“%(factsheet)s”, which is locked: an administrator must unlock the period first."
        ) % {
            "start": f"{self.start:%d/%m/%Y}",
            "end": f"{self.end:%d/%m/%Y}",
            "factsheet": self.factsheet,
        }


def lock_covering(dates, locks: list[PeriodLock] | None = None) -> PeriodLock | None:
    """The lock in force over any of `dates`; `locks`, those in force when already read."""
    dates = [day for day in dates if day]
    if not dates:
        return None
    if locks is None:
        covering = Q(pk__in=[])
        for day in dates:
            covering |= Q(start__lte=day, end__gte=day)
        return PeriodLock.objects.in_force().filter(covering).first()
    return next((lock for lock in locks if any(lock.covers(day) for day in dates)), None)


def figure_indexes(name: str, date_field: str, *counted: str) -> list[models.Index]:
    """A record kind's indexes for the figures page, partial on the status each reads.

    The figures read the approved records of a period: the date leads, and the site (which
    `for_user` filters on), the columns the figures aggregate (`counted`) and the id are
    included so that PostgreSQL answers from the index alone, never visiting the table. The
    page also counts the records of the period still pending review: a small index of those.
    SQLite builds both without the included columns."""
    return [
        models.Index(
            fields=[date_field],
            include=["site", *counted, "id"],
            condition=Q(status=ReviewStatus.APPROVED),
            name=f"{name}_approved_date",
        ),
        models.Index(
            fields=[date_field],
            include=["site"],
            condition=Q(status=ReviewStatus.SUBMITTED),
            name=f"{name}_pending_date",
        ),
    ]


class SiteScopedQuerySet(models.QuerySet):
    """Rows that belong to a site (a `site` foreign key): records, and the people they serve."""

    def for_user(self, user: User) -> "SiteScopedQuerySet":
        """The one place that decides which rows a person may see: those of their sites."""
        sites = sites_seen(user)
        if sites is None:
            return self
        # Their sites' keys as values, not a subquery: knowing them, PostgreSQL reads the
        # figures' covering indexes rather than every row of the site through its index.
        return self.filter(site__in=sites) if sites else self.none()


def sites_seen(user: User) -> tuple[int, ...] | None:
    """The keys of the sites whose rows `user` sees (`for_user`), or None for every site: also
    what a query scoped to them may be kept by (iompanama.prepared)."""
    if not user.is_authenticated:
        return ()
    if user.is_administrator:
        return None
    return tuple(sorted(user.site_ids)) if user.works_at_sites else ()


class ReviewableQuerySet(SiteScopedQuerySet):
    def authored_by(self, user: User) -> "ReviewableQuerySet":
        return self.filter(created_by=user)

    def approved(self) -> "ReviewableQuerySet":
        return self.filter(status=ReviewStatus.APPROVED)

    def pending_review(self) -> "ReviewableQuerySet":
        """Submitted and not yet approved or returned."""
        return self.filter(status=ReviewStatus.SUBMITTED)

    def in_period(self, start, end, date_field: str = "") -> "ReviewableQuerySet":
        """Records whose date (`period_field`, or another such as "sessions__date") lies
        between `start` and `end`, both included; each record once."""
        return self.dated(date_field or self.model.period_field, start, end)

    def dated(self, field: str, start=None, end=None) -> "ReviewableQuerySet":
        """Records whose date `field` is on or after `start` and on or before `end` (either
        may be None). A date of the record's rows ("sessions__date") is matched by EXISTS,
        so each record comes once without a DISTINCT over the join."""
        bounds = {lookup: day for lookup, day in (("gte", start), ("lte", end)) if day is not None}
        relation, _sep, name = field.partition("__")
        if not bounds:
            return self
        if not name:
            return self.filter(**{f"{field}__{lookup}": day for lookup, day in bounds.items()})
        rows = self.model._meta.get_field(relation)
        matching = rows.related_model.objects.filter(
            **{rows.field.name: OuterRef("pk")},
            **{f"{name}__{lookup}": day for lookup, day in bounds.items()},
        )
        return self.filter(models.Exists(matching))

    def awaiting_review(self) -> "ReviewableQuerySet":
        return self.filter(status=ReviewStatus.SUBMITTED).order_by("submitted_at", "pk")

    def reviewable_by(self, user: User) -> "ReviewableQuerySet":
        if not user.has_perm("iompanama.review_records"):
            return self.none()
        return (
            self.for_user(user)
            .awaiting_review()
            .exclude(created_by=user)
            .exclude(content_changed_by(user, self.model))
        )

    def with_approval_kind(self) -> "ReviewableQuerySet":
        """`approval_kind`: how the record was last approved, in review or on import (a file
        of official or historical data that no second person read)."""
        last_approval = Transition.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model),
            object_id=OuterRef("pk"),
            to_status=ReviewStatus.APPROVED,
        ).order_by("-pk")
        return self.annotate(approval_kind=Subquery(last_approval.values("kind")[:1]))

    def with_last_return_reason(self) -> "ReviewableQuerySet":
        last_return = Transition.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model),
            object_id=OuterRef("pk"),
            to_status=ReviewStatus.RETURNED,
        ).order_by("-at", "-pk")
        return self.annotate(last_return_reason=Subquery(last_return.values("reason")[:1]))


# Which statuses each step may start from.
ALLOWED_FROM = {
    ReviewStatus.SUBMITTED: {ReviewStatus.DRAFT, ReviewStatus.RETURNED},
    ReviewStatus.APPROVED: {ReviewStatus.SUBMITTED},
    ReviewStatus.RETURNED: {ReviewStatus.SUBMITTED},
}


def new_external_id() -> str:
    """An identifier for a row that no file named: unique without asking the database."""
    return str(uuid.uuid4())


class Versioned(models.Model):
    """A row whose `version` goes up with every save, so that a form opened before someone
    else's change is refused instead of overwriting it (optimistic locking)."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True

    def _lock_if_unchanged(self, seen_version: int) -> "Versioned":
        """The row as stored, locked for this transaction; StaleRecord if it changed since
        `seen_version`."""
        current = type(self).objects.select_for_update().get(pk=self.pk)
        if current.version != seen_version:
            raise StaleRecord
        self.version = current.version + 1
        return current


class MadeOnce(models.Model):
    """A row made by a form that carries a one-time token: the same form posted again (a double
    tap, a retry after a lost response) finds the row instead of making a second one."""

    intent = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        abstract = True

    @classmethod
    def made_by_form(cls, intent, user: User) -> "MadeOnce | None":
        if not intent:
            return None
        return cls.objects.for_user(user).filter(intent=intent).first()


def review_indexes(prefix: str) -> list[models.Index]:
    """The indexes every kind of record needs for what waits on people, so that those pages
    read the rows they show and no others: a person's own entries of one status, the most
    recently changed first (home page), and the records waiting for review, oldest first (the
    queue, a partial index: one record in ten or fewer is waiting), and a file's rows by
    their external ID. Each carries the columns those pages filter on besides (the site, and
    in the queue who entered it: not one's own), so that a count reads the index alone, never
    a row it does not count."""
    return [
        # A file's rows are found by their external ID. Declared here rather than with
        # db_index, which on PostgreSQL adds a second index for LIKE that nothing reads.
        models.Index(fields=["external_id"], name=f"{prefix}_external_id"),
        models.Index(
            fields=["created_by", "status", "-updated_at"],
            include=["site"],
            name=f"{prefix}_by_author",
        ),
        models.Index(
            fields=["submitted_at", "id"],
            include=["site", "created_by"],
            condition=Q(status=ReviewStatus.SUBMITTED),
            name=f"{prefix}_queue",
        ),
    ]


class Reviewable(MadeOnce, Versioned):
    """A record that field staff enter and a supervisor of its site approves before it counts."""

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT)
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    created_by = models.ForeignKey(
        User,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # <prefix>_by_author leads with it (review_indexes)
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # The row's identifier in the files it is exported to and imported from: importing it
    # again updates it. Generated when no file gave one, so that every export re-imports.
    external_id = models.CharField(
        _("external ID"), max_length=100, blank=True, default=new_external_id
    )  # indexed by review_indexes: found by equality only, never by a LIKE
    transitions = GenericRelation(Transition)
    # A record's versions are read by its id and date; indexes of the other columns a version
    # copies (its site, author, IDs) would be written with every version and never read.
    history = HistoricalRecords(
        inherit=True, no_db_index=["site", "created_by", "external_id", "intent"]
    )

    objects = ReviewableQuerySet.as_manager()

    # Set by each record: the date that decides its period, and the prefix of its page names
    # (<prefix>_list, _create, _detail and _edit).
    period_field: str
    url_prefix: str
    # The fields `freeze_counted_values` sets on the record itself.
    COUNTED_FIELDS: list[str] = []
    # Whether its page names a beneficiary: every view of it is then recorded.
    names_people = False

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        return reverse(f"{self.url_prefix}_detail", args=[self.pk])

    def get_edit_url(self) -> str:
        return reverse(f"{self.url_prefix}_edit", args=[self.pk])

    @classmethod
    def list_url(cls) -> str:
        return reverse(f"{cls.url_prefix}_list")

    @classmethod
    def for_queue(cls, records: models.QuerySet) -> models.QuerySet:
        """`records` with what `key_figures` reads, in a fixed number of queries."""
        return records

    def key_figures(self) -> str:
        """The numbers a reviewer judges the record by, in one line of the review queue."""
        return ""

    @classmethod
    def create_url(cls) -> str:
        return reverse(f"{cls.url_prefix}_create")

    # What a person may do with this record; views turn a False into 403.
    def may_edit(self, user: User) -> bool:
        if self.status == ReviewStatus.SUBMITTED or not user.has_perm(self._perm("change")):
            return False
        return user.is_administrator or (
            self.created_by_id == user.pk and user.works_at(self.site_id)
        )

    def last_return_reason(self) -> str:
        step = self.transitions.filter(to_status=ReviewStatus.RETURNED).order_by("-pk").first()
        return step.reason if step else ""

    def edit_refusal(self, user: User) -> str:
        """Why this person may not change the record (when `may_edit` says no)."""
        if self.status == ReviewStatus.SUBMITTED:
            return _(
                "This record is waiting for review: it cannot be changed until it is reviewed."
            )
        return _(
            "This record was entered by another person: only they or an administrator change it."
        )

    def may_submit(self, user: User) -> bool:
        return self.status in ALLOWED_FROM[ReviewStatus.SUBMITTED] and self.may_edit(user)

    def may_review(self, user: User) -> bool:
        return self.review_refusal(user) is None

    def review_refusal(self, user: User) -> str | None:
        """Why this person may not approve or return the record now; None if they may."""
        if not (user.has_perm("iompanama.review_records") and user.works_at(self.site_id)):
            return _("You do not review the records of this site.")
        if self.status != ReviewStatus.SUBMITTED:
            return _("Someone else reviewed it first.")
        if self.wrote_content(user):
            return _("You entered or changed this record: another person must review it.")
        lock = lock_covering(self.lock_dates())
        return lock.refusal() if lock else None

    def wrote_content(self, user: User) -> bool:
        """Four eyes: the author, and whoever changed the content since the last approval."""
        if self.created_by_id == user.pk:
            return True
        changed = type(self).objects.filter(pk=self.pk).filter(content_changed_by(user, type(self)))
        return changed.exists()

    def lock_dates(self, lines: list | None = None) -> list:
        """The dates the figures read of this record and its `lines` (those stored, when not
        given): in a locked period, it must not move."""
        return [getattr(self, self.period_field)]

    def _perm(self, action: str) -> str:
        return f"{self._meta.app_label}.{action}_{self._meta.model_name}"

    # The one write path: every change of a record, its lines and its many-to-many values goes
    # through `create` or `save_changes` (forms) or `prepare_import` and `imported` (files), and
    # every change of status through `_move`. `write_related` saves what hangs off the record
    # (lines, many-to-many) in the same transaction, before the period lock reads the new dates.
    def create(self, *, by: User, write_related=None) -> None:
        with transaction.atomic():
            self.created_by = by
            self.status = ReviewStatus.DRAFT
            self._history_user = by
            self.save()
            if write_related:
                write_related()
            self._refuse_if_locked()

    def save_changes(self, *, by: User, seen_version: int, write_related=None) -> None:
        """Save an edit made on `seen_version`; an approved record goes back to review. The edit
        is a content change on the trail, so that its author cannot approve it."""
        with transaction.atomic():
            current = self._lock_if_unchanged(seen_version)
            if not current.may_edit(by):
                raise PermissionDenied
            if current.status == ReviewStatus.APPROVED:
                current._refuse_if_locked()
                self.status = ReviewStatus.SUBMITTED
                self.submitted_at = timezone.now()
                reason = _("Edited after approval: to be reviewed again.")
            else:
                reason = _("Edited.")
            self._history_user = by
            self.save()
            if write_related:
                write_related()
            self._refuse_if_locked()
            self._record_transition(by, current.status, reason, Transition.Kind.CONTENT)
        if self.status == ReviewStatus.SUBMITTED:
            self._notify_on_commit()

    def _refuse_if_locked(self, locks: list[PeriodLock] | None = None, lines=None) -> None:
        lock = lock_covering(self.lock_dates(lines), locks)
        if lock:
            raise PeriodLocked(lock.refusal())

    def prepare_import(self, *, approve: bool) -> None:
        """An imported row enters review as submitted by the importer, or approved when an
        administrator loads official or historical data; see `imported`. The counted values
        are frozen when the rows are written, with all their lines."""
        self.status = ReviewStatus.APPROVED if approve else ReviewStatus.SUBMITTED
        self.submitted_at = timezone.now()

    @classmethod
    def imported(cls, rows: list["Reviewable"], *, by: User, approve: bool, source: str) -> None:
        """The review steps of rows written from a file: the import is a change of content by
        the importer (so they cannot approve it in review), and an approval on import is its
        own kind of step that names the file."""
        source = source or _("(not named)")
        imported = _("Imported from the file %(file)s.") % {"file": source}
        approved = _("Approved on import from the file %(file)s.") % {"file": source}
        record_type = ContentType.objects.get_for_model(cls).pk

        def step(row, start, end, reason, kind) -> tuple:
            return (record_type, row.pk, start, end, by.pk, row.submitted_at, reason, kind)

        steps = []
        for row in rows:
            start = row._status_before_import
            steps.append(
                step(row, start, ReviewStatus.SUBMITTED, imported, Transition.Kind.CONTENT)
            )
            if approve:
                steps.append(
                    step(
                        row,
                        ReviewStatus.SUBMITTED,
                        ReviewStatus.APPROVED,
                        approved,
                        Transition.Kind.IMPORT_APPROVAL,
                    )
                )
        insert_values(Transition, Transition.STEP_FIELDS, steps)

    def submit(self, *, by: User) -> None:
        if not self.may_submit(by):
            raise PermissionDenied
        self._move(by, ReviewStatus.SUBMITTED)

    def approve(self, *, by: User) -> None:
        self._refuse_review(by)
        self._move(by, ReviewStatus.APPROVED)

    def return_to_author(self, *, by: User, reason: str) -> None:
        self._refuse_review(by)
        if not reason.strip():
            raise ValueError("A returned record needs a reason.")
        self._move(by, ReviewStatus.RETURNED, reason.strip())

    def _refuse_review(self, by: User) -> None:
        refusal = self.review_refusal(by)
        if refusal:
            raise ReviewRefused(refusal)

    def freeze_counted_values(self, lines: list | None = None) -> None:
        """What the figures read of other rows (a person's sex), kept on the record and its
        `lines` (those stored, when not given) when it is approved, so that a later change
        there moves no approved figure without a review."""

    def _move(self, by: User, to: ReviewStatus, reason: str = "") -> None:
        with transaction.atomic():
            current = type(self).objects.select_for_update().get(pk=self.pk)
            from_status = current.status
            if from_status not in ALLOWED_FROM[to]:
                raise InvalidTransition
            current.status = to
            fields = ["status", "submitted_at", "version", "updated_at"]
            if to == ReviewStatus.SUBMITTED:
                current.submitted_at = timezone.now()
            if to == ReviewStatus.APPROVED:
                current.freeze_counted_values()
                fields += self.COUNTED_FIELDS
            current.version += 1
            current._history_user = by
            current.save(update_fields=fields)
            current._record_transition(by, from_status, reason)
        self.refresh_from_db()
        self._notify_on_commit()

    def _record_transition(
        self, by: User, from_status: str, reason: str, kind: str = Transition.Kind.STEP
    ) -> None:
        Transition.objects.create(
            record=self,
            from_status=from_status,
            to_status=self.status,
            by=by,
            reason=reason,
            kind=kind,
        )

    def _notify_on_commit(self) -> None:
        from iompanama.notifications import notify_of_review_step

        transaction.on_commit(lambda: notify_of_review_step(self))


class ApprovedRecordLine(PermissionDenied):
    """A line of an approved record changed on its own: it must change with its record."""


class RecordLine(models.Model):
    """A row under a record (a donation's item, a case's session) that the figures read: it
    changes only with its record, through the record's write path, never behind an approved
    record's back. `record_field` names the record."""

    record_field: str

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self._refuse_if_approved()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_approved()
        return super().delete(*args, **kwargs)

    def _refuse_if_approved(self) -> None:
        if getattr(self, self.record_field).status == ReviewStatus.APPROVED:
            raise ApprovedRecordLine(
                _("The record is approved: change its lines by editing the record.")
            )


class ExportLog(models.Model):
    """An export of personal data: who took which rows out of the system, and when."""

    by = models.ForeignKey(
        User, verbose_name=_("by"), on_delete=models.PROTECT, related_name="exports"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    kind = models.CharField(_("kind of record"), max_length=100)
    filters = models.TextField(_("filters"), blank=True)
    rows = models.PositiveIntegerField(_("rows"))
    file_format = models.CharField(_("format"), max_length=10)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("personal data export")
        verbose_name_plural = _("personal data exports")

    def __str__(self) -> str:
        return f"{self.kind} ({self.rows}), {self.by}, {self.at:%d/%m/%Y %H:%M}"


def _lease_start() -> datetime:
    """A running job silent since before this has lost its worker."""
    return timezone.now() - timedelta(seconds=settings.JOB_LEASE_SECONDS)


class JobQuerySet(models.QuerySet):
    def for_user(self, user: User) -> "JobQuerySet":
        """A job's file is its owner's alone: it holds what they, not others, may see."""
        return self.filter(by=user) if user.is_authenticated else self.none()

    def expired(self) -> "JobQuerySet":
        return self.filter(expires_at__lt=timezone.now())

    def abandoned(self) -> "JobQuerySet":
        """Running, with no sign of life for JOB_LEASE_SECONDS: its worker died (killed, its
        server restarted) and nobody else will finish it."""
        return self.filter(status=Job.Status.RUNNING, heartbeat_at__lt=_lease_start())

    def fail_abandoned(self) -> int:
        abandoned = list(self.abandoned())
        for job in abandoned:
            job.fail_abandoned()
        return len(abandoned)


class Job(models.Model):
    """A long export or import run by the task worker: its progress, then its outcome (an
    export's file, an import's report) for a limited time. A big import is two jobs in turn on
    one row: the check, then, once its owner confirms, the writing."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("Export")
        IMPORT_CHECK = "import_check", _("Import check")
        IMPORT = "import", _("Import")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    by = models.ForeignKey(User, verbose_name=_("by"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.EXPORT)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("kept until"))
    title = models.CharField(_("title"), max_length=200)
    # The language the person used, for the messages the job writes (an import's report).
    language = models.CharField(max_length=5, blank=True)
    # What to run: the dotted paths of the resource and (exports) the filter form, the query.
    resource = models.CharField(max_length=200)
    filter_form = models.CharField(max_length=200, blank=True)
    query = models.TextField(blank=True)
    # Imports: the uploaded file, kept from the check until the writing ends, and its outcome.
    upload = models.ForeignKey(
        "PendingUpload",
        verbose_name=_("uploaded file"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approve = models.BooleanField(_("approve on import"), default=False)
    report = models.JSONField(_("report"), null=True, blank=True)
    file_format = models.CharField(_("format"), max_length=10)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("rows"), default=0)
    done = models.PositiveIntegerField(_("rows done"), default=0)
    file = models.FileField(_("file"), upload_to="jobs/", blank=True)
    # Written by the worker when it starts and with every progress: its lease on the job.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    failure = models.TextField(_("why it failed"), blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("job", args=[self.pk])

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, 100 * self.done // self.total) if self.total else 0

    @property
    def record_model(self) -> type[models.Model]:
        """The kind of record the job exports or imports."""
        return import_string(self.resource)._meta.model

    @property
    def is_confirmable(self) -> bool:
        """A checked import whose every row is valid and whose file is still kept."""
        return (
            self.kind == self.Kind.IMPORT_CHECK
            and self.status == self.Status.DONE
            and bool(self.report)
            and not self.report.get("errors")
            and not self.report.get("problem")
            and self.expires_at > timezone.now()
            and self.upload is not None
            and self.upload.is_stored
        )

    def confirm(self) -> None:
        """The checked import becomes the writing job, kept from now on."""
        self.kind = self.Kind.IMPORT
        self.status = self.Status.QUEUED
        self.done = 0
        self.expires_at = timezone.now() + timedelta(hours=settings.JOB_KEEP_HOURS)
        self.save(update_fields=["kind", "status", "done", "expires_at"])
        # Its file kept for the writing, however long the worker's queue.
        PendingUpload.objects.filter(pk=self.upload_id).update(expires_at=self.expires_at)

    def drop_upload(self) -> None:
        if self.upload is not None:
            self.upload.discard()
        self.upload = None

    def delete_files(self) -> None:
        self.file.delete(save=False)
        self.drop_upload()

    @property
    def is_abandoned(self) -> bool:
        """As `JobQuerySet.abandoned`, on the row already read (its page refreshes often)."""
        return (
            self.status == self.Status.RUNNING
            and self.heartbeat_at is not None
            and self.heartbeat_at < _lease_start()
        )

    def fail_abandoned(self) -> None:
        """Failed, said in its owner's language, its files deleted, if its worker still has not
        come back; the owner may start again. An import wrote nothing: its rows are written in
        one transaction, which died with the worker, and its worker stops at its next progress
        report on finding the job failed."""
        with transaction.atomic():
            if not type(self).objects.abandoned().select_for_update().filter(pk=self.pk).exists():
                return
            with translation.override(self.language or None):
                self.failure = str(
                    _(
                        "The worker running this job stopped (a restart or a fault). Nothing was "
                        "kept; start again."
                    )
                )
            self.status = self.Status.FAILED
            self.delete_files()
            self.save(update_fields=["status", "failure", "file", "upload"])


def _new_token() -> str:
    return uuid.uuid4().hex


class PendingUploadQuerySet(models.QuerySet):
    def for_user(self, user: User) -> "PendingUploadQuerySet":
        """An upload is its owner's alone: it may hold personal data only they may see."""
        return self.filter(by=user) if user.is_authenticated else self.none()

    def expired(self) -> "PendingUploadQuerySet":
        return self.filter(expires_at__lt=timezone.now())


class PendingUpload(models.Model):
    """A file uploaded for import, kept until its owner confirms it: a preview's (the import
    page, confirmed with the token its form posts) or a big file's, checked by a background
    job (`Job.upload`). The one place either is kept: its file is deleted once written, and
    with the row when it expires (`files.uploads.expire_files`, scheduled)."""

    token = models.CharField(max_length=32, unique=True, default=_new_token)
    by = models.ForeignKey(User, verbose_name=_("by"), on_delete=models.CASCADE, related_name="+")
    file = models.FileField(_("file"), upload_to="imports/", blank=True)
    name = models.CharField(_("name"), max_length=255)  # as the person named it
    sha256 = models.CharField(max_length=64)
    # A preview's: the import page that may confirm it, and whether to approve on import.
    page = models.CharField(max_length=200, blank=True)
    approve = models.BooleanField(_("approve on import"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("kept until"))
    # Set by the first confirm; two confirms of one preview (a double tap, two tabs): one writes.
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = PendingUploadQuerySet.as_manager()

    class Meta:
        verbose_name = _("pending upload")
        verbose_name_plural = _("pending uploads")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def keep(
        cls, by: User, name: str, content: bytes, *, page: str = "", approve: bool = False
    ) -> "PendingUpload":
        upload = cls(
            by=by,
            name=name[:255],
            sha256=hashlib.sha256(content).hexdigest(),
            page=page,
            approve=approve,
            expires_at=timezone.now() + timedelta(hours=settings.UPLOAD_KEEP_HOURS),
        )
        upload.file.save(f"{upload.token}{Path(name).suffix.lower()}", ContentFile(content))
        return upload

    @property
    def source(self) -> str:
        """The file as the review steps of its rows name it: its name and SHA-256, so that
        the exact file behind an approval on import can be found again."""
        return f"{Path(self.name).name} (SHA-256 {self.sha256})"

    @property
    def is_stored(self) -> bool:
        return bool(self.file) and self.file.storage.exists(self.file.name)

    def read(self) -> bytes:
        with self.file.open("rb") as stored:
            return stored.read()

    def claim(self) -> bool:
        """True for the first to confirm this upload, False for anyone after."""
        claimed = (
            type(self)
            .objects.filter(pk=self.pk, confirmed_at=None)
            .update(confirmed_at=timezone.now())
        )
        return bool(claimed)

    def drop_file(self) -> None:
        """Its file deleted (written, or refused); the row says it was confirmed, until it
        expires."""
        self.file.delete(save=False)
        type(self).objects.filter(pk=self.pk).update(file="")

    def discard(self) -> None:
        self.file.delete(save=False)
        self.delete()


class PersonalDataAccessQuerySet(models.QuerySet):
    def expired(self) -> "PersonalDataAccessQuerySet":
        kept_from = timezone.now() - timedelta(days=settings.ACCESS_LOG_KEEP_DAYS)
        return self.filter(at__lt=kept_from)


class PersonalDataAccess(models.Model):
    """Someone saw personal data: a person's page, a case naming them, a document, an export.
    Who, when, what and from where, so that a person's or an auditor's question "who looked at
    me?" has an answer. Written with one insert, without the person's name."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        DOWNLOAD = "download", _("Downloaded a document")
        EXPORT = "export", _("Exported")

    by = models.ForeignKey(User, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of record"), on_delete=models.PROTECT
    )
    # The record seen; none for an export, whose filters are in `path`.
    object_id = models.PositiveBigIntegerField(_("record number"), null=True, blank=True)
    path = models.CharField(_("page"), max_length=500)
    address = models.GenericIPAddressField(_("from address"), null=True, blank=True)

    objects = PersonalDataAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")

    def __str__(self) -> str:
        return f"{self.by} {self.get_action_display()} {self.path}"

    @classmethod
    def record(cls, request, action: str, seen: models.Model | type[models.Model]) -> None:
        """`seen`: the record, or the kind of record exported. One insert. On a read-only
        database (maintenance) the page is still shown and the access goes to the server's
        log instead, so that it is recorded either way."""
        access = cls(
            by=request.user,
            action=action,
            content_type=ContentType.objects.get_for_model(seen),
            object_id=seen.pk if isinstance(seen, models.Model) else None,
            path=request.get_full_path()[:500],
            address=get_client_ip_address(request),
        )
        try:
            # Its own savepoint: a refused insert must not spoil the request's transaction.
            with transaction.atomic():
                access.save(force_insert=True)
        except DatabaseError as error:
            if not is_read_only(error):
                raise
            access_log.warning(
                "%s %s %s from %s (database read-only)",
                access.by,
                action,
                access.path,
                access.address,
            )
