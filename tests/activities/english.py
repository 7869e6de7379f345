from django.conf import settings

from tests.personas import PersonasTestCase


class EnglishTestCase(PersonasTestCase):
    """The personas, reading the app in English: the language its messages are written in."""

    def setUp(self) -> None:
        super().setUp()
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
