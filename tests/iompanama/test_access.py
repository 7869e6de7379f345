"""Every URL of the project, as every persona, with the exact expected outcome.

A new URL fails `test_every_url_has_an_expectation` until it gets its row here.
"""

from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from iompanama.models import ReviewStatus
from tests.factories import make_reach
from tests.personas import PersonasTestCase

LOGIN = "login"  # a redirect to the sign-in page
PERSONAS = ["anonymous", "field_a", "field_b", "supervisor_a", "admin", "viewer"]


def _row(method, anonymous, field_a, field_b, supervisor_a, admin, viewer, data=None):
    expected = dict(
        zip(PERSONAS, [anonymous, field_a, field_b, supervisor_a, admin, viewer], strict=True)
    )
    return {"method": method, "expected": expected, "data": data or {}}


EVERYONE = _row("get", 200, 200, 200, 200, 200, 200)
SIGNED_IN = _row("get", LOGIN, 200, 200, 200, 200, 200)
ADMIN_ONLY = _row(
    "get", "admin-login", "admin-login", "admin-login", "admin-login", 200, "admin-login"
)

# url name -> (how to build its arguments, expectation). `draft` and `submitted` are records of
# Darién entered by field_a.
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
    "submit": _row("post", LOGIN, 302, 404, 403, 302, 404),
    "approve": _row("post", LOGIN, 403, 404, 302, 302, 404),
    "return": _row("post", LOGIN, 403, 404, 302, 302, 404, {"reason": "Falta la fecha"}),
    "bulk_approve": _row("post", LOGIN, 403, 403, 302, 302, 403),
    "activities:reach_list": _row("get", LOGIN, 200, 200, 200, 200, 403),
    "activities:reach_create": _row("get", LOGIN, 200, 200, 200, 200, 403),
    "activities:reach_detail": _row("get", LOGIN, 200, 404, 200, 200, 404),
    "activities:reach_edit": _row("get", LOGIN, 200, 404, 403, 200, 404),
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

    def _url(self, name: str) -> str:
        kind = "activities.communicationreach"
        args = {
            "password_reset_confirm": {"uidb64": "MQ", "token": "not-a-token"},
            "submit": {"kind": kind, "pk": self.draft.pk},
            "approve": {"kind": kind, "pk": self.submitted.pk},
            "return": {"kind": kind, "pk": self.submitted.pk},
            "activities:reach_detail": {"pk": self.draft.pk},
            "activities:reach_edit": {"pk": self.draft.pk},
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
