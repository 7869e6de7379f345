"""Production collects the static files into versioned names (collectstatic, the manifest): a
file that names another that is not there stops the whole deployment."""

import tempfile

from django.conf import settings
from django.core.management import call_command
from django.test import SimpleTestCase, override_settings


class CollectStaticTest(SimpleTestCase):
    def test_every_file_the_static_files_name_is_there_to_collect(self) -> None:
        # The manifest storage follows url() and sourceMappingURL references; the compression
        # production adds on top of it (whitenoise) changes nothing of that and takes longer.
        manifest = {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}
        with (
            tempfile.TemporaryDirectory() as root,
            override_settings(
                STATIC_ROOT=root, STORAGES={**settings.STORAGES, "staticfiles": manifest}
            ),
        ):
            call_command("collectstatic", interactive=False, verbosity=0)
