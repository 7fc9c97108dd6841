"""Mail settings from one URL (`PROGOV_EMAIL_URL`), read by settings.py.

    smtp://user:password@mail.example.org:587            SMTP with STARTTLS (587: by default;
                                                          ?tls=false turns it off, ?tls=true on)
    smtps://user:password@mail.example.org:465            SMTP over TLS
    console://                                            printed on the server's output
    file:///var/lib/progov/mail                           one file per message in that folder
    (unset)                                               console: nothing is sent

User and password are percent-decoded (a password with "@" is written "%40").
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
}
TRUE = {"1", "true", "yes", "on"}


class EmailURLError(ValueError):
    pass


def email_settings(url: str | None) -> dict[str, Any]:
    """Django's EMAIL_* settings for `url` (console when it is empty)."""
    if not url:
        return {"EMAIL_BACKEND": BACKENDS["console"]}
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in BACKENDS:
        raise EmailURLError(
            f"PROGOV_EMAIL_URL: unknown scheme {parts.scheme!r}; use smtp://, smtps://, "
            "console:// or file:///path."
        )
    out: dict[str, Any] = {"EMAIL_BACKEND": BACKENDS[scheme]}
    if scheme == "file":
        if not parts.path:
            raise EmailURLError(
                "PROGOV_EMAIL_URL: file:// needs a folder, e.g. file:///var/mail/progov."
            )
        out["EMAIL_FILE_PATH"] = unquote(parts.path)
    elif scheme in ("smtp", "smtps"):
        if not parts.hostname:
            raise EmailURLError(
                "PROGOV_EMAIL_URL: smtp:// needs a host, e.g. smtp://mail.example.org:587."
            )
        query = {k: v[-1].lower() for k, v in parse_qs(parts.query).items()}
        out.update(
            EMAIL_HOST=parts.hostname,
            EMAIL_PORT=parts.port or (465 if scheme == "smtps" else 25),
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_SSL=scheme == "smtps",
            # STARTTLS unless told otherwise on the submission port (587), or when asked.
            EMAIL_USE_TLS=scheme == "smtp"
            and query.get("tls", "true" if parts.port == 587 else "") in TRUE,
            EMAIL_TIMEOUT=int(query.get("timeout", "20")),
        )
    return out
