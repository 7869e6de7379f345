from django.http import HttpRequest

from iompanama.access import reviewable_models


def navigation(request: HttpRequest) -> dict:
    """The record lists a person may open, for the menu on every page."""
    user = request.user
    if not user.is_authenticated or not (user.works_at_sites or user.is_administrator):
        return {"nav_records": []}
    return {
        "nav_records": [
            (model._meta.verbose_name_plural, model.list_url())
            for model in reviewable_models().values()
        ]
    }
