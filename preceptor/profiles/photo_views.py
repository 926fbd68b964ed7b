"""Taking the profile photo from a connected Facebook account (/settings/profile/facebook-photo/).

The page tells the member first what happens (the picture is copied once, shown to the audience they pick, beside
their name), then copies it on their POST. It exists only while Facebook sign-in is configured."""

from __future__ import annotations

from allauth.socialaccount.models import SocialAccount
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from preceptor.core.http import AuthenticatedHttpRequest
from preceptor.core.ratelimit import Rate, rate_limited
from preceptor.profiles.models import Visibility
from preceptor.profiles.remote import PictureUnavailable, facebook_picture_fetch, facebook_picture_url
from preceptor.profiles.services import profile_update

PROVIDER = "facebook"
FETCH_RATE = Rate(10, 60 * 60)  # copies of the picture: 10 an hour per member


class ProviderPhotoForm(forms.Form):
    action = forms.ChoiceField(choices=[("use", "use"), ("remove", "remove")], widget=forms.HiddenInput)
    avatar_visibility = forms.ChoiceField(
        label=gettext_lazy("Who sees the photo"), choices=Visibility.choices, required=False
    )


@login_required
def facebook_photo(request: AuthenticatedHttpRequest) -> HttpResponse:
    if PROVIDER not in (settings.SOCIALACCOUNT_PROVIDERS or {}):
        raise Http404
    profile = request.user.profile
    account = SocialAccount.objects.filter(user=request.user, provider=PROVIDER).order_by("-last_login").first()
    form = ProviderPhotoForm(initial={"action": "use", "avatar_visibility": profile.avatar_visibility})
    if request.method == "POST":
        form = ProviderPhotoForm(request.POST)
        if form.is_valid() and form.cleaned_data["action"] == "remove":
            if profile.avatar_source == PROVIDER:
                profile_update(profile=profile, actor=request.user, changes={}, remove_avatar=True)
                messages.success(request, _("The photo from Facebook has been removed."))
            return redirect("profiles:edit")
        if form.is_valid() and account is not None:
            refused = rate_limited(request, action="profiles.facebook_photo", rate=FETCH_RATE)
            if refused:
                return refused
            try:
                avatar = facebook_picture_fetch(account.extra_data)
            except PictureUnavailable as error:
                messages.error(request, _("We could not copy your Facebook profile picture: %(why)s") % {"why": error})
            else:
                visibility = form.cleaned_data["avatar_visibility"] or profile.avatar_visibility
                profile_update(
                    profile=profile,
                    actor=request.user,
                    changes={"avatar_visibility": visibility},
                    avatar=avatar,
                    avatar_source=PROVIDER,
                )
                messages.success(request, _("Your Facebook profile picture is now your photo on Preceptor."))
                return redirect("profiles:edit")
        elif account is None:
            messages.error(request, _("Connect your Facebook account first."))
    context = {
        "profile": profile,
        "account": account,
        "has_picture": bool(account and facebook_picture_url(account.extra_data)),
        "form": form,
        "here": reverse("profiles:facebook_photo"),
    }
    return render(request, "profiles/facebook_photo.html", context)
