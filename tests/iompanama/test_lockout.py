"""Lockout counts the client, not the load balancer in front of it (PROXY_COUNT)."""

from django.test import override_settings
from django.urls import reverse

from tests.factories import PASSWORD
from tests.personas import PersonasTestCase

LOAD_BALANCER = "10.0.0.2"
EDGE_PROXY = "10.0.0.1"
# Public addresses: ipware passes over private and documentation ranges when it can.
ATTACKER = "190.140.1.7"
COLLEAGUE = "181.197.20.20"
SPOOFED = "45.33.1."
# What settings.py makes of PROXY_COUNT=1 and PROXY_COUNT=2.
BEHIND_ONE_PROXY = {
    "AXES_IPWARE_PROXY_COUNT": 0,
    "AXES_IPWARE_META_PRECEDENCE_ORDER": ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"],
}
BEHIND_TWO_PROXIES = BEHIND_ONE_PROXY | {"AXES_IPWARE_PROXY_COUNT": 1}


class LockoutBehindProxiesTest(PersonasTestCase):
    def sign_in(self, password: str, *, forwarded_for: str = "", remote: str = LOAD_BALANCER):
        headers = {"x-forwarded-for": forwarded_for} if forwarded_for else {}
        return self.client.post(
            reverse("login"),
            {"username": "field_a", "password": password},
            headers=headers,
            REMOTE_ADDR=remote,
        )

    def fail_five_times(self, **where) -> None:
        for _attempt in range(5):
            self.sign_in("wrong", **where)

    @override_settings(**BEHIND_ONE_PROXY)
    def test_behind_one_proxy_a_locked_out_attacker_does_not_lock_out_a_colleague(self) -> None:
        self.fail_five_times(forwarded_for=ATTACKER)
        self.assertEqual(self.sign_in(PASSWORD, forwarded_for=ATTACKER).status_code, 429)
        self.assertEqual(self.sign_in(PASSWORD, forwarded_for=COLLEAGUE).status_code, 302)

    @override_settings(**BEHIND_TWO_PROXIES)
    def test_behind_two_proxies_the_client_is_the_address_before_them(self) -> None:
        self.fail_five_times(forwarded_for=f"{ATTACKER}, {EDGE_PROXY}")
        locked = self.sign_in(PASSWORD, forwarded_for=f"{ATTACKER}, {EDGE_PROXY}")
        self.assertEqual(locked.status_code, 429)
        colleague = self.sign_in(PASSWORD, forwarded_for=f"{COLLEAGUE}, {EDGE_PROXY}")
        self.assertEqual(colleague.status_code, 302)

    @override_settings(**BEHIND_ONE_PROXY)
    def test_a_spoofed_forwarded_header_does_not_escape_the_lockout(self) -> None:
        """The attacker writes a new address each time; the load balancer appends the real one."""
        for attempt in range(5):
            self.sign_in("wrong", forwarded_for=f"{SPOOFED}{attempt}, {ATTACKER}")
        response = self.sign_in(PASSWORD, forwarded_for=f"{SPOOFED}99, {ATTACKER}")
        self.assertEqual(response.status_code, 429)

    def test_without_a_proxy_the_forwarded_header_is_ignored(self) -> None:
        for attempt in range(5):
            self.sign_in("wrong", forwarded_for=f"{SPOOFED}{attempt}", remote=ATTACKER)
        response = self.sign_in(PASSWORD, forwarded_for=f"{SPOOFED}99", remote=ATTACKER)
        self.assertEqual(response.status_code, 429)

    def test_the_lockout_says_for_how_long(self) -> None:
        self.fail_five_times()
        response = self.sign_in(PASSWORD)
        self.assertContains(response, "30 minutos", status_code=429)
