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

from activities.models import (
    CommunicationReach,
    Donation,
    MedicalAttentionTally,
    MigrationFlowStatistic,
    SurveyRound,
    TrainingSession,
)
from cases.models import AVRCase, LegalOrientationCase
from iompanama.validators import EARLIEST_DATE, LATEST_DATE
from reports import charts, figures
from reports.exports import to_csv, workbook
from reports.figures import Period
from reports.forms import PeriodForm
from reports.models import PublishedFactsheet

# The records behind each section of the factsheet, for drill-down and pending counts, with the
# date the section counts them by when it is not the record's own (see figures.py).
RECORDS_BEHIND = {
    "legal_orientation": (LegalOrientationCase, "sessions__date"),
    "workshops_migrants": (TrainingSession, ""),
    "avr": (AVRCase, "departure_date"),
    "migration_flows": (MigrationFlowStatistic, ""),
    "donations": (Donation, ""),
    "medical_attention": (MedicalAttentionTally, ""),
    "flow_survey": (SurveyRound, ""),
    "workshops_partners": (TrainingSession, ""),
    "communications": (CommunicationReach, ""),
    "donors": (Donation, ""),
}


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
    """Exact figures of any period for supervisors and administrators, each with a link to the
    approved records behind it and how many of its records still wait for review."""
    _require(request.user, "reports.view_figures")
    form, period = _chosen_period(request)
    sections = []
    for key, (model, dates_of) in RECORDS_BEHIND.items():
        visible = model.objects.for_user(request.user).in_period(period.start, period.end, dates_of)
        sections.append(
            {
                "key": key,
                "records": model._meta.verbose_name_plural,
                "approved_url": _list_url(model, "approved", period, dates_of),
                "pending_url": _list_url(model, "submitted", period, dates_of),
                "pending": visible.pending_review().count(),
            }
        )
    data = figures.factsheet(period)
    today = timezone.localdate()
    quarter = Period.quarter_of(today)
    ctx = {
        "form": form,
        "period": period,
        "figures": data,
        "sections": {section["key"]: section for section in sections},
        "charts": charts.all_charts(data),
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
    }
    return render(request, "reports/figures.html", ctx)


def _list_url(model, status: str, period: Period, dates_of: str) -> str:
    """The record list, filtered to the records of `status` dated in the period."""
    query = {"status": status, "date_from": period.start, "date_to": period.end}
    if dates_of:
        query["dates_of"] = dates_of
    return f"{model.list_url()}?{urlencode(query)}"


@require_POST
def publish(request: HttpRequest) -> HttpResponse:
    _require(request.user, "reports.publish_factsheet")
    form = PeriodForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid period to publish."))
        return redirect("reports:figures")
    version = PublishedFactsheet.publish(
        form.cleaned_data["start"], form.cleaned_data["end"], by=request.user
    )
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
    extra = {"changes": version.changes(), "previous": version.previous()}
    return _render_factsheet(request, version, "reports/factsheet.html", extra)


def _render_factsheet(
    request: HttpRequest, version: PublishedFactsheet, template: str, extra: dict | None = None
) -> HttpResponse:
    """The page or print version in the language asked for (`?lang=es|en`), else the
    visitor's: charts are drawn in that language too."""
    language = request.GET.get("lang")
    with translation.override(language if language in ("es", "en") else translation.get_language()):
        ctx = {
            "version": version,
            "figures": version.figures,
            "charts": charts.all_charts(version.figures),
            **(extra or {}),
        }
        return render(request, template, ctx)


@login_not_required
def factsheet_json(request: HttpRequest, pk: int) -> JsonResponse:
    version = _published(pk)
    return JsonResponse(
        {
            "version": version.version,
            "published_at": version.published_at.isoformat(),
            "url": request.build_absolute_uri(reverse("reports:factsheet", args=[pk])),
            "figures": version.figures,
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _csv_response(version: PublishedFactsheet, hxl: bool) -> HttpResponse:
    suffix = "-hxl" if hxl else ""
    name = f"factsheet-{version.start}-{version.end}-v{version.version}{suffix}.csv"
    response = HttpResponse(to_csv(version.figures, hxl=hxl), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_not_required
def factsheet_csv(request: HttpRequest, pk: int) -> HttpResponse:
    return _csv_response(_published(pk), hxl=False)


@login_not_required
def factsheet_hxl(request: HttpRequest, pk: int) -> HttpResponse:
    return _csv_response(_published(pk), hxl=True)


@login_not_required
def factsheet_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The published version as an A4 PDF, with the same charts (`?lang=es|en`)."""
    import weasyprint  # loaded when asked for: it needs the system's pango libraries

    version = _published(pk)
    html = _render_factsheet(request, version, "reports/factsheet_pdf.html").content.decode()
    pdf = weasyprint.HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"factsheet-{version.start}-{version.end}-v{version.version}.pdf"
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
