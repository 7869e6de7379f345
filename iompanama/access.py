"""Fetching records for a person: 404 when they may not see it, 403 when they may not change it.

Every view fetches through these helpers, which go through `Model.objects.for_user(user)`.
"""

from functools import cache

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from iompanama.models import Reviewable, User
from iompanama.roles import Role


@cache
def reviewable_models() -> dict[str, type[Reviewable]]:
    """Every concrete reviewable model, by its label ("activities.communicationreach")."""
    return {
        model._meta.label_lower: model
        for model in apps.get_models()
        if issubclass(model, Reviewable)
    }


def reviewable_model(kind: str) -> type[Reviewable]:
    try:
        return reviewable_models()[kind]
    except KeyError:
        raise Http404 from None


def get_record_for_user(
    user: User, model: type[models.Model], pk: int, to: str | None = None
) -> models.Model:
    """The record if the person may see it (else 404) and, given `to` ("edit", "submit",
    "review"), may do that with it (else 403). Any model with a site, an author, a
    `for_user` queryset and `may_<to>` methods: reviewable records, the people they serve, and
    the decisions about two records of one person."""
    fields = {field.name for field in model._meta.concrete_fields}
    related = [name for name in ("site", "created_by") if name in fields]
    try:
        record = model.objects.for_user(user).select_related(*related).get(pk=pk)
    except model.DoesNotExist:
        raise Http404 from None
    if to and not getattr(record, f"may_{to}")(user):
        raise PermissionDenied
    return record


def may_enter_records(user: User, model: type[Reviewable]) -> bool:
    """People who work at sites (or administrators) with the add permission enter records."""
    works_somewhere = user.is_administrator or (user.works_at_sites and bool(user.site_ids))
    return works_somewhere and user.has_perm(
        f"{model._meta.app_label}.add_{model._meta.model_name}"
    )


def require_record_viewing(user: User, model: type[Reviewable]) -> None:
    """Viewers read published figures only, never the records behind them."""
    if not user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
        raise PermissionDenied


def require_record_entry(user: User, model: type[Reviewable]) -> None:
    if not may_enter_records(user, model):
        raise PermissionDenied


def may_import(user: User, model: type[Reviewable]) -> bool:
    """Administrators import for every site, supervisors for their own sites."""
    supervises = user.has_role(Role.SUPERVISOR) and bool(user.site_ids)
    return (user.is_administrator or supervises) and user.has_perm(
        f"{model._meta.app_label}.add_{model._meta.model_name}"
    )


def require_import(user: User, model: type[Reviewable]) -> None:
    if not may_import(user, model):
        raise PermissionDenied


def require_export(user: User, model: type[Reviewable], personal_data: bool) -> None:
    """Whoever sees a list exports it, except personal data: administrators only."""
    require_record_viewing(user, model)
    if personal_data and not user.is_administrator:
        raise PermissionDenied


def require_duplicate_review(user: User) -> None:
    """Supervisors and administrators decide whether two records are one person: a merge moves
    the count of distinct people, as an approval does."""
    if not user.has_perm("iompanama.review_records"):
        raise PermissionDenied
