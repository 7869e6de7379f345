"""The production server (gunicorn, with gunicorn.conf.py) does not say what it is."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.test import SimpleTestCase

PROJECT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerHeaderTest(SimpleTestCase):
    def test_the_server_header_names_neither_gunicorn_nor_a_version(self) -> None:
        port = _free_port()
        server = subprocess.Popen(
            [
                Path(sys.executable).parent / "gunicorn",
                "iompanama.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
            ],
            cwd=PROJECT,
            env=os.environ | {"DEBUG": "true"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.addCleanup(server.wait, timeout=10)
        self.addCleanup(server.terminate)
        # A static file: WhiteNoise answers it without the database.
        url = f"http://127.0.0.1:{port}/static/iompanama/site.css"
        for _attempt in range(100):
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    server_header = response.headers.get("Server", "")
                break
            except OSError:
                time.sleep(0.1)
        else:
            self.fail("gunicorn did not start")
        self.assertNotIn("gunicorn", server_header.lower())
        self.assertNotRegex(server_header, r"\d")
