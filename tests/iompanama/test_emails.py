"""Review emails carry no personal data and never fail on what people typed."""

from django.core import mail
from django.urls import reverse

from tests.factories import make_beneficiary, make_legal_case
from tests.personas import PersonasTestCase


class ReviewEmailTest(PersonasTestCase):
    def setUp(self) -> None:
        # A person's name with a carriage return, as a form or an import can bring it.
        self.person = make_beneficiary(
            self.darien, self.field_a, given_names="María\rJosé", family_names="Pérez\nGómez"
        )
        self.case = make_legal_case(self.person, self.field_a)

    def test_approving_a_record_whose_text_holds_a_line_break_does_not_fail(self) -> None:
        self.case.submit(by=self.field_a)
        self.login(self.supervisor_a)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("approve", args=[self.case._meta.label_lower, self.case.pk])
            )
        self.assertRedirects(response, self.case.get_absolute_url(), fetch_redirect_response=False)
        subject = mail.outbox[-1].subject
        self.assertNotIn("\r", subject)
        self.assertNotIn("\n", subject)

    def test_no_email_names_the_beneficiary(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.case.submit(by=self.field_a)
        with self.captureOnCommitCallbacks(execute=True):
            self.case.return_to_author(by=self.supervisor_a, reason="Falta la fecha")
        with self.captureOnCommitCallbacks(execute=True):
            self.case.submit(by=self.field_a)
        with self.captureOnCommitCallbacks(execute=True):
            self.case.approve(by=self.supervisor_a)
        self.assertEqual(len(mail.outbox), 4)
        for message in mail.outbox:
            for part in ("María", "José", "Pérez", "Gómez"):
                self.assertNotIn(part, message.subject)
                self.assertNotIn(part, message.body)

    def test_an_email_says_the_kind_of_record_its_site_and_links_to_it(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.case.submit(by=self.field_a)
        message = mail.outbox[-1]
        self.assertIn("orientación legal", message.subject)
        self.assertIn(self.darien.name, message.subject)
        self.assertIn(self.case.get_absolute_url(), message.body)
