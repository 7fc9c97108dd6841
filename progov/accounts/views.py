"""Signing in, the lockout after failed sign-ins, and unlocking a login.

| URL                          | name               | who                       |
|------------------------------|--------------------|---------------------------|
| /accounts/login/             | accounts:login     | anyone                    |
| /accounts/logout/            | accounts:logout    | anyone (POST)             |
| /accounts/lockouts/          | accounts:lockouts  | administrators            |
| /accounts/lockouts/unlock/   | accounts:unlock    | administrators (POST)     |

Failed sign-ins are counted by django-axes (`AxesStandaloneBackend` refuses a locked
account or client before its password is checked; settings: the sign-in block). The
sign-in view records each sign-in and each counted failure (`accounts.services`); a refused
sign-in is answered by `locked_out` (`AXES_LOCKOUT_CALLABLE`): the sign-in page with the
lockout message, 429 and `Retry-After`.
"""

from __future__ import annotations

import math
from typing import Any

from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from progov.accounts import selectors, services
from progov.accounts.forms import UnlockForm
from progov.core.auth import is_signed_in
from progov.core.clients import client_ip
from progov.core.errors import NotFound, ValidationError
from progov.core.pages import Refusal, handle_write
from progov.core.readcache import depends_on


class SignInView(LoginView):
    """Django's sign-in page, recording each sign-in and each counted failure."""

    template_name = "accounts/login.html"

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        services.record_sign_in(user=form.get_user(), client=client_ip(self.request))
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        request = self.request
        # Set by django-axes once it counted this failure (not for a blank form, nor for
        # an attempt refused during a lockout).
        if getattr(request, "axes_failures_since_start", None) is not None:
            services.record_failed_sign_in(
                username=str(form.cleaned_data.get("username") or ""),
                client=client_ip(request),
                locked_out=bool(getattr(request, "axes_locked_out", False)),
            )
        return super().form_invalid(form)


def _safe_next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The answer to a refused sign-in: the sign-in page saying until when sign-in is
    paused and why, with 429 and `Retry-After` (django-axes' `AXES_LOCKOUT_CALLABLE`)."""
    given = credentials if isinstance(credentials, dict) else {}
    username = str(given.get("username") or request.POST.get("username", ""))[:150]
    lock = selectors.lockout_of(username=username, ip=client_ip(request))
    now = timezone.now()
    until = lock.until if lock is not None else now + selectors.cool_off()
    seconds = max(1, math.ceil((until - now).total_seconds()))
    context = {
        "form": AuthenticationForm(request, initial={"username": username}),
        "next": _safe_next(request, request.POST.get("next") or request.GET.get("next")),
        "lockout": {
            "what": lock.what if lock is not None else "account",
            "until": until,
            "minutes": math.ceil(seconds / 60),
            "limit": lock.limit if lock is not None else selectors.failure_limit(),
            "cool_off_minutes": int(selectors.cool_off().total_seconds() // 60),
        },
    }
    answer = render(request, "accounts/login.html", context, status=429)
    answer["Retry-After"] = str(seconds)
    return answer


def _lockouts_page(
    request: HttpRequest, form: UnlockForm | None = None, *, status: int = 200
) -> HttpResponse:
    context = {
        "lockouts": selectors.current_lockouts(user=request.user),
        "form": form,
        "limit": selectors.failure_limit(),
        "client_limit": selectors.limit_for("client"),
        "cool_off_minutes": int(selectors.cool_off().total_seconds() // 60),
    }
    return render(request, "accounts/lockouts.html", context, status=status)


def _administrators_only(request: HttpRequest) -> HttpResponse | None:
    if not is_signed_in(request.user):
        return redirect_to_login(request.get_full_path())
    if not selectors.may_unlock(user=request.user):
        raise DjangoPermissionDenied("Only an administrator can see and unlock sign-in lockouts.")
    return None


@depends_on(selectors.lockouts_fingerprint)
@require_GET
def lockouts(request: HttpRequest) -> HttpResponse:
    """The logins and clients whose sign-in is paused now, each with an Unlock button."""
    return _administrators_only(request) or _lockouts_page(request)


@require_POST
def unlock(request: HttpRequest) -> HttpResponse:
    """Unlock a login (`username`); back to `next` (the person's page, say) or the list."""
    refusal = _administrators_only(request)
    if refusal is not None:
        return refusal
    form = UnlockForm(request.POST)

    def done(cleared: int) -> HttpResponse:
        username = form.cleaned_data["username"]
        if cleared:
            messages.success(
                request, f"“{username}” is unlocked: {cleared} failed sign-ins were cleared."
            )
        else:
            messages.info(request, f"“{username}” had no failed sign-ins to clear.")
        return redirect(
            _safe_next(request, form.cleaned_data.get("next")) or reverse("accounts:lockouts")
        )

    def refused(refusal: Refusal) -> HttpResponse:
        return _lockouts_page(request, form, status=refusal.status)

    def call(data: dict[str, Any]) -> int:
        try:
            return services.unlock_login(actor=request.user, username=data["username"])
        except NotFound as exc:  # a mistyped name: say so at the field
            raise ValidationError.for_field("username", exc.message) from None

    return handle_write(
        request,
        form,
        call=call,
        success=done,
        refused=refused,
        invalid="Name the login to unlock.",
    )


@require_GET
def password_reset_sent(request: HttpRequest) -> HttpResponse:
    """After asking for a reset link: the same answer whether the address is known or not."""
    return render(request, "accounts/password_reset_sent.html")


@require_GET
def password_reset_complete(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_complete.html")
