from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from preceptor.accounts import hooks
from preceptor.accounts.forms import AccountForm
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
            )
            messages.success(request, _("Your account details have been saved."))
            return redirect("accounts:account")
        messages.error(request, _("Please correct the errors below. Nothing has been saved yet."))
    else:
        form = AccountForm(instance=user)
    return render(request, "accounts/account.html", {"form": form, "panels": panels(hooks.account_panels.call(user))})
