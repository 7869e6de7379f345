"""Gunicorn's settings, read from this file when it is started in the project's directory."""

import gunicorn.http.wsgi

# Gunicorn names itself in a Server header on every response and has no setting to stop it.
# The name tells a scanner which server's flaws to try; a neutral one tells it nothing.
gunicorn.http.wsgi.SERVER = "web"
