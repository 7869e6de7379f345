from django.test import Client, TestCase
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from iompanama.models import Site
from iompanama.roles import Role
from tests.factories import make_site, make_user


class SignedInClient(Client):
    """`force_login` as after both steps of signing in: someone with an authenticator app
    (every administrator and supervisor, as make_user gives them one) has entered its code.
    The second step itself is tested through its pages (test_two_factor)."""

    def force_login(self, user, backend=None) -> None:
        super().force_login(user, backend)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()


class PersonasTestCase(TestCase):
    """The people every access rule is written for, built once per test class."""

    client_class = SignedInClient

    @classmethod
    def setUpTestData(cls) -> None:
        cls.darien = make_site("darien-office", province="PA-5")
        cls.chiriqui = make_site("los-planes", province="PA-4")
        # Migrant reception stations, where medical attention is tallied.
        cls.darien_etrm = make_site("lajas-blancas", kind=Site.Kind.ETRM, province="PA-5")
        cls.chiriqui_etrm = make_site("etrm-los-planes", kind=Site.Kind.ETRM, province="PA-4")
        darien, chiriqui = [cls.darien, cls.darien_etrm], [cls.chiriqui, cls.chiriqui_etrm]
        # Field staff of Darién: enters records there and sees Darién's records only.
        cls.field_a = make_user("field_a", Role.FIELD_STAFF, darien, first_name="Ana")
        # Field staff of Chiriquí: must see nothing of Darién.
        cls.field_b = make_user("field_b", Role.FIELD_STAFF, chiriqui)
        # Supervisor of Darién: reviews what Darién submits; sees nothing of Chiriquí.
        cls.supervisor_a = make_user("supervisor_a", Role.SUPERVISOR, darien)
        # Administrator: every site, reference data and users.
        cls.admin = make_user("admin", Role.ADMINISTRATOR)
        # Viewer: published figures only, never a record or a person's data.
        cls.viewer = make_user("viewer", Role.VIEWER)

    def login(self, user) -> None:
        self.client.force_login(user)
