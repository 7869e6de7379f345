from django.urls import reverse

from activities.models import Donor, ItemCategory, TrainingTopic
from tests.activities.english import EnglishTestCase


class ReferenceListsTest(EnglishTestCase):
    def test_the_factsheets_categories_and_topics_are_loaded_in_both_languages(self) -> None:
        self.assertEqual(ItemCategory.objects.count(), 7)
        self.assertEqual(TrainingTopic.objects.count(), 9)
        nfi = ItemCategory.objects.get(code="nfi")
        self.assertEqual(
            (nfi.name_es, nfi.name_en),
            ("Artículos no alimentarios (NFI)", "Non-food items (NFI)"),
        )

    def test_administrators_keep_donors_categories_and_topics_in_the_admin(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            reverse("admin:activities_donor_add"),
            {"name": "Gobierno de Canadá", "name_en": "Government of Canada", "kind": "direct"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Donor.objects.get().kind, Donor.Kind.DIRECT)
        for model in ("itemcategory", "trainingtopic"):
            with self.subTest(model):
                url = reverse(f"admin:activities_{model}_changelist")
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_a_donor_named_only_in_spanish_is_refused(self) -> None:
        """The English factsheet would otherwise show "Gobierno de Canadá"."""
        self.login(self.admin)
        response = self.client.post(
            reverse("admin:activities_donor_add"), {"name": "Gobierno de Canadá", "kind": "direct"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["adminform"].form.errors["name_en"])
        self.assertFalse(Donor.objects.exists())

    def test_field_staff_and_supervisors_cannot_change_them(self) -> None:
        for persona in (self.field_a, self.supervisor_a):
            with self.subTest(persona.username):
                self.login(persona)
                response = self.client.get(reverse("admin:activities_donor_add"))
                self.assertRedirects(
                    response,
                    f"{reverse('admin:login')}?next={reverse('admin:activities_donor_add')}",
                    fetch_redirect_response=False,
                )
