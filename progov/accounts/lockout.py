"""django-axes' database handler with a limit of its own for a client address.

Axes compares the failures counted for each lockout parameter (here the username, then
the client IP: `AXES_LOCKOUT_PARAMETERS`) with one limit. An office behind one address
would then be locked out whole by one person's five typos, administrators included. So the
client's count is weighed against `PROGOV_SIGNIN_CLIENT_FAILURE_LIMIT` (20 by default)
instead: a login locks after 5 failures from anywhere, an address after 20 failures for
any logins (a password sprayer's guesses), each for the cool-off.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.db.models import Sum


def client_failure_limit() -> int:
    return int(getattr(settings, "PROGOV_SIGNIN_CLIENT_FAILURE_LIMIT", 20))


class ProgovAxesHandler(AxesDatabaseHandler):
    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """The failures that count towards the lockout, on the login's scale: a client's
        failures are scaled by `AXES_FAILURE_LIMIT / PROGOV_SIGNIN_CLIENT_FAILURE_LIMIT`."""
        limit = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        worst = 0
        for parameter, attempts in zip(
            parameters, self.get_user_attempts(request, credentials), strict=True
        ):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            if parameter == "ip_address":
                failures = failures * limit // max(client_failure_limit(), 1)
            worst = max(worst, int(failures))
        return worst
