"""Two-factor sign-in: required for administrators and supervisors, optional for field staff,
asked by the admin too; recovery codes work once; an administrator's reset is recorded."""

from django.contrib.admin.models import LogEntry
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from iompanama.roles import Role
from tests.factories import PASSWORD, make_authenticator, make_user
from tests.personas import PersonasTestCase


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key):06d}"


# A wrong code makes the device wait before the next try (django-otp's throttling); the tests
# try a wrong code and the right one at once.
@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
class TwoFactorTest(PersonasTestCase):
    def setUp(self) -> None:
        # Signing in through the pages, as people do: no step is taken for granted.
        self.client = Client()
        self.client.cookies["django_language"] = "en"

    def sign_in(self, user):
        return self.client.post(
            reverse("login"), {"username": user.username, "password": PASSWORD}, follow=True
        )

    def test_a_supervisor_without_it_must_set_it_up_before_any_page(self) -> None:
        TOTPDevice.objects.filter(user=self.supervisor_a).delete()
        response = self.sign_in(self.supervisor_a)
        self.assertEqual(response.request["PATH_INFO"], reverse("two_factor_setup"))
        self.assertContains(response, "Your role sees or approves everyone")
        for url in (reverse("home"), reverse("activities:reach_list"), reverse("admin:index")):
            with self.subTest(url=url):
                self.assertRedirects(
                    self.client.get(url),
                    f"{reverse('two_factor_setup')}?next={url}",
                    fetch_redirect_response=False,
                )

    def test_enrolment_shows_a_key_and_turns_on_with_a_code_then_shows_recovery_codes(self):
        TOTPDevice.objects.filter(user=self.supervisor_a).delete()
        self.sign_in(self.supervisor_a)
        page = self.client.get(reverse("two_factor_setup"))
        self.assertContains(page, 'src="data:image/svg+xml')
        device = TOTPDevice.objects.get(user=self.supervisor_a, confirmed=False)
        wrong = self.client.post(reverse("two_factor_setup"), {"code": "000000"})
        self.assertContains(wrong, "This code is not valid")
        done = self.client.post(reverse("two_factor_setup"), {"code": code_of(device)})
        self.assertEqual(len(done.context["codes"]), 10)
        self.assertTrue(TOTPDevice.objects.get(pk=device.pk).confirmed)
        self.assertEqual(StaticToken.objects.filter(device__user=self.supervisor_a).count(), 10)
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)

    def test_signing_in_asks_for_the_code_after_the_password(self) -> None:
        device = TOTPDevice.objects.get(user=self.supervisor_a)
        response = self.sign_in(self.supervisor_a)
        self.assertEqual(response.request["PATH_INFO"], reverse("two_factor_verify"))
        self.assertRedirects(
            self.client.get(reverse("home")),
            f"{reverse('two_factor_verify')}?next=/",
            fetch_redirect_response=False,
        )
        wrong = self.client.post(reverse("two_factor_verify"), {"code": "000000"})
        self.assertContains(wrong, "This code is not valid")
        response = self.client.post(
            f"{reverse('two_factor_verify')}?next={reverse('activities:reach_list')}",
            {"code": code_of(device)},
        )
        self.assertRedirects(response, reverse("activities:reach_list"))
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)

    def test_a_recovery_code_works_once(self) -> None:
        recovery = StaticDevice.objects.create(user=self.supervisor_a, name="recovery")
        recovery.token_set.create(token="abcd2345")
        self.sign_in(self.supervisor_a)
        response = self.client.post(reverse("two_factor_verify"), {"code": "abcd 2345"})
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        self.client.post(reverse("logout"))
        self.sign_in(self.supervisor_a)
        again = self.client.post(reverse("two_factor_verify"), {"code": "abcd2345"})
        self.assertContains(again, "This code is not valid")
        self.assertEqual(self.client.get(reverse("home")).status_code, 302)

    def test_the_admin_refuses_an_administrator_without_the_second_step(self) -> None:
        self.sign_in(self.admin)
        response = self.client.get(reverse("admin:index"))
        self.assertRedirects(
            response,
            f"{reverse('two_factor_verify')}?next={reverse('admin:index')}",
            fetch_redirect_response=False,
        )
        # Even a session that escaped the second step (signed in before it existed).
        session = self.client.session
        session.pop("two_factor_pending")
        session.save()
        response = self.client.get(reverse("admin:index"))
        self.assertRedirects(
            response,
            f"{reverse('admin:login')}?next={reverse('admin:index')}",
            fetch_redirect_response=False,
        )

    def test_field_staff_may_sign_in_without_it_and_may_turn_it_on(self) -> None:
        response = self.sign_in(self.field_a)
        self.assertEqual(response.request["PATH_INFO"], reverse("home"))
        self.assertNotContains(self.client.get(reverse("two_factor_setup")), "Your role sees")
        device = make_authenticator(self.field_a)
        self.client.post(reverse("logout"))
        response = self.sign_in(self.field_a)
        self.assertEqual(response.request["PATH_INFO"], reverse("two_factor_verify"))
        self.client.post(reverse("two_factor_verify"), {"code": code_of(device)})
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)

    def test_the_pages_are_in_both_languages(self) -> None:
        TOTPDevice.objects.filter(user=self.supervisor_a).delete()
        self.sign_in(self.supervisor_a)
        self.assertContains(self.client.get(reverse("two_factor_setup")), "Set up two-factor")
        self.client.cookies["django_language"] = "es"
        page = self.client.get(reverse("two_factor_setup"))
        self.assertContains(page, "Configurar el inicio de sesión en dos pasos")


class ResetTest(PersonasTestCase):
    def test_an_administrator_resets_a_lost_phone_and_it_is_recorded(self) -> None:
        supervisor = make_user("supervisor_b", Role.SUPERVISOR, [self.chiriqui])
        self.login(self.admin)
        self.client.post(
            reverse("admin:iompanama_user_changelist"),
            {"action": "reset_two_factor", "_selected_action": [supervisor.pk]},
        )
        self.assertFalse(TOTPDevice.objects.filter(user=supervisor).exists())
        entry = LogEntry.objects.get(object_id=str(supervisor.pk))
        self.assertEqual(entry.user, self.admin)
        self.assertIn("Inicio de sesión en dos pasos restablecido", entry.get_change_message())
        # At the next sign-in, the supervisor sets it up again.
        client = Client()
        client.post(reverse("login"), {"username": "supervisor_b", "password": PASSWORD})
        self.assertRedirects(
            client.get(reverse("home")),
            f"{reverse('two_factor_setup')}?next=/",
            fetch_redirect_response=False,
        )
