from __future__ import annotations

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from preceptor.accounts import hooks
from preceptor.accounts.forms import AccountForm
from preceptor.accounts.middleware import SECOND_FACTORS
from preceptor.accounts.models import User
from preceptor.accounts.services import account_update
from preceptor.core.hooks import panels
from preceptor.core.http import AuthenticatedHttpRequest


@login_required
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = AccountForm(request.POST, instance=User.objects.get(pk=user.pk))
        if form.is_valid():
            account_update(
                user=user,
                full_name=form.cleaned_data["full_name"],
                phone=form.cleaned_data["phone"],
                time_zone=form.cleaned_data["time_zone"] or None,
                language=form.cleaned_data["language"],
            )
            messages.success(request, _("Your account details have been saved."))
            return redirect("accounts:account")
        messages.error(request, _("Please correct the errors below. Nothing has been saved yet."))
    else:
        form = AccountForm(instance=user)
    context = {
        "form": form,
        "panels": panels(hooks.account_panels.call(user)),
        "mfa_enabled": is_mfa_enabled(user, SECOND_FACTORS),
    }
    return render(request, "accounts/account.html", context)


@require_safe
def admin_login(request: HttpRequest) -> HttpResponse:
    """``/admin/login/``: never the admin's own password form, always the site's throttled, two-factor sign-in.

    Anonymous visitors go to the sign-in page with ``next`` kept (the admin index when absent or unsafe); a
    signed-in staff member goes on to ``next``; a signed-in member who is not staff may not enter (403).
    """
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if not (request.user.is_staff and request.user.is_active):
            raise PermissionDenied
        return HttpResponseRedirect(next_url)  # a URL, never a view name: redirect("1024") would look one up
    return redirect(f"{reverse('account_login')}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")
