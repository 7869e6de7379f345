import contextlib
import datetime
import shutil
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.template import Context, Template
from django.test import SimpleTestCase, override_settings
from django.urls import reverse
from django.utils import translation

from tests.personas import PersonasTestCase

PO_FILE = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"


class LanguageTest(PersonasTestCase):
    def test_pages_are_in_spanish_even_when_the_browser_asks_for_english(self) -> None:
        response = self.client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en")
        self.assertContains(response, '<html lang="es">')
        self.assertContains(response, "Iniciar sesión")

    def test_english_is_chosen_from_any_page_and_remembered(self) -> None:
        self.login(self.field_a)
        response = self.client.post(
            reverse("set_language"), {"language": "en", "next": reverse("home")}, follow=True
        )
        self.assertContains(response, "Hello, Ana")
        self.assertContains(self.client.get(reverse("home")), '<html lang="en">')
        self.field_a.refresh_from_db()
        self.assertEqual(self.field_a.language, "en")

    def test_a_person_who_chose_english_gets_it_on_a_new_device(self) -> None:
        self.field_a.language = "en"
        self.field_a.save()
        self.login(self.field_a)
        self.assertContains(self.client.get(reverse("home")), "Hello, Ana")

    def test_an_unknown_language_falls_back_to_spanish(self) -> None:
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        self.assertContains(self.client.get(reverse("login")), '<html lang="es">')


class FormatTest(SimpleTestCase):
    def _render(self, language: str, text: str, **values) -> str:
        with translation.override(language):
            return Template("{% load l10n %}" + text).render(Context(values))

    def test_numbers_are_written_as_panama_writes_them_in_both_languages(self) -> None:
        for language in ("es", "en"):
            self.assertEqual(self._render(language, "{{ n }}", n=157214), "157,214")
            self.assertEqual(self._render(language, "{{ x }}", x=1.5), "1.5")

    def test_dates_are_day_first(self) -> None:
        day = datetime.date(2023, 9, 30)
        self.assertEqual(
            self._render("es", '{{ d|date:"SHORT_DATE_FORMAT" }}', d=day), "30/09/2023"
        )
        self.assertEqual(self._render("es", "{{ d }}", d=day), "30 de septiembre de 2023")
        self.assertEqual(self._render("en", "{{ d }}", d=day), "30 September 2023")


class TranslationTest(SimpleTestCase):
    def test_the_spanish_translation_is_complete(self) -> None:
        with PO_FILE.open("rb") as po:
            catalog = read_po(po)
        missing = [m.id for m in catalog if m.id and (m.fuzzy or not all(_strings(m.string)))]
        self.assertEqual(missing, [])

    def test_every_translatable_string_in_the_code_is_in_the_catalog(self) -> None:
        """makemessages run afresh finds no string that the committed catalog lacks."""
        # makemessages writes into the tree it runs in, so it runs in a copy of the project.
        copy = Path(self.enterContext(tempfile.TemporaryDirectory())) / "project"
        shutil.copytree(
            settings.BASE_DIR,
            copy,
            ignore=shutil.ignore_patterns(".*", "staticfiles", "media", "*.sqlite3", "*.mo"),
        )
        self.enterContext(contextlib.chdir(copy))
        fresh = copy / "locale"
        with override_settings(LOCALE_PATHS=[fresh]):
            call_command(
                "makemessages", locale=["es"], ignore_patterns=[".venv", "staticfiles"], verbosity=0
            )
        found = _message_ids(fresh / "es" / "LC_MESSAGES" / "django.po")
        missing = found - _message_ids(PO_FILE)
        self.assertEqual(missing, set(), "Run makemessages and translate the new strings.")


def _message_ids(path: Path) -> set[str]:
    with path.open("rb") as po:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(po) if m.id}


def _strings(string: str | tuple) -> tuple:
    return string if isinstance(string, tuple) else (string,)
