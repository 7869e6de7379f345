import io

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import TestCase

from activities.models import CommunicationReach
from iompanama.access import reviewable_models
from iompanama.models import Province, Site, User
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


class DemoCommandTest(TestCase):
    def test_demo_data_can_be_loaded_twice_without_duplicates(self) -> None:
        call_command("demo", stdout=io.StringIO())
        counts = (Site.objects.count(), User.objects.count(), CommunicationReach.objects.count())
        call_command("demo", stdout=io.StringIO())
        self.assertEqual(
            counts,
            (Site.objects.count(), User.objects.count(), CommunicationReach.objects.count()),
        )
        self.assertEqual(counts[1], 5)
        self.assertTrue(Site.objects.filter(kind=Site.Kind.ETRM, name__contains="Lajas Blancas"))

    def test_there_is_one_demo_user_per_role(self) -> None:
        call_command("demo", stdout=io.StringIO())
        for role in Role:
            with self.subTest(role=role):
                self.assertTrue(User.objects.filter(groups__name=role).exists())
