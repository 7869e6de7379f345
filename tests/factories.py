"""Test data built with code: small helpers with sensible defaults."""

import datetime

from django.contrib.auth.models import Group

from activities.models import CommunicationReach
from iompanama.models import Province, Site, User
from iompanama.roles import Role

PASSWORD = "a-Long-test-password-2026"


def make_site(code: str, kind: str = Site.Kind.OFFICE, province: str = "PA-5") -> Site:
    return Site.objects.create(
        code=code,
        name=code.replace("-", " ").title(),
        kind=kind,
        province=Province.objects.get(code=province),
    )


def make_user(username: str, role: Role | None, sites: list[Site] = (), **fields) -> User:
    user = User.objects.create_user(
        username, email=f"{username}@example.org", password=PASSWORD, **fields
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    user.sites.set(sites)
    return user


def make_reach(site: Site, author: User, **fields) -> CommunicationReach:
    values = {
        "date": datetime.date(2023, 9, 15),
        "channel": CommunicationReach.Channel.FACEBOOK,
        "campaign": "Migración segura",
        "people_reached": 120,
    }
    record = CommunicationReach(site=site, **(values | fields))
    record.create(by=author)
    return record
