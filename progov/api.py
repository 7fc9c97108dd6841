"""The API root: `/api/v1/`, with each app's router mounted under it."""

from __future__ import annotations

from ninja import Swagger

from progov.accounts.api_auth import BearerToken, SessionOrAnonymous
from progov.actions.api import router as actions_router
from progov.audit.api import router as audit_router
from progov.calendars.api import router as calendars_router
from progov.core.api import ProgovAPI, install_error_handlers
from progov.decisions.api import router as decisions_router
from progov.governance.api import router as governance_router
from progov.meetings.api import routers as meetings_routers

api = ProgovAPI(
    title="progov API",
    version="1",
    description=(
        "The programme-governance API. Reads are open to anonymous callers for public "
        "objects; writes need a secretariat or administrator token or session and an "
        "`If-Match` header carrying the version you read (missing → 428, stale → 412)."
    ),
    auth=[BearerToken(), SessionOrAnonymous()],
    urls_namespace="api",
    docs_url="/docs",
    # No deep links: Swagger UI puts them inside each operation's toggle button, a link
    # nested in a button that a keyboard and a screen reader cannot tell apart (axe's
    # nested-interactive) and too small to tap (target-size).
    docs=Swagger(settings={"deepLinking": False}),
    openapi_url="/openapi.json",
)
install_error_handlers(api)
api.add_router("/", governance_router)
api.add_router("/calendars", calendars_router)
api.add_router("/audit", audit_router)
api.add_router("/", actions_router)
api.add_router("/", decisions_router)
for meetings_router in meetings_routers:
    api.add_router("/meetings", meetings_router)
