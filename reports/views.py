import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iompanama.models import PeriodLock
from iompanama.validators import EARLIEST_DATE, LATEST_DATE
from reports import figures
from reports.exports import to_csv, workbook
from reports.figures import Period
from reports.forms import PeriodForm, PublishForm
from reports.models import (
    WHOLE_MONTHS,
    PublishedFactsheet,
    PublishingRefused,
    is_whole_months,
    warnings,
    withheld_in_words,
)
from reports.sections import SECTIONS, layout


def _require(user, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied


def _chosen_period(request: HttpRequest) -> tuple[PeriodForm, Period]:
    """The period asked for, or the current quarter so far."""
    today = timezone.localdate()
    quarter = Period.quarter_of(today)
    form = PeriodForm(request.GET or {"start": quarter.start, "end": today})
    if form.is_valid():
        return form, Period(form.cleaned_data["start"], form.cleaned_data["end"])
    return form, Period(quarter.start, today)


def figures_page(request: HttpRequest) -> HttpResponse:
    """Exact figures of any period, each with a link to the approved records behind it and how
    many of its records still wait for review: of every site for administrators, of their own
    sites for supervisors and field staff, so that a figure always equals its list."""
    _require(request.user, "reports.view_figures")
    form, period = _chosen_period(request)
    data = figures.factsheet(period, request.user)
    sections = []
    for key, section in SECTIONS.items():
        if section.model is None:
            continue
        model, dates_of = section.model, section.dates_of
        listed = period
        if section.records_period and data[key]:
            listed = section.records_period(data[key], period)
        visible = model.objects.for_user(request.user).in_period(listed.start, listed.end, dates_of)
        if section.counts_only:
            visible = getattr(visible, section.counts_only)()
        extra = dict(section.records_filter)
        sections.append(
            {
                "key": key,
                "records": model._meta.verbose_name_plural,
                "approved_url": _list_url(model, "approved", listed, dates_of, extra),
                "pending_url": _list_url(model, "submitted", listed, dates_of, extra),
                "pending": visible.pending_review().count(),
            }
        )
    today = timezone.localdate()
    quarter = Period.quarter_of(today)
    ctx = {
        "form": form,
        "period": period,
        "figures": data,
        "sections": {section["key"]: section for section in sections},
        "layout": layout(data, {section["key"]: section for section in sections}),
        "presets": [
            (_("This quarter so far"), Period(quarter.start, today)),
            (_("Previous quarter"), Period.quarter_of(quarter.start - datetime.timedelta(days=1))),
            (_("This year so far"), Period(Period.year(today.year).start, today)),
            (_("Last year"), Period.year(today.year - 1)),
        ],
        "may_publish": request.user.has_perm("reports.publish_factsheet"),
        "workbook_url": reverse(
            "reports:workbook", args=[period.start.year, (period.start.month - 1) // 3 + 1]
        ),
        "published": PublishedFactsheet.objects.of_period(period.start, period.end),
        "locks": PeriodLock.objects.filter(
            start__lte=period.end, end__gte=period.start
        ).select_related("locked_by", "unlocked_by"),
    }
    return render(request, "reports/figures.html", ctx)


def _list_url(model, status: str, period: Period, dates_of: str, extra: dict) -> str:
    """The record list, filtered to the records of `status` dated in the period (and to the
    section's own filters)."""
    query = {"status": status, "date_from": period.start, "date_to": period.end, **extra}
    if dates_of:
        query["dates_of"] = dates_of
    return f"{model.list_url()}?{urlencode(query)}"


def preview(request: HttpRequest) -> HttpResponse:
    """The version that publishing would make, as the public will see it, with the warnings
    to acknowledge and, for a correction, its changes and the reason to give."""
    _require(request.user, "reports.publish_factsheet")
    form = PeriodForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose a valid period to publish."))
        return redirect("reports:figures")
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    if not is_whole_months(start, end):
        messages.error(request, WHOLE_MONTHS)
        return redirect(f"{reverse('reports:figures')}?{urlencode({'start': start, 'end': end})}")
    version = PublishedFactsheet.preview(start, end)
    current = PublishedFactsheet.objects.of_period(start, end).order_by("-version").first()
    with translation.override(_language(request)):
        extra = {
            "warnings": warnings(start, end, version.figures),
            "withheld": withheld_in_words(version),
            "current": current,
            "unchanged": current is not None and current.figures == version.figures,
            "changes": version.changes(previous=current) if current else [],
            "form": PublishForm(initial={"start": start, "end": end}),
            "query": urlencode({"start": start, "end": end}),
        }
        return _render_factsheet(request, version, "reports/preview.html", extra)


def preview_pdf(request: HttpRequest) -> HttpResponse:
    """The PDF that publishing would make."""
    _require(request.user, "reports.publish_factsheet")
    form = PeriodForm(request.GET)
    if not form.is_valid():
        raise Http404
    version = PublishedFactsheet.preview(form.cleaned_data["start"], form.cleaned_data["end"])
    return _pdf_response(request, version, f"preview-{version.start}-{version.end}.pdf")


@require_POST
def publish(request: HttpRequest) -> HttpResponse:
    """Publishes a previewed period once every warning shown is acknowledged."""
    _require(request.user, "reports.publish_factsheet")
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid period to publish."))
        return redirect("reports:figures")
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    preview_url = f"{reverse('reports:preview')}?{urlencode({'start': start, 'end': end})}"
    # The warnings are computed again: one that appeared since the preview was not read.
    candidate = PublishedFactsheet.preview(start, end)
    codes = {warning["code"] for warning in warnings(start, end, candidate.figures)}
    if codes - set(form.cleaned_data["acknowledged"]):
        messages.error(request, _("Read and acknowledge every warning before publishing."))
        return redirect(preview_url)
    try:
        version = PublishedFactsheet.publish(
            start, end, by=request.user, reason=form.cleaned_data["reason"]
        )
    except PublishingRefused as refused:
        messages.error(request, str(refused))
        return redirect(preview_url)
    messages.success(
        request, _("The factsheet is published as version %(n)s.") % {"n": version.version}
    )
    return redirect("reports:factsheet", pk=version.pk)


def _published(pk: int) -> PublishedFactsheet:
    # Published versions are public: anyone may read any of them.
    try:
        return PublishedFactsheet.objects.select_related("published_by").get(pk=pk)
    except PublishedFactsheet.DoesNotExist:
        raise Http404 from None


@login_not_required
def factsheet_list(request: HttpRequest) -> HttpResponse:
    ctx = {
        "factsheets": PublishedFactsheet.objects.all(),
        "current": set(PublishedFactsheet.objects.latest_versions().values_list("pk", flat=True)),
    }
    return render(request, "reports/factsheet_list.html", ctx)


@login_not_required
def factsheet(request: HttpRequest, pk: int) -> HttpResponse:
    """A published version, in Spanish or English (`?lang=`, else the visitor's language)."""
    version = _published(pk)
    with translation.override(_language(request)):
        extra = {
            "changes": version.changes(),
            "previous": version.previous(),
            "superseded_by": version.next_version(),
        }
        return _render_factsheet(request, version, "reports/factsheet.html", extra)


def _language(request: HttpRequest) -> str:
    """The language asked for (`?lang=es|en`), else the visitor's."""
    language = request.GET.get("lang")
    return language if language in ("es", "en") else translation.get_language()


def _render_factsheet(
    request: HttpRequest, version: PublishedFactsheet, template: str, extra: dict | None = None
) -> HttpResponse:
    """The page or print version of `version`, called in the page's language (`_language`) so
    that its charts and the words of `extra` are in it too."""
    ctx = {
        "version": version,
        "figures": version.figures,
        "layout": layout(version.figures),
        **(extra or {}),
    }
    return render(request, template, ctx)


def _superseded(request: HttpRequest, version: PublishedFactsheet) -> dict | None:
    """When, by which version and why `version` was superseded; None while it is current."""
    newer = version.next_version()
    if newer is None:
        return None
    return {
        "by_version": newer.version,
        "at": newer.published_at.isoformat(),
        "reason": newer.reason,
        "url": request.build_absolute_uri(reverse("reports:factsheet", args=[newer.pk])),
    }


@login_not_required
def factsheet_json(request: HttpRequest, pk: int) -> JsonResponse:
    version = _published(pk)
    return JsonResponse(
        {
            "version": version.version,
            "published_at": version.published_at.isoformat(),
            "url": request.build_absolute_uri(reverse("reports:factsheet", args=[pk])),
            "correction_reason": version.reason,
            "superseded": _superseded(request, version),
            "figures": version.figures,
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _csv_response(request: HttpRequest, version: PublishedFactsheet, hxl: bool) -> HttpResponse:
    suffix = "-hxl" if hxl else ""
    name = f"factsheet-{version.start}-{version.end}-v{version.version}{suffix}.csv"
    content = to_csv(version.figures, hxl=hxl, superseded=_superseded(request, version))
    response = HttpResponse(content, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_not_required
def factsheet_csv(request: HttpRequest, pk: int) -> HttpResponse:
    return _csv_response(request, _published(pk), hxl=False)


@login_not_required
def factsheet_hxl(request: HttpRequest, pk: int) -> HttpResponse:
    return _csv_response(request, _published(pk), hxl=True)


@login_not_required
def factsheet_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The published version as an A4 PDF, with the same charts (`?lang=es|en`)."""
    version = _published(pk)
    name = f"factsheet-{version.start}-{version.end}-v{version.version}.pdf"
    return _pdf_response(request, version, name, {"superseded_by": version.next_version()})


def _pdf_response(
    request: HttpRequest, version: PublishedFactsheet, name: str, extra: dict | None = None
) -> HttpResponse:
    import weasyprint  # loaded when asked for: it needs the system's pango libraries

    with translation.override(_language(request)):
        page = _render_factsheet(request, version, "reports/factsheet_pdf.html", extra)
    html = page.content.decode()
    pdf = weasyprint.HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def quarter_workbook(request: HttpRequest, year: int, quarter: int) -> HttpResponse:
    """The exact figures of a quarter by month, for administrators."""
    _require(request.user, "reports.publish_factsheet")
    if not 1 <= quarter <= 4 or not EARLIEST_DATE.year <= year <= LATEST_DATE.year:
        raise Http404
    content = workbook(Period.quarter(year, quarter))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="figures-{year}-q{quarter}.xlsx"'
    return response
