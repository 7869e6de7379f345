import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from activities.models import Donation, DonationItem, Donor, ItemCategory
from tests.activities.english import EnglishTestCase
from tests.factories import make_donation
from tests.records import (
    assert_each_refused_on_its_field,
    assert_hidden_from,
    assert_list_queries_do_not_grow,
    formset_data,
)

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


def _rows(*rows: dict, initial: int = 0) -> dict[str, str]:
    return formset_data("items", *rows, initial=initial)


class DonationTestCase(EnglishTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.donor = Donor.objects.create(name="USAID", kind=Donor.Kind.DIRECT)
        cls.meals = ItemCategory.objects.get(code="meals")

    def _item(self, **changes) -> dict[str, str]:
        return {
            "category": str(self.meals.pk),
            "description": "Almuerzos calientes",
            "quantity": "300",
            "unit": "raciones",
        } | changes

    def _data(self, *rows: dict, **changes) -> dict:
        return {
            "site": str(self.darien.pk),
            "delivery_date": "2023-09-15",
            "recipient": "Hospital de Metetí",
            "donor": str(self.donor.pk),
            **_rows(*(rows or [self._item()])),
        } | changes

    def _post(self, *rows: dict, **changes):
        return self.client.post(reverse("activities:donation_create"), self._data(*rows, **changes))


class CreateTest(DonationTestCase):
    def test_field_staff_save_a_draft_with_its_item_lines(self) -> None:
        self.login(self.field_a)
        response = self._post(self._item(), self._item(description="Cenas", quantity="150"))
        donation = Donation.objects.get()
        self.assertRedirects(response, donation.get_absolute_url())
        self.assertEqual((donation.created_by, donation.status), (self.field_a, "draft"))
        self.assertEqual(
            [(item.description, item.quantity) for item in donation.items.all()],
            [("Almuerzos calientes", 300), ("Cenas", 150)],
        )

    def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(self) -> None:
        tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
        cases = {
            "future": (
                "delivery_date",
                {"delivery_date": tomorrow},
                "This date is in the future",
            ),
            "recipient": ("recipient", {"recipient": ""}, "This field is required"),
            "donor": ("donor", {"donor": ""}, "This field is required"),
            "site": ("site", {"site": self.chiriqui.pk}, "Select a valid choice"),
        }
        self.login(self.field_a)
        assert_each_refused_on_its_field(self, lambda **changes: self._post(**changes), cases)
        self.assertFalse(Donation.objects.exists())

    def test_a_bad_item_line_is_refused_on_its_field_and_nothing_is_saved(self) -> None:
        cases = {
            "zero": ("quantity", {"quantity": "0"}, "greater than or equal to 1"),
            "negative": ("quantity", {"quantity": "-3"}, "greater than or equal to 0"),
            "no category": ("category", {"category": ""}, "This field is required"),
            "no unit": ("unit", {"unit": ""}, "This field is required"),
        }
        self.login(self.field_a)
        for case, (field, changes, message) in cases.items():
            with self.subTest(case):
                response = self._post(self._item(), self._item(**changes))
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, str(response.context["formset"].forms[1].errors[field]))
        self.assertFalse(Donation.objects.exists())
        self.assertFalse(DonationItem.objects.exists())

    def test_a_donation_without_item_lines_is_refused(self) -> None:
        self.login(self.field_a)
        data = self._data() | _rows()
        response = self.client.post(reverse("activities:donation_create"), data)
        self.assertEqual(
            response.context["formset"].non_form_errors(),
            ["Add at least one item line."],
        )
        self.assertFalse(Donation.objects.exists())

    def test_the_database_refuses_a_quantity_of_zero(self) -> None:
        donation = make_donation(self.darien, self.field_a, items=0)
        with self.assertRaisesMessage(IntegrityError, "quantity_positive"), transaction.atomic():
            donation.items.create(category=self.meals, description="x", quantity=0, unit="u")


class ReceiptTest(DonationTestCase):
    def _post_receipt(self, name: str, content: bytes):
        self.login(self.field_a)
        return self._post(receipt=SimpleUploadedFile(name, content))

    def test_a_signed_receipt_in_pdf_is_kept_and_offered_to_who_sees_the_donation(self) -> None:
        self._post_receipt("recibo.pdf", PDF)
        donation = Donation.objects.get()
        self.assertTrue(donation.receipt.name.startswith("donations/receipts/"))
        response = self.client.get(reverse("activities:donation_receipt", args=[donation.pk]))
        self.assertEqual(b"".join(response.streaming_content), PDF)
        self.client.force_login(self.field_b)
        url = reverse("activities:donation_receipt", args=[donation.pk])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_editing_a_donation_keeps_its_receipt(self) -> None:
        self._post_receipt("recibo.pdf", PDF)
        donation = Donation.objects.get()
        line = donation.items.get()
        data = self._data(recipient="Hospital de Yaviza", seen_version=str(donation.version))
        data |= _rows(self._item(id=str(line.pk)), initial=1)
        self.client.post(donation.get_edit_url(), data)
        donation.refresh_from_db()
        self.assertEqual(donation.recipient, "Hospital de Yaviza")
        self.assertEqual(donation.receipt.read(), PDF)

    def test_wrong_or_disguised_files_and_files_over_5_mb_are_refused(self) -> None:
        cases = {
            "a word document": ("recibo.docx", b"PK\x03\x04", "Upload a PDF, PNG or JPEG file."),
            "a program named .pdf": ("recibo.pdf", b"MZ\x90\x00", "not what its name says"),
            "a PDF named .jpg": ("recibo.jpg", PDF, "not what its name says"),
            "over 5 MB": ("recibo.pdf", PDF + b"0" * 5 * 2**20, "larger than 5 MB"),
        }
        for case, (name, content, message) in cases.items():
            with self.subTest(case):
                response = self._post_receipt(name, content)
                self.assertIn(message, str(response.context["form"].errors["receipt"]))
        self.assertFalse(Donation.objects.exists())

    @override_settings(IMPORT_MAX_BYTES=len(PDF) + 1000)
    def test_a_receipt_stopped_at_the_upload_limit_is_said_not_dropped(self) -> None:
        """Past the largest file any form takes, the upload is not read on (see files/uploads.py)
        and no file arrives: the donation must not be saved as if none had been chosen."""
        response = self._post_receipt("recibo.pdf", PDF + b"0" * 2000)
        self.assertEqual(response.status_code, 200)
        self.assertIn("was not received", str(response.context["form"].errors["receipt"]))
        self.assertFalse(Donation.objects.exists())

    def test_the_receipt_field_says_its_limit_to_the_browser(self) -> None:
        """The phone says a file is too large as soon as it is chosen (forms.js), before
        anything typed is sent."""
        self.login(self.field_a)
        page = self.client.get(reverse("activities:donation_create"))
        self.assertContains(page, f'data-max-bytes="{5 * 2**20}"')
        self.assertContains(page, 'data-too-large="The file is larger than 5 MB."')


class EditTest(DonationTestCase):
    def test_an_item_line_is_added_and_another_removed_in_the_same_form(self) -> None:
        donation = make_donation(self.darien, self.field_a, items=2)
        first, second = donation.items.all()
        self.login(self.field_a)
        rows = [
            self._item(id=str(first.pk), description="Kit de higiene 1"),
            self._item(id=str(second.pk), DELETE="on"),
            self._item(description="Colchonetas", quantity="40", unit="unidades"),
        ]
        data = self._data(seen_version=str(donation.version)) | _rows(*rows, initial=2)
        response = self.client.post(donation.get_edit_url(), data)
        self.assertRedirects(response, donation.get_absolute_url())
        self.assertEqual(
            [item.description for item in donation.items.all()],
            ["Kit de higiene 1", "Colchonetas"],
        )
        self.assertEqual(DonationItem.history.filter(history_type="-").get().id, second.pk)

    def test_a_bad_new_line_leaves_the_donation_and_its_lines_as_they_were(self) -> None:
        donation = make_donation(self.darien, self.field_a, items=1)
        line = donation.items.get()
        self.login(self.field_a)
        rows = [
            self._item(id=str(line.pk), description="Cambiada"),
            self._item(quantity="0"),
        ]
        data = self._data(recipient="Otro", seen_version=str(donation.version))
        response = self.client.post(donation.get_edit_url(), data | _rows(*rows, initial=1))
        self.assertEqual(response.status_code, 200)
        donation.refresh_from_db()
        self.assertEqual(donation.recipient, "Ministerio de Salud")
        self.assertEqual([item.description for item in donation.items.all()], ["Kit de higiene 1"])

    def test_removing_every_line_is_refused(self) -> None:
        donation = make_donation(self.darien, self.field_a, items=1)
        line = donation.items.get()
        self.login(self.field_a)
        data = self._data(seen_version=str(donation.version))
        data |= _rows(self._item(id=str(line.pk), DELETE="on"), initial=1)
        response = self.client.post(donation.get_edit_url(), data)
        self.assertTrue(response.context["formset"].non_form_errors())
        self.assertEqual(donation.items.count(), 1)


class ListTest(DonationTestCase):
    def test_field_staff_see_only_their_sites_records(self) -> None:
        make_donation(self.darien, self.field_a, recipient="De Darién")
        make_donation(self.chiriqui, self.field_b, recipient="De Chiriquí")
        self.login(self.field_b)
        response = self.client.get(reverse("activities:donation_list"))
        self.assertContains(response, "De Chiriquí")
        self.assertNotContains(response, "De Darién")

    def test_filters_by_donor_and_dates(self) -> None:
        make_donation(self.darien, self.field_a, recipient="Europea")
        make_donation(self.darien, self.field_a, recipient="Estadounidense", donor=self.donor)
        make_donation(
            self.darien,
            self.field_a,
            recipient="De agosto",
            donor=self.donor,
            delivery_date=datetime.date(2023, 8, 1),
        )
        self.login(self.field_a)
        url = reverse("activities:donation_list")
        query = {"donor": self.donor.pk, "date_from": "2023-09-01"}
        self.assertEqual(
            [r.recipient for r in self.client.get(url, query).context["page"]], ["Estadounidense"]
        )

    def test_the_list_makes_the_same_queries_for_1_and_50_rows(self) -> None:
        self.login(self.supervisor_a)
        assert_list_queries_do_not_grow(
            self,
            reverse("activities:donation_list"),
            lambda: make_donation(self.darien, self.field_a),
            queries=11,
        )


class DetailTest(DonationTestCase):
    def test_field_staff_of_chiriqui_cannot_open_a_donation_of_darien(self) -> None:
        assert_hidden_from(self, self.field_b, make_donation(self.darien, self.field_a))

    def test_the_page_shows_the_item_lines_with_their_category_in_the_users_language(self) -> None:
        donation = make_donation(self.darien, self.field_a, items=2)
        self.login(self.supervisor_a)
        response = self.client.get(donation.get_absolute_url())
        self.assertContains(response, "<td>Non-food items (NFI)</td>", count=2)
        self.assertContains(response, "Kit de higiene 2")
        self.client.post(reverse("set_language"), {"language": "es"})
        response = self.client.get(donation.get_absolute_url())
        self.assertContains(response, "<td>Artículos no alimentarios (NFI)</td>", count=2)
