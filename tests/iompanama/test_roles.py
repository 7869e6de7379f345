from django.contrib.auth.models import Group
from django.test import TestCase

from iompanama.access import reviewable_models
from iompanama.models import Province
from iompanama.roles import ROLE_PERMISSIONS, Role


class RoleGroupsTest(TestCase):
    def test_migrations_give_each_role_exactly_its_permissions(self) -> None:
        for role, expected in ROLE_PERMISSIONS.items():
            group = Group.objects.get(name=role)
            granted = {
                f"{app}.{codename}"
                for app, codename in group.permissions.values_list(
                    "content_type__app_label", "codename"
                )
            }
            with self.subTest(role=role):
                self.assertEqual(granted, set(expected))

    def test_every_record_model_is_given_to_field_staff(self) -> None:
        """A new kind of record without its permissions would be invisible to everyone."""
        for label in reviewable_models():
            app, model = label.split(".")
            self.assertIn(f"{app}.add_{model}", ROLE_PERMISSIONS[Role.FIELD_STAFF])

    def test_the_provinces_and_comarcas_of_panama_are_loaded(self) -> None:
        self.assertEqual(Province.objects.filter(kind=Province.Kind.PROVINCE).count(), 10)
        self.assertEqual(Province.objects.filter(kind=Province.Kind.COMARCA).count(), 4)
        self.assertTrue(Province.objects.filter(name="Darién", code="PA-5").exists())
