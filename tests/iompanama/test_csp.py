"""Content-Security-Policy on every page, and no inline script or style for it to allow."""

import datetime
import re
from html.parser import HTMLParser

from django.conf import settings
from django.test import SimpleTestCase
from django.urls import reverse

from reports.models import PublishedFactsheet
from tests.factories import make_training

# The module, not its class: a class imported by name would have its own tests run here again.
from tests.iompanama import test_access

JANUARY = datetime.date(2024, 1, 1)  # a month no other factsheet of these tests publishes

# Rendered to PDF by WeasyPrint on the server, never served to a browser.
NOT_SERVED = {"reports/templates/reports/factsheet_pdf.html"}
INLINE = re.compile(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=", re.IGNORECASE)


class InlineCode(HTMLParser):
    """Collects what a strict policy would block: scripts without a source (not JSON data),
    styles without the page's nonce, style attributes and event handler attributes."""

    def __init__(self, nonce: str) -> None:
        super().__init__()
        self.nonce = nonce
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        # A JSON data block (json_script) is read, never run: the policy does not apply to it.
        data = attributes.get("type") == "application/json"
        if tag == "script" and "src" not in attributes and not data:
            self.found.append("<script> without src")
        if tag == "style" and (not self.nonce or attributes.get("nonce") != self.nonce):
            self.found.append("<style> without the nonce")
        for name in attributes:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")


class ContentSecurityPolicyTest(test_access.AccessTest):
    """Every page of the access test, with its records, as a persona who may see it."""

    # The access rules themselves are checked once, in test_access.
    test_every_url_has_an_expectation = None
    test_every_url_answers_each_persona_as_expected = None
    test_refused_records_are_left_untouched = None
    test_an_unknown_kind_of_record_is_not_found = None

    def assert_protected(self, response, label: str) -> None:
        policy = response.get("Content-Security-Policy", "")
        self.assertIn("script-src 'self'", policy, label)
        self.assertNotIn("unsafe-inline", policy, label)
        if response.get("Content-Type", "").startswith("text/html"):
            nonce = getattr(response.wsgi_request, "_csp_nonce", "")
            parser = InlineCode(nonce)
            parser.feed(response.content.decode())
            self.assertEqual(parser.found, [], label)

    def test_every_page_has_the_policy_and_nothing_inline(self) -> None:
        for name, row in test_access.EXPECTATIONS.items():
            persona = next((p for p, code in row["expected"].items() if code == 200), None)
            if row["method"] != "get" or persona is None:
                continue
            with self.subTest(url=name, persona=persona):
                self.client.logout()
                if persona != "anonymous":
                    self.client.force_login(getattr(self, persona))
                response = self.client.get(self._url(name), row["data"])
                self.assertEqual(response.status_code, 200)
                self.assert_protected(response, name)

    def test_error_pages_and_the_admin_have_the_policy_too(self) -> None:
        self.client.force_login(self.field_a)
        pages = {
            "not found": self.client.get("/no-such-page/"),
            "not allowed": self.client.post(
                reverse("approve", args=["activities.communicationreach", self.submitted.pk])
            ),
            "bad host": self.client.get(reverse("home"), headers={"host": "evil.example"}),
        }
        self.client.force_login(self.admin)
        pages |= {
            "admin index": self.client.get(reverse("admin:index")),
            "admin list": self.client.get(reverse("admin:iompanama_user_changelist")),
            "admin change": self.client.get(
                reverse("admin:iompanama_user_change", args=[self.field_a.pk])
            ),
        }
        for label, response in pages.items():
            with self.subTest(page=label):
                self.assert_protected(response, label)

    def test_charts_carry_the_nonce_of_their_page(self) -> None:
        training = make_training(self.darien, self.field_a, start_date=JANUARY, end_date=JANUARY)
        training.submit(by=self.field_a)
        training.approve(by=self.supervisor_a)
        january = PublishedFactsheet.publish(JANUARY, JANUARY.replace(day=31), by=self.admin)
        response = self.client.get(reverse("reports:factsheet", args=[january.pk]))
        nonce = response.wsgi_request._csp_nonce
        self.assertIn(f"'nonce-{nonce}'", response["Content-Security-Policy"])
        self.assertContains(response, f'<style nonce="{nonce}"')


class TemplateTest(SimpleTestCase):
    def test_no_template_has_inline_script_or_style(self) -> None:
        found = []
        for path in sorted(settings.BASE_DIR.glob("**/templates/**/*.html")):
            relative = path.relative_to(settings.BASE_DIR).as_posix()
            if relative.startswith(".venv/") or relative in NOT_SERVED:
                continue
            found += [f"{relative}: {m.group(0)}" for m in INLINE.finditer(path.read_text())]
        self.assertEqual(found, [])
