from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from iompanama import review
from iompanama.access import get_record_for_user, may_enter_records, reviewable_model
from iompanama.access import reviewable_models as all_reviewable_models
from iompanama.forms import ReturnForm, UnlockForm
from iompanama.models import (
    InvalidTransition,
    PeriodLock,
    ReviewRefused,
    User,
)


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    may_review = user.has_perm("iompanama.review_records")
    open_entries, approved_counts = review.open_entries(
        user, shown=review.SHOW_ALL if "all" in request.GET else review.SHOWN
    )
    queue, waiting = review.review_queue(user, limit=review.SHOWN) if may_review else ([], 0)
    ctx = {
        "open_entries": open_entries,
        "has_open_entries": any(group.total for group in open_entries),
        "approved_counts": approved_counts,
        "review_queue": queue,
        "waiting": waiting,
        "may_review": may_review,
        "return_form": ReturnForm(),
        "new_record_links": [
            (model._meta.verbose_name, model.create_url())
            for model in all_reviewable_models().values()
            if may_enter_records(user, model)
        ],
    }
    return render(request, "iompanama/home.html", ctx)


def review_queue(request: HttpRequest) -> HttpResponse:
    """Everything the person may review, oldest first, filtered, with each record's key
    figures, to approve one by one or several at once."""
    if not request.user.has_perm("iompanama.review_records"):
        raise PermissionDenied
    form = review.QueueFilterForm(request.GET or None, user=request.user)
    queue, waiting = review.review_queue(request.user, form)
    ctx = {
        "form": form,
        "review_queue": queue,
        "waiting": waiting,
        "return_form": ReturnForm(),
        "here": request.get_full_path(),
    }
    return render(request, "iompanama/review_queue.html", ctx)


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, remembered on the account so that emails follow it too."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).update(language=language)
    return response


@require_POST
def submit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = get_record_for_user(request.user, reviewable_model(kind), pk, to="submit")
    _step(request, lambda: record.submit(by=request.user), _("Submitted for review."))
    return redirect(record)


@require_POST
def approve(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = get_record_for_user(request.user, reviewable_model(kind), pk, to="review")
    _step(request, lambda: record.approve(by=request.user), _("Approved."))
    return _back(request, record)


@require_POST
def return_to_author(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = get_record_for_user(request.user, reviewable_model(kind), pk, to="review")
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A record is returned with a reason: say what to correct."))
        return _back(request, record)
    reason = form.cleaned_data["reason"]
    _step(
        request,
        lambda: record.return_to_author(by=request.user, reason=reason),
        _("Returned to its author."),
    )
    return _back(request, record)


@require_POST
def bulk_approve(request: HttpRequest) -> HttpResponse:
    """Approve the ticked records, each on its own: one that may not be approved (someone else
    reviewed it first, you changed it, its period is locked) is left as it is, and said why."""
    if not request.user.has_perm("iompanama.review_records"):
        raise PermissionDenied
    chosen: dict[str, list[int]] = {}
    for value in request.POST.getlist("records"):
        kind, _sep, pk = value.rpartition(":")
        if kind in all_reviewable_models() and pk.isdigit():
            chosen.setdefault(kind, []).append(int(pk))
    approved, refused = 0, []
    for kind, pks in chosen.items():
        records = reviewable_model(kind).objects.for_user(request.user).filter(pk__in=pks)
        for record in records.select_related("site", "created_by"):
            try:
                record.approve(by=request.user)
                approved += 1
            except ReviewRefused as refusal:
                refused.append(f"{record}: {refusal}")
            except InvalidTransition:
                refused.append(f"{record}: {_('Someone else reviewed it first.')}")
    if approved:
        messages.success(
            request,
            ngettext("%(count)d record approved.", "%(count)d records approved.", approved)
            % {"count": approved},
        )
    for refusal in refused:
        messages.warning(request, _("Not approved: %(why)s") % {"why": refusal})
    if not chosen:
        messages.info(request, _("Tick the records to approve first."))
    return _back(request, None)


def _step(request: HttpRequest, step, done_message: str) -> None:
    try:
        step()
    except ReviewRefused as refusal:
        messages.error(request, str(refusal))
    except InvalidTransition:
        messages.error(
            request, _("This record has changed status meanwhile; nothing was done. Look again.")
        )
    else:
        messages.success(request, done_message)


def _back(request: HttpRequest, record) -> HttpResponse:
    """Reviewers act from the queue or from the record; go back where they were."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(record or "home")


def period_locks(request: HttpRequest) -> HttpResponse:
    """The periods that published factsheets lock, and their unlocks and relocks: what an
    administrator opens to correct a published period, with a reason that stays on record."""
    if not request.user.is_administrator:
        raise PermissionDenied
    locks = PeriodLock.objects.select_related("locked_by", "unlocked_by")
    ctx = {"locks": locks, "unlock_form": UnlockForm()}
    return render(request, "iompanama/period_locks.html", ctx)


@require_POST
def unlock_period(request: HttpRequest, pk: int) -> HttpResponse:
    lock = _lock_for_administrator(request, pk)
    form = UnlockForm(request.POST)
    if lock.unlocked_at:
        messages.info(request, _("This period was already unlocked."))
    elif not form.is_valid():
        messages.error(request, _("A period is unlocked with a reason: say why it must change."))
    else:
        lock.unlock(by=request.user, reason=form.cleaned_data["reason"])
        messages.warning(
            request,
            _("Unlocked: %(period)s. Publish a correction, or lock it again, when done.")
            % {"period": lock},
        )
    return redirect("period_locks")


@require_POST
def relock_period(request: HttpRequest, pk: int) -> HttpResponse:
    lock = _lock_for_administrator(request, pk)
    lock.relock(by=request.user)
    messages.success(request, _("Locked again: %(period)s.") % {"period": lock})
    return redirect("period_locks")


def _lock_for_administrator(request: HttpRequest, pk: int) -> PeriodLock:
    if not request.user.is_administrator:
        raise PermissionDenied
    try:
        return PeriodLock.objects.get(pk=pk)
    except PeriodLock.DoesNotExist:
        raise Http404 from None
