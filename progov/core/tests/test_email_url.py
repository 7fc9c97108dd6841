"""PROGOV_EMAIL_URL → Django's mail settings (progov/core/email_url.py)."""

from __future__ import annotations

import pytest

from progov.core.email_url import BACKENDS, EmailURLError, email_settings


def test_smtp_with_starttls_and_a_percent_encoded_password():
    got = email_settings("smtp://pmo%40example.org:p%40ss@mail.example.org:587?tls=true")
    assert got["EMAIL_BACKEND"] == BACKENDS["smtp"]
    assert (got["EMAIL_HOST"], got["EMAIL_PORT"]) == ("mail.example.org", 587)
    assert (got["EMAIL_HOST_USER"], got["EMAIL_HOST_PASSWORD"]) == ("pmo@example.org", "p@ss")
    assert got["EMAIL_USE_TLS"] is True and got["EMAIL_USE_SSL"] is False


def test_smtps_defaults_to_port_465_and_plain_smtp_to_25():
    assert email_settings("smtps://mail.example.org")["EMAIL_PORT"] == 465
    assert email_settings("smtps://mail.example.org")["EMAIL_USE_SSL"] is True
    plain = email_settings("smtp://mail.example.org")
    assert plain["EMAIL_PORT"] == 25 and plain["EMAIL_USE_TLS"] is False
    # The submission port means STARTTLS unless turned off.
    assert email_settings("smtp://u:p@mail.example.org:587")["EMAIL_USE_TLS"] is True
    assert email_settings("smtp://mail.example.org:587?tls=false")["EMAIL_USE_TLS"] is False


def test_console_file_and_unset():
    assert email_settings(None) == {"EMAIL_BACKEND": BACKENDS["console"]}
    assert email_settings("console://") == {"EMAIL_BACKEND": BACKENDS["console"]}
    got = email_settings("file:///var/lib/progov/mail")
    assert got == {"EMAIL_BACKEND": BACKENDS["file"], "EMAIL_FILE_PATH": "/var/lib/progov/mail"}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("imap://mail.example.org", "unknown scheme 'imap'"),
        ("file://", "file:// needs a folder"),
        ("smtp://:587", "smtp:// needs a host"),
    ],
)
def test_a_bad_url_is_refused_naming_what_is_wrong(url, message):
    with pytest.raises(EmailURLError, match=message):
        email_settings(url)
