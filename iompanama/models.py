"""What every app shares: users and their roles, where things happen, and the review workflow."""

import logging
from datetime import timedelta
from functools import cached_property

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, models, transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from iompanama.db import is_read_only
from iompanama.roles import Role

access_log = logging.getLogger("iompanama.access")


class Region(models.Model):
    """A region where the mission works, grouping provinces (the factsheet counts them)."""

    name = models.CharField(_("name"), max_length=100, unique=True)

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


class Transition(models.Model):
    """One step of a record through review: who moved it, when, from where to where, and why."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    from_status = models.CharField(_("from"), max_length=10, choices=ReviewStatus.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=ReviewStatus.choices)
    by = models.ForeignKey(
        User, verbose_name=_("by"), on_delete=models.PROTECT, related_name="transitions"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]
        permissions = [("review_records", _("Can approve or return the records of their sites"))]
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class SiteScopedQuerySet(models.QuerySet):
    """Rows that belong to a site (a `site` foreign key): records, and the people they serve."""

    def for_user(self, user: User) -> "SiteScopedQuerySet":
        """The one place that decides which rows a person may see: those of their sites."""
        if not user.is_authenticated:
            return self.none()
        if user.is_administrator:
            return self
        if user.works_at_sites:
            return self.filter(site__in=user.sites.all())
        return self.none()


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
        field = date_field or self.model.period_field
        records = self.filter(**{f"{field}__range": (start, end)})
        return records.distinct() if "__" in field else records

    def awaiting_review(self) -> "ReviewableQuerySet":
        return self.filter(status=ReviewStatus.SUBMITTED).order_by("submitted_at", "pk")

    def reviewable_by(self, user: User) -> "ReviewableQuerySet":
        if not user.has_perm("iompanama.review_records"):
            return self.none()
        return self.for_user(user).awaiting_review().exclude(created_by=user)

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


class Reviewable(Versioned):
    """A record that field staff enter and a supervisor of its site approves before it counts."""

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT)
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    created_by = models.ForeignKey(
        User, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # The row's identifier in the file it was imported from: importing it again updates it.
    external_id = models.CharField(_("external ID"), max_length=100, blank=True, db_index=True)
    transitions = GenericRelation(Transition)
    history = HistoricalRecords(inherit=True)

    objects = ReviewableQuerySet.as_manager()

    # Set by each record: the date that decides its period, and the prefix of its page names
    # (<prefix>_list, _create, _detail and _edit).
    period_field: str
    url_prefix: str
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
    def create_url(cls) -> str:
        return reverse(f"{cls.url_prefix}_create")

    # What a person may do with this record; views turn a False into 403.
    def may_edit(self, user: User) -> bool:
        if self.status == ReviewStatus.SUBMITTED or not user.has_perm(self._perm("change")):
            return False
        return user.is_administrator or (
            self.created_by_id == user.pk and user.works_at(self.site_id)
        )

    def may_submit(self, user: User) -> bool:
        return self.status in ALLOWED_FROM[ReviewStatus.SUBMITTED] and self.may_edit(user)

    def may_review(self, user: User) -> bool:
        return (
            self.status == ReviewStatus.SUBMITTED
            and self.created_by_id != user.pk
            and user.has_perm("iompanama.review_records")
            and user.works_at(self.site_id)
        )

    def _perm(self, action: str) -> str:
        return f"{self._meta.app_label}.{action}_{self._meta.model_name}"

    # The workflow. Each step locks the row, checks the status and writes a Transition with it.
    def create(self, *, by: User) -> None:
        self.created_by = by
        self.status = ReviewStatus.DRAFT
        self._history_user = by
        self.save()

    def save_changes(self, *, by: User, seen_version: int) -> None:
        """Save an edit made on `seen_version`; an approved record goes back to review."""
        with transaction.atomic():
            current = self._lock_if_unchanged(seen_version)
            if current.status == ReviewStatus.APPROVED:
                self.status = ReviewStatus.SUBMITTED
                self.submitted_at = timezone.now()
                self._record_transition(
                    by, ReviewStatus.APPROVED, _("Edited after approval: to be reviewed again.")
                )
            self._history_user = by
            self.save()
        if self.status == ReviewStatus.SUBMITTED:
            self._notify_on_commit()

    def submit(self, *, by: User) -> None:
        if not self.may_submit(by):
            raise PermissionDenied
        self._move(by, ReviewStatus.SUBMITTED)

    def approve(self, *, by: User) -> None:
        if not self.may_review(by):
            raise PermissionDenied
        self._move(by, ReviewStatus.APPROVED)

    def return_to_author(self, *, by: User, reason: str) -> None:
        if not self.may_review(by):
            raise PermissionDenied
        if not reason.strip():
            raise ValueError("A returned record needs a reason.")
        self._move(by, ReviewStatus.RETURNED, reason.strip())

    def _move(self, by: User, to: ReviewStatus, reason: str = "") -> None:
        with transaction.atomic():
            current = type(self).objects.select_for_update().get(pk=self.pk)
            from_status = current.status
            if from_status not in ALLOWED_FROM[to]:
                raise InvalidTransition
            current.status = to
            if to == ReviewStatus.SUBMITTED:
                current.submitted_at = timezone.now()
            current.version += 1
            current._history_user = by
            current.save(update_fields=["status", "submitted_at", "version", "updated_at"])
            current._record_transition(by, from_status, reason)
        self.refresh_from_db()
        self._notify_on_commit()

    def _record_transition(self, by: User, from_status: str, reason: str) -> None:
        Transition.objects.create(
            record=self, from_status=from_status, to_status=self.status, by=by, reason=reason
        )

    def _notify_on_commit(self) -> None:
        from iompanama.notifications import notify_of_review_step

        transaction.on_commit(lambda: notify_of_review_step(self))


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


class JobQuerySet(models.QuerySet):
    def for_user(self, user: User) -> "JobQuerySet":
        """A job's file is its owner's alone: it holds what they, not others, may see."""
        return self.filter(by=user) if user.is_authenticated else self.none()

    def expired(self) -> "JobQuerySet":
        return self.filter(expires_at__lt=timezone.now())

    def abandoned(self) -> "JobQuerySet":
        """Running, with no sign of life for JOB_LEASE_SECONDS: its worker died (killed, its
        server restarted) and nobody else will finish it."""
        silent_since = timezone.now() - timedelta(seconds=settings.JOB_LEASE_SECONDS)
        return self.filter(status=Job.Status.RUNNING, heartbeat_at__lt=silent_since)

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
    upload = models.FileField(_("uploaded file"), upload_to="imports/", blank=True)
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
            and bool(self.upload)
            and self.upload.storage.exists(self.upload.name)
        )

    def confirm(self) -> None:
        """The checked import becomes the writing job, kept from now on."""
        self.kind = self.Kind.IMPORT
        self.status = self.Status.QUEUED
        self.done = 0
        self.expires_at = timezone.now() + timedelta(hours=settings.JOB_KEEP_HOURS)
        self.save(update_fields=["kind", "status", "done", "expires_at"])

    def delete_files(self) -> None:
        self.file.delete(save=False)
        self.upload.delete(save=False)

    @property
    def is_abandoned(self) -> bool:
        """As `JobQuerySet.abandoned`, on the row already read (its page refreshes often)."""
        silent_since = timezone.now() - timedelta(seconds=settings.JOB_LEASE_SECONDS)
        return (
            self.status == self.Status.RUNNING
            and self.heartbeat_at is not None
            and self.heartbeat_at < silent_since
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


class ConfirmedImport(models.Model):
    """The one-time token of an import preview, once confirmed. Two confirms of one preview (a
    double tap, two tabs) both find it in their session; the unique token lets one write."""

    token = models.CharField(max_length=32, primary_key=True)
    by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.token

    @classmethod
    def claim(cls, token: str, *, by: User) -> bool:
        """True for the first to confirm `token`, False for anyone after."""
        try:
            with transaction.atomic():
                cls.objects.create(token=token, by=by)
        except IntegrityError:
            return False
        return True


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
