"""Every URL of the project, as every persona, with the exact expected outcome.

A new URL fails `test_every_url_has_an_expectation` until it gets its row here.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from activities.models import KoboForm
from cases.models import PersonMerge, PossibleDuplicate
from iompanama.models import Job, PendingUpload, PeriodLock, ReviewStatus
from reports.models import PublishedFactsheet
from tests.factories import (
    make_avr_case,
    make_beneficiary,
    make_donation,
    make_flow_statistic,
    make_legal_case,
    make_reach,
    make_survey_round,
    make_tally,
    make_training,
)
from tests.personas import PersonasTestCase

LOGIN = "login"  # a redirect to the sign-in page
# A KoboToolbox form's questions and choices, as read from its XLSForm.
FMS_FORM = {"questions": [], "choices": {}}
PNG = b"\x89PNG\r\n\x1a\n"
PERSONAS = ["anonymous", "field_a", "field_b", "supervisor_a", "admin", "viewer"]


def _row(method, anonymous, field_a, field_b, supervisor_a, admin, viewer, data=None):
    expected = dict(
        zip(PERSONAS, [anonymous, field_a, field_b, supervisor_a, admin, viewer], strict=True)
    )
    return {"method": method, "expected": expected, "data": data or {}}


EVERYONE = _row("get", 200, 200, 200, 200, 200, 200)
SIGNED_IN = _row("get", LOGIN, 200, 200, 200, 200, 200)
# The four pages of every kind of record: viewers never see records, field staff of Chiriquí
# don't see Darién's, and only the author (or an administrator) edits a draft.
RECORD_LIST = _row("get", LOGIN, 200, 200, 200, 200, 403)
RECORD_CREATE = _row("get", LOGIN, 200, 200, 200, 200, 403)
RECORD_DETAIL = _row("get", LOGIN, 200, 404, 200, 200, 404)
RECORD_EDIT = _row("get", LOGIN, 200, 404, 403, 200, 404)
# Imports and their templates: administrators (every site) and supervisors (their own sites).
RECORD_IMPORT = _row("get", LOGIN, 403, 403, 200, 200, 403)
# Exports of personal data: administrators only.
PERSONAL_EXPORT = _row("get", LOGIN, 403, 403, 403, 200, 403)
ADMIN_ONLY = _row(
    "get", "admin-login", "admin-login", "admin-login", "admin-login", 200, "admin-login"
)

# url name -> expectation. `draft` and `submitted` are records of Darién entered by field_a;
# record pages open the draft of their kind (`drafts`).
EXPECTATIONS = {
    "home": SIGNED_IN,
    "login": EVERYONE,
    "logout": _row("post", 302, 302, 302, 302, 302, 302),
    "password_change": SIGNED_IN,
    "password_change_done": SIGNED_IN,
    "password_reset": EVERYONE,
    "password_reset_done": EVERYONE,
    "password_reset_confirm": EVERYONE,
    "password_reset_complete": EVERYONE,
    "set_language": _row("post", 302, 302, 302, 302, 302, 302, {"language": "en"}),
    # Two-factor sign-in: supervisor_a and admin have passed it; the others have none, so the
    # second step sends them on, and only who passed it makes new recovery codes.
    "two_factor_verify": _row("get", LOGIN, 302, 302, 302, 302, 302),
    "two_factor_setup": SIGNED_IN,
    "two_factor_recovery_codes": _row("post", LOGIN, 302, 302, 200, 200, 302),
    "submit": _row("post", LOGIN, 302, 404, 403, 302, 404),
    "approve": _row("post", LOGIN, 403, 404, 302, 302, 404),
    "return": _row("post", LOGIN, 403, 404, 302, 302, 404, {"reason": "Falta la fecha"}),
    "bulk_approve": _row("post", LOGIN, 403, 403, 302, 302, 403),
    "review_queue": _row("get", LOGIN, 403, 403, 200, 200, 403),
    "cases:people_search": RECORD_LIST,
    # Possible duplicates of Darién: its supervisor and administrators decide, and review a
    # merge that another person proposed (the administrator proposed these: she is told why she
    # may not approve her own, and sent back to the queue).
    "cases:duplicate_queue": _row("get", LOGIN, 403, 403, 200, 200, 403),
    "cases:duplicate_decide": _row(
        "post", LOGIN, 403, 403, 302, 302, 403, {"decision": "different"}
    ),
    "cases:merge_approve": _row("post", LOGIN, 403, 403, 302, 302, 403),
    "cases:merge_reject": _row("post", LOGIN, 403, 403, 302, 302, 403),
    "cases:merge_undo": _row("post", LOGIN, 403, 403, 302, 302, 403),
    # Offline entry: the manifest and the service worker hold nothing personal; the people kept
    # on the device are for those who enter cases, scoped like the search.
    "manifest": EVERYONE,
    "service_worker": EVERYONE,
    "outbox": SIGNED_IN,
    "cases:people_offline": RECORD_CREATE,
    "period_locks": _row("get", LOGIN, 403, 403, 403, 200, 403),
    "unlock_period": _row("post", LOGIN, 403, 403, 403, 302, 403, {"reason": "Corrección"}),
    "relock_period": _row("post", LOGIN, 403, 403, 403, 302, 403),
    "activities:reach_list": RECORD_LIST,
    "activities:reach_create": RECORD_CREATE,
    "activities:reach_detail": RECORD_DETAIL,
    "activities:reach_edit": RECORD_EDIT,
    "activities:medical_list": RECORD_LIST,
    "activities:medical_create": RECORD_CREATE,
    "activities:medical_detail": RECORD_DETAIL,
    "activities:medical_edit": RECORD_EDIT,
    "activities:flow_list": RECORD_LIST,
    "activities:flow_create": RECORD_CREATE,
    "activities:flow_detail": RECORD_DETAIL,
    "activities:flow_edit": RECORD_EDIT,
    "activities:donation_list": RECORD_LIST,
    "activities:donation_create": RECORD_CREATE,
    "activities:donation_detail": RECORD_DETAIL,
    "activities:donation_edit": RECORD_EDIT,
    # Uploaded documents: to those who see the record.
    "activities:donation_receipt": RECORD_DETAIL,
    "activities:training_list": RECORD_LIST,
    "activities:training_create": RECORD_CREATE,
    "activities:training_detail": RECORD_DETAIL,
    "activities:training_edit": RECORD_EDIT,
    "activities:training_sheet": RECORD_DETAIL,
    "activities:survey_list": RECORD_LIST,
    "activities:survey_create": RECORD_CREATE,
    "activities:survey_detail": RECORD_DETAIL,
    "activities:survey_edit": RECORD_EDIT,
    # Beneficiaries: any staff of the person's site may correct them; viewers see no person.
    "cases:beneficiary_list": RECORD_LIST,
    "cases:beneficiary_create": RECORD_CREATE,
    "cases:beneficiary_detail": RECORD_DETAIL,
    "cases:beneficiary_edit": _row("get", LOGIN, 200, 404, 200, 200, 404),
    "cases:legal_list": RECORD_LIST,
    "cases:legal_create": RECORD_CREATE,
    "cases:legal_detail": RECORD_DETAIL,
    "cases:legal_edit": RECORD_EDIT,
    "cases:avr_list": RECORD_LIST,
    "cases:avr_create": RECORD_CREATE,
    "cases:avr_detail": RECORD_DETAIL,
    "cases:avr_edit": RECORD_EDIT,
    # Figures with their records: supervisors and administrators; publishing: administrators.
    # Figures: of their own sites for field staff and supervisors, of all for administrators.
    "reports:figures": _row("get", LOGIN, 200, 200, 200, 200, 403),
    # Publishing: a preview (page and PDF) first, for administrators.
    **{
        name: _row(
            "get", LOGIN, 403, 403, 403, 200, 403, {"start": "2023-07-01", "end": "2023-09-30"}
        )
        for name in ("reports:preview", "reports:preview_pdf")
    },
    "reports:publish": _row(
        "post", LOGIN, 403, 403, 403, 302, 403, {"start": "2023-07-01", "end": "2023-09-30"}
    ),
    # Published factsheets are public.
    "reports:factsheet_list": EVERYONE,
    "reports:factsheet": EVERYONE,
    "reports:factsheet_json": EVERYONE,
    "reports:factsheet_csv": EVERYONE,
    "reports:factsheet_hxl": EVERYONE,
    "reports:factsheet_pdf": EVERYONE,
    # The quarter's exact figures by month: administrators.
    "reports:workbook": _row("get", LOGIN, 403, 403, 403, 200, 403),
    # Files (issue 6): exports of what the list shows; imports of the record types that have one.
    **{
        f"activities:{kind}_export": RECORD_LIST
        for kind in ("reach", "medical", "flow", "donation", "training", "survey")
    },
    **{
        f"activities:{kind}_{page}": RECORD_IMPORT
        for kind in ("reach", "medical", "flow", "donation", "training")
        for page in ("import", "import_template")
    },
    # Beneficiaries are imported like records, though they are not reviewed.
    **{
        f"cases:{kind}_{page}": RECORD_IMPORT
        for kind in ("beneficiary", "legal", "avr")
        for page in ("import", "import_template")
    },
    # Respondents go into a round its author (or an administrator) may edit.
    "activities:survey_respondents_import": RECORD_EDIT,
    # KoboToolbox forms (a form of Darién): imported by who imports rounds there, mapped by
    # administrators; the others have no use for a form (404).
    "activities:kobo_forms": RECORD_IMPORT,
    "activities:kobo_form": _row("get", LOGIN, 404, 404, 403, 200, 404),
    "activities:kobo_import": _row("get", LOGIN, 404, 404, 200, 200, 404),
    # A background export's page and file: its owner's (field_a's) alone.
    "job": _row("get", LOGIN, 200, 404, 404, 404, 404),
    "job_download": _row("get", LOGIN, 200, 404, 404, 404, 404),
    # Confirming a checked background import: its owner alone, and only while allowed to import
    # (field_a may not import).
    "job_confirm": _row("post", LOGIN, 403, 404, 404, 404, 404),
    **{f"cases:{kind}_export": PERSONAL_EXPORT for kind in ("beneficiary", "legal", "avr")},
    # The admin is Django's; these two stand for all of its pages.
    "admin:index": ADMIN_ONLY,
    "admin:iompanama_user_changelist": _row(
        "get", LOGIN, "admin-login", "admin-login", "admin-login", 200, "admin-login"
    ),
}


def _all_url_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _all_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


class AccessTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.draft = make_reach(cls.darien, cls.field_a)
        cls.submitted = make_reach(cls.darien, cls.field_a)
        cls.submitted.submit(by=cls.field_a)
        cls.drafts = {
            "activities:reach": cls.draft,
            "activities:medical": make_tally(cls.darien_etrm, cls.field_a),
            "activities:flow": make_flow_statistic(cls.darien, cls.field_a),
            "activities:donation": make_donation(
                cls.darien, cls.field_a, receipt=SimpleUploadedFile("recibo.pdf", b"%PDF-1.4")
            ),
            "activities:training": make_training(
                cls.darien, cls.field_a, attendance_sheet=SimpleUploadedFile("hoja.png", PNG)
            ),
            "activities:survey": make_survey_round(cls.darien, cls.field_a),
            "cases:beneficiary": make_beneficiary(cls.darien, cls.field_a),
        }
        cls.drafts["job"] = Job.objects.create(
            by=cls.field_a,
            title="Export",
            expires_at=timezone.now() + datetime.timedelta(hours=1),
            file_format="csv",
            status=Job.Status.DONE,
            file=SimpleUploadedFile("export.csv", b"site\n"),
        )
        cls.drafts["job_confirm"] = Job.objects.create(
            by=cls.field_a,
            kind=Job.Kind.IMPORT_CHECK,
            title="Import",
            expires_at=timezone.now() + datetime.timedelta(hours=1),
            resource="activities.resources.ReachResource",
            status=Job.Status.DONE,
            report={"created": 1, "updated": 0, "errors": [], "warnings": [], "failing_rows": []},
            upload=PendingUpload.keep(cls.field_a, "import.csv", b"site\n"),
        )
        cls.drafts |= {
            "cases:legal": make_legal_case(cls.drafts["cases:beneficiary"], cls.field_a),
            "cases:avr": make_avr_case(cls.drafts["cases:beneficiary"], cls.field_a),
        }
        cls.pair = cls._pair_of_darien()
        cls.proposed, cls.in_force = [
            PersonMerge.propose(pair, kept=pair.first, by=cls.admin)
            for pair in (cls._pair_of_darien("Rosa Gil"), cls._pair_of_darien("Luz Paz"))
        ]
        cls.in_force.approve(by=cls.supervisor_a)
        # A period before the records', so that its lock leaves them as they are.
        cls.factsheet = PublishedFactsheet.publish(
            datetime.date(2023, 4, 1), datetime.date(2023, 6, 30), by=cls.admin
        )
        cls.lock = PeriodLock.objects.get()
        cls.kobo_form = KoboForm.objects.create(name="FMS", site=cls.darien, form=FMS_FORM)

    @classmethod
    def _pair_of_darien(cls, name: str = "") -> PossibleDuplicate:
        """Two records of one person, at the sub-office and at the reception station."""
        given, _space, family = name.partition(" ")
        names = {"given_names": given, "family_names": family} if name else {}
        make_beneficiary(cls.darien, cls.field_a, **names)
        make_beneficiary(cls.darien_etrm, cls.field_a, **names)
        return PossibleDuplicate.objects.order_by("-pk").first()

    def _url(self, name: str) -> str:
        prefix, _sep, page = name.rpartition("_")
        if name in ("job", "job_download"):
            return reverse(name, kwargs={"pk": self.drafts["job"].pk})
        if name == "job_confirm":
            return reverse(name, kwargs={"pk": self.drafts[name].pk})
        if page in ("detail", "edit", "receipt", "sheet"):
            return reverse(name, kwargs={"pk": self.drafts[prefix].pk})
        if name in ("activities:kobo_form", "activities:kobo_import"):
            return reverse(name, kwargs={"pk": self.kobo_form.pk})
        if name == "activities:survey_respondents_import":
            return reverse(name, kwargs={"pk": self.drafts["activities:survey"].pk})
        if page == "export":
            return reverse(name, kwargs={"file_format": "csv"})
        kind = "activities.communicationreach"
        args = {
            "password_reset_confirm": {"uidb64": "MQ", "token": "not-a-token"},
            "submit": {"kind": kind, "pk": self.draft.pk},
            "approve": {"kind": kind, "pk": self.submitted.pk},
            "return": {"kind": kind, "pk": self.submitted.pk},
            **{
                f"reports:factsheet{suffix}": {"pk": self.factsheet.pk}
                for suffix in ("", "_json", "_csv", "_hxl", "_pdf")
            },
            "reports:workbook": {"year": 2023, "quarter": 3},
            "unlock_period": {"pk": self.lock.pk},
            "cases:duplicate_decide": {"pk": self.pair.pk},
            "cases:merge_approve": {"pk": self.proposed.pk},
            "cases:merge_reject": {"pk": self.proposed.pk},
            "cases:merge_undo": {"pk": self.in_force.pk},
            "relock_period": {"pk": self.lock.pk},
        }
        return reverse(name, kwargs=args.get(name))

    def test_every_url_has_an_expectation(self) -> None:
        names = {name for name in _all_url_names(get_resolver()) if not name.startswith("admin:")}
        missing = names - EXPECTATIONS.keys()
        self.assertFalse(missing, f"URLs without an access expectation: {sorted(missing)}")

    def test_every_url_answers_each_persona_as_expected(self) -> None:
        for name, row in EXPECTATIONS.items():
            url = self._url(name)
            for persona, expected in row["expected"].items():
                with self.subTest(url=name, persona=persona):
                    self.client.logout()
                    if persona != "anonymous":
                        self.client.force_login(getattr(self, persona))
                    with transaction.atomic():
                        if name == "bulk_approve":
                            row["data"]["records"] = (
                                f"activities.communicationreach:{self.submitted.pk}"
                            )
                        response = getattr(self.client, row["method"])(url, row["data"])
                        transaction.set_rollback(True)
                    self._assert_outcome(response, expected)

    def _assert_outcome(self, response, expected) -> None:
        if expected == LOGIN:
            self.assertEqual(response.status_code, 302)
            self.assertTrue(response["Location"].startswith(reverse("login")), response["Location"])
        elif expected == "admin-login":
            self.assertEqual(response.status_code, 302)
            self.assertTrue(response["Location"].startswith(reverse("admin:login")))
        else:
            self.assertEqual(response.status_code, expected)

    def test_refused_records_are_left_untouched(self) -> None:
        self.client.force_login(self.field_b)
        self.client.post(reverse("submit", args=["activities.communicationreach", self.draft.pk]))
        self.client.force_login(self.field_a)
        self.client.post(
            reverse("approve", args=["activities.communicationreach", self.submitted.pk])
        )
        self.draft.refresh_from_db()
        self.submitted.refresh_from_db()
        self.assertEqual(self.draft.status, ReviewStatus.DRAFT)
        self.assertEqual(self.submitted.status, ReviewStatus.SUBMITTED)

    def test_an_unknown_kind_of_record_is_not_found(self) -> None:
        self.client.force_login(self.admin)
        response = self.client.post(reverse("submit", args=["iompanama.user", self.admin.pk]))
        self.assertEqual(response.status_code, 404)
