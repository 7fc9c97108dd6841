"""Bodies are refused by their headers, before a byte is read (core.middleware
RequestBodyGuardMiddleware). Found from outside: an anonymous 120 MB paper upload was read
in full before the 401.

Each request here carries a `wsgi.input` that fails the test if it is read at all."""

from __future__ import annotations

import pytest
from django.test import Client

from progov.core.testing.api import bearer
from progov.core.testing.factories import MeetingFactory
from progov.meetings.models import Paper
from progov.meetings.tests import upload_samples as samples

BOUNDARY = "progovboundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
MB = 1024 * 1024


class Unreadable:
    """A request body nobody may read: the server must refuse it by its headers."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the request body was read")

    readline = read

    def __iter__(self):
        raise AssertionError("the request body was read")


def post_unread(client: Client, url: str, length: int | None, **extra):
    """POST a multipart body of `length` bytes (None: chunked, no Content-Length)."""
    body = Unreadable()
    # Set by hand: the test client sets neither CONTENT_TYPE nor wsgi.input for no data.
    headers = {"wsgi.input": body, "CONTENT_TYPE": MULTIPART, **extra}
    if length is None:
        headers["HTTP_TRANSFER_ENCODING"] = "chunked"
    else:
        headers["CONTENT_LENGTH"] = str(length)
    response = client.generic("POST", url, **headers)
    assert response.wsgi_request.content_type == "multipart/form-data"
    if length is None:
        assert (
            "CONTENT_LENGTH" not in response.wsgi_request.META
            or not (response.wsgi_request.META["CONTENT_LENGTH"])
        )
    return response


@pytest.fixture
def meeting(db, programme, psg):
    return MeetingFactory(group=psg)


@pytest.fixture
def csrf_client(db) -> Client:
    """A browser-like client: CSRF enforced, with a CSRF cookie (so the CSRF check would
    read the form's token from the body)."""
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    assert "csrftoken" in client.cookies
    return client


def test_an_anonymous_120_mb_upload_page_post_is_not_read(csrf_client, meeting):
    url = f"/meetings/{meeting.pk}/papers/upload/"
    response = post_unread(csrf_client, url, 120 * MB)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"
    assert not Paper.objects.exists()


def test_an_anonymous_120_mb_api_upload_is_not_read(client, meeting):
    response = post_unread(client, f"/api/v1/meetings/{meeting.pk}/papers", 120 * MB)
    assert response.status_code == 401
    assert "Sign in" in response.json()["detail"]
    assert response["X-Request-ID"]


@pytest.mark.parametrize("size", [65 * 1024, 20 * MB])
def test_any_anonymous_body_larger_than_a_sign_in_form_is_not_read(client, meeting, size):
    for url in (f"/meetings/{meeting.pk}/cancel/", "/accounts/login/", "/people/"):
        response = post_unread(client, url, size)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_bad_bearer_token_is_refused_before_the_body_is_read(client, meeting):
    response = post_unread(
        client,
        f"/api/v1/meetings/{meeting.pk}/papers",
        5 * MB,
        HTTP_AUTHORIZATION="Bearer pgv_not-a-token",
    )
    assert response.status_code == 401
    assert response.json()["detail"] == "The bearer token is unknown or revoked."


def test_a_signed_in_managers_oversized_upload_is_413_unread(client, meeting, pmo_user, settings):
    settings.PROGOV_MAX_UPLOAD_BYTES = 2 * MB
    client.force_login(pmo_user)
    page = post_unread(client, f"/meetings/{meeting.pk}/papers/upload/", 120 * MB)
    assert page.status_code == 413
    assert "the largest accepted is 3 MB" in page.content.decode()
    api = post_unread(client, f"/api/v1/meetings/{meeting.pk}/papers", 4 * MB, **bearer(pmo_user))
    assert api.status_code == 413
    assert api.json()["detail"].startswith("The request is 4 MB; the largest accepted is 3 MB")


def test_a_chunked_body_without_a_length_is_411_unread(client, meeting, pmo_user):
    client.force_login(pmo_user)
    response = post_unread(client, f"/meetings/{meeting.pk}/papers/upload/", None)
    assert response.status_code == 411
    api = post_unread(client, f"/api/v1/meetings/{meeting.pk}/papers", None, **bearer(pmo_user))
    assert api.status_code == 411 and "Content-Length" in api.json()["detail"]


def test_a_bad_content_length_is_400(client, meeting):
    response = client.generic(
        "POST", f"/api/v1/meetings/{meeting.pk}/papers", b"", CONTENT_LENGTH="lots"
    )
    assert response.status_code == 400


def test_uploads_within_the_limit_still_work(client, meeting, pmo_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        f"/api/v1/meetings/{meeting.pk}/papers",
        {"file": SimpleUploadedFile("pack.pdf", samples.PDF), "title": "Pack"},
        **bearer(pmo_user),
    )
    assert response.status_code == 201, response.content
    # A small anonymous form still reaches its view, which refuses it as before.
    anonymous = Client().post(
        f"/api/v1/meetings/{meeting.pk}/papers",
        {"file": SimpleUploadedFile("pack.pdf", samples.PDF), "title": "Pack"},
    )
    assert anonymous.status_code == 401
