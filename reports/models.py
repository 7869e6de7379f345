"""The mission profile that administrators keep, and the factsheets published as frozen versions."""

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from iompanama.models import PeriodLock


class MissionProfileQuerySet(models.QuerySet):
    def valid_on(self, day) -> "MissionProfile | None":
        """The profile in force on `day`: the latest one valid from that day or before."""
        return self.filter(valid_from__lte=day).order_by("-valid_from").first()


class MissionProfile(models.Model):
    """The mission as the factsheet presents it (staff, offices, regions...), from a date on."""

    valid_from = models.DateField(_("valid from"), unique=True)
    staff_national = models.PositiveIntegerField(_("national staff"))
    staff_international = models.PositiveIntegerField(_("international staff"))
    offices = models.PositiveIntegerField(_("offices"))
    regions = models.PositiveIntegerField(_("regions"))
    sites = models.PositiveIntegerField(_("sites"))
    areas_of_work = models.PositiveIntegerField(_("areas of work"), default=7)

    objects = MissionProfileQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("mission profile")
        verbose_name_plural = _("mission profiles")

    def __str__(self) -> str:
        return str(_("Mission profile from %(date)s") % {"date": self.valid_from})


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

    def previous(self) -> "PublishedFactsheet | None":
        return (
            PublishedFactsheet.objects.of_period(self.start, self.end)
            .filter(version__lt=self.version)
            .order_by("-version")
            .first()
        )

    @classmethod
    def publish(cls, start, end, *, by) -> "PublishedFactsheet":
        """Freeze the period's figures, after disclosure control, as its next version."""
        from reports.disclosure import publishable
        from reports.figures import Period, factsheet

        figures = publishable(factsheet(Period(start, end)))
        with transaction.atomic():
            # Two administrators publishing at once get versions n and n+1, not a clash.
            # (the unique constraint refuses a second version 1).
            versions = cls.objects.select_for_update().of_period(start, end)
            latest = max(versions.values_list("version", flat=True), default=0)
            published = cls.objects.create(
                start=start, end=end, version=latest + 1, figures=figures, published_by=by
            )
            PeriodLock.lock(start, end, factsheet=str(published), by=by)
            return published

    def changes(self) -> list[dict]:
        """What changed against the previous version: indicator, group, country, before, after."""
        from reports.exports import rows

        previous = self.previous()
        if previous is None:
            return []

        def keyed(figures: dict) -> dict:
            return {
                (row["indicator"], row["group"], row["country"]): row["value"]
                for row in rows(figures)
            }

        before, after = keyed(previous.figures), keyed(self.figures)
        return [
            {
                "indicator": key[0],
                "group": key[1] or key[2],
                "before": before.get(key, ""),
                "after": after.get(key, ""),
            }
            for key in sorted(before.keys() | after.keys())
            if before.get(key, "") != after.get(key, "")
        ]
