"""The managers' pages: thin shells over forms, profiles.py and accounts.py."""

import json

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from initiatives.models import Initiative
from initiatives.translation import active_language

from . import profiles
from .accounts import account_data, is_verified
from .forms import DeleteAccountForm, ManagementRequestForm, ManagerProfileForm, ProfileForm
from .models import Management, ManagerProfile, ProfileChange, managed_initiatives

# Limits per account, against floods from one verified address: requests staff have not decided
# yet, and profile changes still waiting for review.
MAX_OPEN_REQUESTS = 5
MAX_PENDING_CHANGES = 10


def forbidden(request, message: str):
    return render(request, "collaboration/forbidden.html", {"message": message}, status=403)


@login_required
@require_http_methods(["GET", "POST"])
def dashboard(request):
    """The account page: the initiatives managed, changes waiting, and the public profile's form."""
    profile = ManagerProfile.objects.filter(user=request.user).first()
    profile = profile or ManagerProfile(user=request.user, language=active_language())
    form = ManagerProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        # Not form.save(): a double submission of a first profile updates it instead of failing.
        ManagerProfile.objects.update_or_create(user=request.user, defaults=form.cleaned_data)
        messages.success(request, _("Your public profile is saved."))
        return redirect("collaboration:dashboard")
    managements = Management.objects.of(request.user).select_related("initiative")
    pending = ProfileChange.objects.pending().filter(author=request.user).select_related("initiative")
    context = {"managements": managements, "pending": pending, "profile_form": form}
    return render(request, "collaboration/dashboard.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def request_management(request, slug):
    initiative = get_object_or_404(Initiative.objects.published(), slug=slug)
    if not is_verified(request.user):
        return forbidden(request, _("Verify your e-mail address before asking to manage an initiative."))
    existing = Management.objects.of(request.user).filter(initiative=initiative).first()
    if existing and existing.status in (Management.Status.REFUSED, Management.Status.REVOKED):
        return forbidden(request, _("Your request to manage this initiative was refused or revoked; ask the catalogue's staff."))  # fmt: skip
    if existing and existing.status == Management.Status.APPROVED:
        return redirect("collaboration:edit", slug=slug)
    form = ManagementRequestForm(request.POST or None)
    if existing is None and Management.objects.of(request.user).requested().count() >= MAX_OPEN_REQUESTS:
        return forbidden(request, _("You have %(count)s requests waiting for staff; wait for their decision before asking again.") % {"count": MAX_OPEN_REQUESTS})  # fmt: skip
    if existing is None and request.method == "POST" and form.is_valid():
        # get_or_create: a double submission finds the first request instead of failing.
        Management.objects.get_or_create(
            user=request.user,
            initiative=initiative,
            defaults={"who_they_are": form.cleaned_data["who_they_are"], "page_language": active_language()},
        )
        messages.success(request, _("Your request was sent. Staff will check it; its status is shown below."))
        return redirect("collaboration:dashboard")
    return render(request, "collaboration/request.html", {"initiative": initiative, "form": form, "existing": existing})


@login_required
@require_http_methods(["GET", "POST"])
def edit_profile(request, slug):
    initiative = get_object_or_404(Initiative, slug=slug)
    if not is_verified(request.user) or not managed_initiatives(request.user).filter(pk=initiative.pk).exists():
        return forbidden(request, _("You do not manage this initiative."))
    initial = profiles.published_values(initiative)
    form = ProfileForm(request.POST or None, request.FILES or None, initial=initial, initiative=initiative)
    if (
        request.method == "POST"
        and ProfileChange.objects.pending().filter(author=request.user).count() >= MAX_PENDING_CHANGES
    ):
        form.add_error(None, _("%(count)s of your changes are waiting for review; send more once staff have reviewed them.") % {"count": MAX_PENDING_CHANGES})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        change = profiles.submit(
            initiative, request.user, form.cleaned_data, logo=form.cleaned_data.get("logo"), language=active_language()
        )
        if change is None:
            messages.info(request, _("Nothing changed."))
        elif change.status == ProfileChange.Status.PUBLISHED:
            messages.success(request, _("Your changes are published."))
        else:
            messages.success(request, _("Your changes were sent to the catalogue's staff for review."))
        return redirect("collaboration:dashboard")
    return render(request, "collaboration/edit.html", {"initiative": initiative, "form": form})


@login_required
@reauthentication_required
def export_account(request):
    data = json.dumps(account_data(request.user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    filename = f"catalogue-account-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        user.delete()  # its requests go with it; its published changes stay in history, unnamed
        messages.success(request, _("Your account was deleted."))
        return redirect("initiatives:home")
    return render(request, "collaboration/delete.html", {"form": form})
