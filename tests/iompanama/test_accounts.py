from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import reverse

from tests.factories import PASSWORD
from tests.personas import PersonasTestCase


class SignInTest(PersonasTestCase):
    def test_signing_in_leads_home(self) -> None:
        response = self.client.post(
            reverse("login"), {"username": "field_a", "password": PASSWORD}, follow=True
        )
        self.assertRedirects(response, reverse("home"))
        self.assertContains(response, "Hola, Ana")

    def test_pages_need_a_signed_in_person(self) -> None:
        response = self.client.get(reverse("activities:reach_list"))
        self.assertRedirects(
            response, f"{reverse('login')}?next={reverse('activities:reach_list')}"
        )

    @override_settings(AXES_FAILURE_LIMIT=3)
    def test_repeated_failed_sign_ins_lock_the_account_even_to_the_right_password(self) -> None:
        for _attempt in range(3):
            self.client.post(reverse("login"), {"username": "field_a", "password": "wrong"})
        response = self.client.post(reverse("login"), {"username": "field_a", "password": PASSWORD})
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Demasiados intentos", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_failures_below_the_limit_do_not_lock(self) -> None:
        for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            self.client.post(reverse("login"), {"username": "field_a", "password": "wrong"})
        response = self.client.post(reverse("login"), {"username": "field_a", "password": PASSWORD})
        self.assertRedirects(response, reverse("home"))

    def test_deactivating_a_user_ends_their_sessions(self) -> None:
        self.login(self.field_a)
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)
        self.field_a.is_active = False
        self.field_a.save()
        response = self.client.get(reverse("home"))
        self.assertRedirects(response, f"{reverse('login')}?next=/")

    def test_sessions_expire_after_a_working_day_of_inactivity(self) -> None:
        self.assertLessEqual(settings.SESSION_COOKIE_AGE, 10 * 60 * 60)
        # Renewed every few minutes of activity rather than on every request.
        self.assertLessEqual(settings.SESSION_RENEW_SECONDS, 10 * 60)
        self.login(self.field_a)
        self.client.get(reverse("home"))
        self.assertEqual(self.client.session.get_expiry_age(), settings.SESSION_COOKIE_AGE)


class PasswordTest(PersonasTestCase):
    def test_a_weak_new_password_is_refused(self) -> None:
        self.login(self.field_a)
        response = self.client.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "contraseña es demasiado común")
        self.field_a.refresh_from_db()
        self.assertTrue(self.field_a.check_password(PASSWORD))

    def test_a_password_reset_sends_a_link(self) -> None:
        response = self.client.post(reverse("password_reset"), {"email": self.field_a.email})
        self.assertRedirects(response, reverse("password_reset_done"))
        self.assertEqual(mail.outbox[0].to, [self.field_a.email])
        self.assertIn("/accounts/reset/", mail.outbox[0].body)


class ErrorPageTest(PersonasTestCase):
    def test_a_missing_page_is_friendly_and_in_the_site_layout(self) -> None:
        self.login(self.field_a)
        response = self.client.get("/no-such-page/")
        self.assertContains(response, "Página no encontrada", status_code=404)

    def test_a_server_error_page_renders_without_a_request(self) -> None:
        """Django renders 500.html with no context: it must not depend on the request."""
        page = render_to_string("500.html")
        self.assertIn("Algo falló de nuestro lado", page)

    def test_a_refused_action_explains_itself(self) -> None:
        self.login(self.viewer)
        response = self.client.get(reverse("activities:reach_list"))
        self.assertContains(response, "Su rol no permite", status_code=403)
