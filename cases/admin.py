from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import AVRCase, Beneficiary, Erasure, LegalOrientationCase
from iompanama.admin import LogAdmin, ReadOnlyRecordAdmin

# No import or export here: personal data leave the system only through the app's export
# pages, which log every export.


class ErasureForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The request: who asked, when and how, as it will be kept."),
    )


@admin.register(Beneficiary)
class BeneficiaryAdmin(ReadOnlyRecordAdmin):
    """People are registered through the app's form, which checks for duplicates."""

    list_display = ["family_names", "given_names", "nationality", "site", "anonymised_at"]
    list_filter = ["site", "nationality"]
    change_form_template = "admin/cases/beneficiary/change_form.html"

    def get_urls(self) -> list:
        erase = path(
            "<int:pk>/erase/",
            self.admin_site.admin_view(self.erase_view),
            name="cases_beneficiary_erase",
        )
        return [erase, *super().get_urls()]

    def erase_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The right to erasure: the person's data anonymised on their request, with the
        reason kept. Their figures stay as they were."""
        person = self.get_object(request, str(pk))
        if person is None:
            raise Http404
        if person.anonymised_at:
            messages.info(request, _("This person's data are already anonymised."))
            return redirect("admin:cases_beneficiary_change", pk)
        form = ErasureForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            person.anonymise(by=request.user, reason=form.cleaned_data["reason"], on_request=True)
            messages.success(request, _("The person's data are erased; the figures are unchanged."))
            return redirect("admin:cases_beneficiary_change", pk)
        ctx = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Erase a person's data"),
            "person": person,
            "form": form,
        }
        return TemplateResponse(request, "admin/cases/beneficiary/erase.html", ctx)


@admin.register(Erasure)
class ErasureAdmin(LogAdmin):
    list_display = ["at", "person", "on_request", "by", "reason"]
    list_filter = ["on_request"]
    search_fields = ["=person__pk", "by__username", "reason"]
    list_select_related = ["person", "by"]


@admin.register(LegalOrientationCase)
class LegalOrientationCaseAdmin(ReadOnlyRecordAdmin):
    list_display = ["opened_on", "beneficiary", "site", "is_closed", "status"]
    list_filter = ["status", "site", "is_closed"]
    date_hierarchy = "opened_on"


@admin.register(AVRCase)
class AVRCaseAdmin(ReadOnlyRecordAdmin):
    list_display = ["orientation_date", "principal", "return_country", "site", "status"]
    list_filter = ["status", "site"]
    date_hierarchy = "orientation_date"
