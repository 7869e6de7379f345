"""What the offline app is served from: the manifest, the service worker, the people kept on the
device and the pages kept for each user. The browser side is in tests/e2e/test_offline.py."""

import gzip
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image

from cases.models import Beneficiary
from iompanama.offline import offline_config
from tests.factories import make_beneficiary
from tests.personas import PersonasTestCase


class ManifestTest(PersonasTestCase):
    def manifest(self, language: str = "") -> dict:
        if language:
            self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = self.client.get("/manifest.webmanifest")
        self.assertEqual(response["Content-Type"], "application/manifest+json")
        return json.loads(response.content)

    def test_it_is_served_at_the_root_with_what_installing_needs(self) -> None:
        manifest = self.manifest()
        self.assertEqual(manifest["start_url"], reverse("home"))
        self.assertEqual(manifest["scope"], "/")
        self.assertEqual(manifest["display"], "standalone")
        self.assertTrue(manifest["theme_color"].startswith("#"))
        sizes = {icon["sizes"] for icon in manifest["icons"] if icon["purpose"] == "any"}
        self.assertEqual(sizes, {"192x192", "512x512"})

    def test_its_icons_are_png_files_of_the_sizes_it_says(self) -> None:
        for icon in self.manifest()["icons"]:
            path = finders.find(icon["src"].removeprefix(settings.STATIC_URL))
            with Image.open(path) as image:
                self.assertEqual(
                    (image.format, f"{image.width}x{image.height}"), ("PNG", icon["sizes"])
                )

    def test_its_name_is_in_spanish_unless_english_is_chosen(self) -> None:
        spanish, english = self.manifest(), self.manifest("en")
        self.assertEqual((spanish["lang"], spanish["short_name"]), ("es", "OIM Panamá"))
        self.assertEqual((english["lang"], english["short_name"]), ("en", "IOM Panama"))


class ServiceWorkerTest(PersonasTestCase):
    def test_it_is_served_from_the_root_for_the_whole_app_and_never_cached(self) -> None:
        response = self.client.get("/sw.js")
        self.assertEqual(response["Service-Worker-Allowed"], "/")
        self.assertEqual(response["Content-Type"], "text/javascript")
        self.assertIn("no-cache", response["Cache-Control"])

    def test_it_keeps_the_field_forms_and_no_page_that_shows_a_record(self) -> None:
        worker = self.client.get("/sw.js").content.decode()
        pages = json.loads(worker.split("var PAGES = ")[1].split(";")[0])
        self.assertIn(reverse("cases:legal_create"), pages)
        self.assertIn(reverse("activities:medical_create"), pages)
        self.assertNotIn(reverse("cases:beneficiary_list"), pages)
        self.assertNotIn(reverse("activities:flow_create"), pages)  # imported at the office

    def test_its_version_is_the_version_of_the_static_files(self) -> None:
        self.login(self.field_a)
        version = offline_config(self.field_a)["version"]
        self.assertIn(f'"{version}"', self.client.get("/sw.js").content.decode())


class OfflinePeopleTest(PersonasTestCase):
    def test_the_device_keeps_only_the_people_of_the_users_sites(self) -> None:
        darien_person = make_beneficiary(self.darien, self.field_a, given_names="Yelitza")
        make_beneficiary(self.chiriqui, self.field_b, given_names="Dayana")
        self.login(self.field_a)
        response = self.client.get(reverse("cases:people_offline"))
        self.assertEqual([row["value"] for row in response.json()["results"]], [darien_person.pk])
        self.assertIn("no-store", response["Cache-Control"])

    def test_a_merged_record_is_not_kept_as_it_cannot_be_named_on_a_case(self) -> None:
        kept = make_beneficiary(self.darien, self.field_a, given_names="Yelitza")
        merged = make_beneficiary(self.darien, self.field_a, given_names="Yelitsa")
        Beneficiary.objects.filter(pk=merged.pk).update(merged_into=kept)
        self.login(self.field_a)
        response = self.client.get(reverse("cases:people_offline"))
        self.assertEqual([row["value"] for row in response.json()["results"]], [kept.pk])

    def test_each_person_is_kept_with_the_label_the_pickers_show(self) -> None:
        make_beneficiary(self.darien, self.field_a, given_names="Yelitza")
        make_beneficiary(
            self.darien, self.field_a, date_of_birth=None, estimated_age=30, nationality="CO"
        )
        self.login(self.field_a)
        response = self.client.get(reverse("cases:people_offline"))
        self.assertEqual(
            [row["text"] for row in response.json()["results"]],
            [
                "María José Pérez Gómez · CO · ~30",
                "Yelitza Pérez Gómez · VE · 17/05/1990",
            ],
        )

    def test_the_list_is_sent_compressed_to_a_phone_that_takes_it(self) -> None:
        # Compressed past 200 bytes, as Django's gzip does: a few people.
        people = [make_beneficiary(self.darien, self.field_a) for _ in range(5)]
        self.login(self.field_a)
        response = self.client.get(reverse("cases:people_offline"), HTTP_ACCEPT_ENCODING="gzip")
        self.assertEqual(response["Content-Encoding"], "gzip")
        kept = json.loads(gzip.decompress(response.content))["results"]
        self.assertEqual([row["value"] for row in kept], [person.pk for person in people])

    def test_people_who_enter_nothing_keep_no_page_and_no_list(self) -> None:
        config = offline_config(self.viewer)
        self.assertEqual((config["pages"], config["lists"]), ([], []))

    def test_field_staff_keep_home_the_outbox_and_their_forms(self) -> None:
        pages = offline_config(self.field_a)["pages"]
        self.assertEqual(pages[:2], [reverse("home"), reverse("outbox")])
        self.assertIn(reverse("cases:beneficiary_create"), pages)
