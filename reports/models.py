"""The mission profile that administrators keep, and the factsheets published as frozen versions."""

import calendar
import datetime

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from iompanama.models import PeriodLock, Province, Region


class MissionProfileQuerySet(models.QuerySet):
    def valid_on(self, day) -> "MissionProfile | None":
        """The profile in force on `day`: the latest one valid from that day or before."""
        found = self.filter(valid_from__lte=day).select_related("sub_office_province")
        return found.order_by("-valid_from").first()


class AreaOfWork(models.Model):
    """One of the mission's areas of work, listed on the factsheet in `position` order."""

    position = models.PositiveSmallIntegerField(_("position"), unique=True)
    name_es = models.CharField(_("name in Spanish"), max_length=150)
    name_en = models.CharField(_("name in English"), max_length=150)

    class Meta:
        ordering = ["position"]
        verbose_name = _("area of work")
        verbose_name_plural = _("areas of work")

    def __str__(self) -> str:
        return self.name_es


class MissionProfile(models.Model):
    """The mission as the factsheet presents it (staff, offices, regions...), from a date on."""

    valid_from = models.DateField(_("valid from"), unique=True)
    introduction_es = models.TextField(_("introduction in Spanish"), blank=True)
    introduction_en = models.TextField(_("introduction in English"), blank=True)
    staff_national = models.PositiveIntegerField(_("national staff"))
    staff_international = models.PositiveIntegerField(_("international staff"))
    programme_staff = models.PositiveIntegerField(
        _("staff who implement the programmes in the regions"), null=True, blank=True
    )
    offices = models.PositiveIntegerField(_("offices"))
    offices_in_capital = models.PositiveIntegerField(_("offices in Panama City"), default=0)
    sub_office_province = models.ForeignKey(
        Province,
        verbose_name=_("province of the sub-office"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    regions = models.PositiveIntegerField(_("regions"))
    present_in = models.ManyToManyField(
        Region,
        verbose_name=_("regions where the mission is present"),
        blank=True,
        related_name="+",
    )
    sites = models.PositiveIntegerField(_("sites"))

    objects = MissionProfileQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("mission profile")
        verbose_name_plural = _("mission profiles")

    def __str__(self) -> str:
        return str(_("Mission profile from %(date)s") % {"date": self.valid_from})

    def sites_more_than(self) -> int | None:
        """The factsheet says "more than 10 sites" for 11: the number of sites rounded down to
        the multiple of 5 below it, a round number that stays true as sites open and close.
        None below 6 sites, which are said exactly."""
        return (self.sites - 1) // 5 * 5 if self.sites > 5 else None


class FactsheetQuerySet(models.QuerySet):
    def of_period(self, start, end) -> "FactsheetQuerySet":
        return self.filter(start=start, end=end)

    def latest_versions(self) -> "FactsheetQuerySet":
        """The current version of each published period, newest period first."""
        newer = self.model.objects.filter(
            start=models.OuterRef("start"),
            end=models.OuterRef("end"),
            version__gt=models.OuterRef("version"),
        )
        return self.exclude(models.Exists(newer)).order_by("-end", "-start")


# What an administrator acknowledges before publishing (see `warnings`).
WARNINGS = {
    "pending": _("Records still pending review"),
    "no_data": _("Sections with no data"),
    "not_ended": _("Period not ended"),
    "flows_missing": _("Migration flow statistic missing"),
}
WHOLE_MONTHS = _("A public factsheet covers whole months: start on a 1st, end on a last day.")


class PublishingRefused(Exception):
    """Why a version may not be published, in words for the administrator."""


class PublishedFactsheet(models.Model):
    """A period's figures frozen when an administrator published them: what the public reads.

    `figures` holds the language-independent data after disclosure control, so the page, the
    JSON and every export of this version show the same numbers, whatever changes later."""

    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    version = models.PositiveIntegerField(_("version"))
    figures = models.JSONField(_("figures"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    # Why this version corrects the previous one; readers of both see it.
    reason = models.TextField(_("reason for the correction"), blank=True)
    # Counts withheld only because, with published versions, they would give a small group by
    # subtraction (disclosure.audit_linked): which, and against which versions. Kept for staff
    # to explain a later correction; the public sees only the withheld marks.
    linked_suppressions = models.JSONField(_("withheld against other versions"), default=list)

    objects = FactsheetQuerySet.as_manager()

    class Meta:
        ordering = ["-end", "-start", "-version"]
        verbose_name = _("published factsheet")
        verbose_name_plural = _("published factsheets")
        permissions = [
            ("publish_factsheet", _("Can publish a period's factsheet")),
            ("view_figures", _("Can see the figures of any period, with their records")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["start", "end", "version"], name="one_factsheet_per_version"
            ),
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="factsheet_end_not_before_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start:%d/%m/%Y}–{self.end:%d/%m/%Y} v{self.version}"

    def period_in_words(self) -> str:
        from reports.figures import Period

        return Period(self.start, self.end).in_words()

    def previous(self) -> "PublishedFactsheet | None":
        return (
            PublishedFactsheet.objects.of_period(self.start, self.end)
            .filter(version__lt=self.version)
            .order_by("-version")
            .first()
        )

    def next_version(self) -> "PublishedFactsheet | None":
        """The version that superseded this one, if any."""
        return (
            PublishedFactsheet.objects.of_period(self.start, self.end)
            .filter(version__gt=self.version)
            .order_by("version")
            .first()
        )

    @classmethod
    def preview(cls, start, end) -> "PublishedFactsheet":
        """The version that publishing now would make, unsaved: what the preview shows."""
        from reports.disclosure import audit_linked, publishable
        from reports.figures import Period, factsheet

        latest = cls.objects.of_period(start, end).order_by("-version").first()
        figures = publishable(factsheet(Period(start, end)))
        # Every published version, superseded ones too: they stay public.
        withheld = audit_linked(figures, list(cls.objects.values_list("pk", "figures")))
        return cls(
            start=start,
            end=end,
            version=latest.version + 1 if latest else 1,
            figures=figures,
            linked_suppressions=withheld,
        )

    @classmethod
    def publish(cls, start, end, *, by, reason: str = "") -> "PublishedFactsheet":
        """Freeze the period's figures, after disclosure control, as its next version.

        Refused for a period that is not whole months (see disclosure.py: fewer, coarser
        periods leave less to subtract), when nothing changed since the current version, and
        for a correction without a reason."""
        if not is_whole_months(start, end):
            raise PublishingRefused(str(WHOLE_MONTHS))
        with transaction.atomic():
            # Every published version is locked before the new one is audited against them:
            # two administrators publishing at once are audited one after the other, and get
            # versions n and n+1, not a clash (the unique constraint refuses a second version 1).
            list(cls.objects.select_for_update().values_list("pk", flat=True))
            candidate = cls.preview(start, end)
            latest = cls.objects.of_period(start, end).order_by("-version").first()
            if latest is not None:
                if latest.figures == candidate.figures:
                    raise PublishingRefused(
                        gettext("Nothing changed since version %(n)s: there is nothing to publish.")
                        % {"n": latest.version}
                    )
                if not reason.strip():
                    raise PublishingRefused(
                        gettext("Say why version %(n)s is corrected: readers see the reason.")
                        % {"n": latest.version}
                    )
            candidate.version = latest.version + 1 if latest else 1
            candidate.published_by = by
            candidate.reason = reason.strip() if latest else ""
            candidate.save()
            PeriodLock.lock(start, end, factsheet=str(candidate), by=by)
            return candidate

    def changes(self, previous: "PublishedFactsheet | None" = None) -> list[dict]:
        """What changed against the previous version, in the reader's words: figure, group,
        before, after."""
        from reports.exports import rows
        from reports.sections import figure_name, group_name

        previous = previous or self.previous()
        if previous is None:
            return []

        def keyed(figures: dict) -> dict:
            return {
                (row["indicator"], row["group"] or row["country"]): row["value"]
                for row in rows(figures)
            }

        before, after = keyed(previous.figures), keyed(self.figures)
        both = {**previous.figures, **self.figures}
        return [
            {
                "figure": figure_name(indicator),
                "group": group_name(group, both) if group else "",
                "before": before.get((indicator, group), ""),
                "after": after.get((indicator, group), ""),
            }
            for indicator, group in sorted(before.keys() | after.keys())
            if before.get((indicator, group), "") != after.get((indicator, group), "")
        ]


def withheld_in_words(version: PublishedFactsheet) -> list[str]:
    """The counts `version` withholds because of published versions, as staff read them."""
    from reports.sections import figure_name, group_name

    return [
        " · ".join(
            filter(None, [figure_name(w["figure"]), w["group"] and group_name(w["group"], {})])
        )
        for w in version.linked_suppressions
    ]


def is_whole_months(start: datetime.date, end: datetime.date) -> bool:
    return start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]


def warnings(start: datetime.date, end: datetime.date, figures: dict) -> list[dict]:
    """What an administrator must acknowledge before publishing the period: each a code, a
    message and, where there is one, the list of records to look at."""
    from activities.models import MigrationFlowStatistic
    from reports.sections import SECTIONS

    found = []
    seen = set()
    for section in SECTIONS.values():
        if section.model is None or (section.model, section.dates_of) in seen:
            continue
        seen.add((section.model, section.dates_of))
        pending = section.model.objects.in_period(start, end, section.dates_of).pending_review()
        if n := pending.count():
            query = {"status": "submitted", "date_from": start, "date_to": end}
            if section.dates_of:
                query["dates_of"] = section.dates_of
            found.append(
                {
                    "code": "pending",
                    "message": gettext("%(records)s of the period still waiting for review: %(n)s.")
                    % {"n": n, "records": capfirst(section.model._meta.verbose_name_plural)},
                    "url": f"{section.model.list_url()}?{urlencode(query)}",
                }
            )
    empty = [str(s.title) for key, s in SECTIONS.items() if figures.get(key) in (None, [])]
    if empty:
        found.append(
            {
                "code": "no_data",
                "message": gettext("No data for this period in: %(sections)s.")
                % {"sections": ", ".join(empty)},
            }
        )
    if end >= timezone.localdate():
        found.append(
            {
                "code": "not_ended",
                "message": gettext("The period has not ended: records may still be added to it."),
            }
        )
    last_month = end.replace(day=1)
    if not MigrationFlowStatistic.objects.approved().filter(month=last_month).exists():
        found.append(
            {
                "code": "flows_missing",
                "message": gettext(
                    "The migration flow statistic for %(month)s is not available yet."
                )
                % {"month": f"{last_month:%m/%Y}"},
                "url": reverse("activities:flow_list"),
            }
        )
    return found
