from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from preceptor.core.http import AuthenticatedHttpRequest, media_response
from preceptor.core.ratelimit import Rate, rate_limited
from preceptor.profiles.forms import ProfileForm
from preceptor.profiles.models import Audience, Profile
from preceptor.profiles.selectors import avatar_visible, profile_page
from preceptor.profiles.services import profile_update

# ?as= on the owner's own page: how the public or a member sees it
PREVIEWS: dict[str, Audience] = {"public": "public", "member": "member"}
HANDLE_CHANGE_RATE = Rate(10, 60 * 60)  # saves that try a new handle: 10 an hour per member


@require_GET
def profile_detail(request: HttpRequest, handle: str) -> HttpResponse:
    page = profile_page(handle=handle, viewer=request.user, preview_as=PREVIEWS.get(request.GET.get("as", "")))
    if page is None:
        raise Http404
    response = render(request, "profiles/detail.html", {"page": page})
    if page.audience != "public" or page.viewer_is_owner:
        response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def profile_avatar(request: HttpRequest, handle: str) -> HttpResponseBase:
    profile = Profile.objects.filter(handle__iexact=handle, user__is_active=True).first()
    if profile is None or not avatar_visible(profile=profile, viewer=request.user):
        raise Http404
    public = profile.avatar_visibility == "public" and not profile.is_hidden
    return media_response(
        request,
        profile.avatar,
        content_type="image/jpeg",
        cache_control="public, max-age=300" if public else "private, no-store",
    )


@login_required
def profile_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = request.user.profile
    if request.method == "POST":
        # A handle must be unique, so the form says when one is taken, hidden profiles' too; trying many handles
        # to find members is what this limit stops (a hidden page itself answers 404 like a missing one).
        if request.POST.get("handle", "").strip().lower() != profile.handle.lower():
            refused = rate_limited(request, action="profiles.handle_change", rate=HANDLE_CHANGE_RATE)
            if refused:
                return refused
        form = ProfileForm(request.POST, request.FILES, instance=Profile.objects.get(pk=profile.pk))
        if form.is_valid():
            profile_update(
                profile=profile,
                actor=request.user,
                changes=form.changes(),
                avatar=form.avatar_file,
                remove_avatar=form.cleaned_data["remove_avatar"],
            )
            messages.success(request, _("Your profile has been saved."))
            return redirect("profiles:edit")
        messages.error(request, _("Please correct the errors below. Nothing has been saved yet."))
    else:
        form = ProfileForm(instance=profile)
    return render(request, "profiles/edit.html", {"form": form, "profile": profile})
