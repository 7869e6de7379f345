"""Sessions that survive a read-only database (a failover, maintenance): people keep reading.

A session is written when it changes and, to keep a working day's inactivity timeout, renewed
at most every SESSION_RENEW_SECONDS; a renewal the database refuses is skipped, not an error."""

import logging

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import DatabaseError

from iompanama.db import is_read_only

log = logging.getLogger(__name__)


class SessionStore(DatabaseSessionStore):
    def save(self, must_create: bool = False) -> None:
        # Only an update is skipped: a new session (signing in) that cannot be stored fails, or
        # the person would be signed out on the next page without knowing why.
        try:
            super().save(must_create=must_create)
        except UpdateError as error:
            refused = error.__context__
            if not (isinstance(refused, DatabaseError) and is_read_only(refused)):
                raise
            log.warning("Session not renewed: the database is read-only.")
