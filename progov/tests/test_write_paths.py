"""The three write paths: services (`audit.writes`), pages (`core.pages.handle_write`)
and versioned API endpoints (`core.api.versioned_write`)."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from progov.audit.models import AuditEntry
from progov.audit.writes import changing, update_versioned
from progov.core.api import versioned_write
from progov.core.errors import (
    NotFound,
    PermissionDenied,
    PreconditionRequired,
    StaleVersion,
    ValidationError,
)
from progov.core.forms import VersionForm
from progov.core.pages import Refusal, handle_write
from progov.core.testing.factories import GroupFactory
from progov.governance.models import GovernanceGroup, Workstream

pytestmark = pytest.mark.django_db


def _entries(obj):
    return list(AuditEntry.objects.filter(object_id=str(obj.pk), object_type=obj._meta.label_lower))


# --- services: lock, access, version, validate, diff, bump, save, audit ----------------


def test_update_versioned_bumps_saves_and_audits_the_diff(programme, pmo_user):
    group = GroupFactory(programme=programme, acronym="DAG", name="Design Advisory Group")
    updated = update_versioned(
        actor=pmo_user,
        model_or_queryset=GovernanceGroup,
        pk=group.pk,
        expected_version=1,
        changes={"name": "Design Authority Group", "timeframe": group.timeframe},
    )
    assert updated.version == 2
    group.refresh_from_db()
    assert (group.name, group.version) == ("Design Authority Group", 2)
    (entry,) = _entries(group)
    assert entry.action == "update"
    assert entry.changes == {"name": ["Design Advisory Group", "Design Authority Group"]}
    assert entry.actor_label == "pmo"


def test_nothing_changed_means_no_bump_and_no_audit_entry(programme, pmo_user):
    group = GroupFactory(programme=programme, acronym="DAG", name="Design Advisory Group")
    again = update_versioned(
        actor=pmo_user,
        model_or_queryset=GovernanceGroup,
        pk=group.pk,
        expected_version=1,
        changes={"name": "Design Advisory Group"},
    )
    assert again.version == 1
    group.refresh_from_db()
    assert group.version == 1
    assert _entries(group) == []


def test_a_stale_version_writes_nothing(programme, pmo_user):
    group = GroupFactory(programme=programme, acronym="DAG", name="Design Advisory Group")
    with pytest.raises(StaleVersion):
        update_versioned(
            actor=pmo_user,
            model_or_queryset=GovernanceGroup,
            pk=group.pk,
            expected_version=7,
            changes={"name": "Other"},
        )
    group.refresh_from_db()
    assert (group.name, group.version) == ("Design Advisory Group", 1)
    assert _entries(group) == []


def test_access_is_required_before_anything_changes(programme, member_user):
    group = GroupFactory(programme=programme, acronym="DAG", name="Design Advisory Group")
    with pytest.raises(PermissionDenied):
        update_versioned(
            actor=member_user,
            model_or_queryset=GovernanceGroup,
            pk=group.pk,
            expected_version=1,
            changes={"name": "Other"},
        )
    group.refresh_from_db()
    assert group.name == "Design Advisory Group"


def test_a_missing_row_is_not_found(pmo_user):
    with pytest.raises(NotFound):
        update_versioned(
            actor=pmo_user,
            model_or_queryset=GovernanceGroup,
            pk=987654,
            expected_version=1,
            changes={"name": "x"},
        )


def test_validation_field_errors_roll_the_change_back(programme, pmo_user):
    group = GroupFactory(programme=programme, acronym="DAG", name="Design Advisory Group")

    def validate(g):
        return {"name": ["Too long."]} if len(g.name) > 10 else None

    with pytest.raises(ValidationError) as caught:
        update_versioned(
            actor=pmo_user,
            model_or_queryset=GovernanceGroup,
            pk=group.pk,
            expected_version=1,
            changes={"name": "A far too long name"},
            validate=validate,
        )
    assert caught.value.field_errors == {"name": ["Too long."]}
    group.refresh_from_db()
    assert (group.name, group.version) == ("Design Advisory Group", 1)
    assert _entries(group) == []


def test_required_fields_cannot_be_emptied_and_unknown_fields_are_refused(programme, pmo_user):
    group = GroupFactory(programme=programme, acronym="DAG")
    with pytest.raises(ValidationError) as caught:
        update_versioned(
            actor=pmo_user,
            model_or_queryset=GovernanceGroup,
            pk=group.pk,
            expected_version=1,
            changes={"name": ""},
            required=("name",),
        )
    assert caught.value.field_errors == {"name": ["name cannot be empty."]}
    with pytest.raises(ValidationError):
        update_versioned(
            actor=pmo_user,
            model_or_queryset=GovernanceGroup,
            pk=group.pk,
            expected_version=1,
            changes={"version": 9},
            fields=("name",),
        )
    group.refresh_from_db()
    assert group.version == 1


def test_only_changed_columns_are_saved(programme, pmo_user):
    group = GroupFactory(programme=programme, acronym="DAG", name="Design Advisory Group")
    # Someone else's write to another column, behind the locked copy's back, survives.
    with changing(
        GovernanceGroup, group.pk, actor=pmo_user, expected_version=1, fields=("name",)
    ) as change:
        GovernanceGroup.objects.filter(pk=group.pk).update(timeframe="To Q4 23/24")
        change.obj.name = "Design Authority Group"
    assert change.delta == {"name": ["Design Advisory Group", "Design Authority Group"]}
    group.refresh_from_db()
    assert (group.name, group.timeframe, group.version) == (
        "Design Authority Group",
        "To Q4 23/24",
        2,
    )


def test_rows_without_a_version_are_audited_but_not_bumped(programme, pmo_user):
    workstream = Workstream.objects.create(programme=programme, name="Design")
    updated = update_versioned(
        actor=pmo_user,
        model_or_queryset=Workstream,
        pk=workstream.pk,
        expected_version=None,
        changes={"mailbox": "design@example.org"},
    )
    assert updated.mailbox == "design@example.org"
    (entry,) = _entries(workstream)
    assert entry.changes == {"mailbox": ["", "design@example.org"]}


# --- pages: valid → service → answer; 409 stale, 400 field errors, 403, 404 -------------


class NameForm(VersionForm):
    name = forms.CharField()


def _post(data):
    return RequestFactory().post("/x/", data)


def _write(request, form, call):
    outcome: dict[str, object] = {}

    def refused(refusal: Refusal) -> HttpResponse:
        outcome["refusal"] = refusal
        return HttpResponse(status=refusal.status)

    response = handle_write(
        request,
        form,
        call=call,
        success=lambda result: HttpResponse(f"done {result}"),
        refused=refused,
    )
    return response, outcome.get("refusal")


def test_page_write_success_calls_the_service_with_the_cleaned_data():
    form = NameForm({"version": "3", "name": "DAG"})
    response, refusal = _write(_post({}), form, lambda data: f"{data['name']}@{data['version']}")
    assert response.status_code == 200
    assert response.content == b"done DAG@3"
    assert refusal is None


def test_page_write_stale_version_is_409_with_the_message():
    def stale(data):
        raise StaleVersion(expected=3, current=4)

    response, refusal = _write(_post({}), NameForm({"version": "3", "name": "DAG"}), stale)
    assert response.status_code == 409
    assert refusal.stale
    assert "changed since you loaded the page" in refusal.message


def test_page_write_field_errors_land_on_the_form_with_400():
    form = NameForm({"version": "3", "name": "DAG"})

    def refuse(data):
        raise ValidationError.for_field("name", "Another group already uses DAG.")

    response, refusal = _write(_post({}), form, refuse)
    assert response.status_code == 400
    assert form.errors["name"] == ["Another group already uses DAG."]
    assert refusal.field_errors == {"name": ["Another group already uses DAG."]}


def test_page_write_invalid_form_is_400_without_calling_the_service():
    called: list[dict[str, object]] = []
    response, refusal = _write(_post({}), NameForm({"name": "DAG"}), called.append)
    assert response.status_code == 400
    assert called == []
    assert "version" in refusal.message


def test_page_write_permission_denied_is_403_and_hidden_is_404():
    def denied(data):
        raise PermissionDenied("Only the secretariat can change a meeting.")

    def hidden(data):
        raise NotFound("No such meeting.")

    with pytest.raises(DjangoPermissionDenied):
        _write(_post({}), None, denied)
    with pytest.raises(Http404):
        _write(_post({}), None, hidden)


# --- API: If-Match (428), stale (412), ETag on the answer -------------------------------


class Answer:
    def __init__(self, version):
        self.version = version


def _api_request(user, if_match=None):
    headers = {"HTTP_IF_MATCH": if_match} if if_match is not None else {}
    request = RequestFactory().patch("/api/v1/x", **headers)
    request.auth = user  # type: ignore[attr-defined]
    request.user = user
    return request


def test_versioned_write_passes_the_if_match_version_and_sets_the_etag(pmo_user):
    seen = []
    response = HttpResponse()

    def write(user, expected):
        seen.append((user, expected))
        return Answer(expected + 1)

    out = versioned_write(_api_request(pmo_user, 'W/"3"'), response, write)
    assert seen == [(pmo_user, 3)]
    assert out.version == 4
    assert response["ETag"] == '"4"'


def test_versioned_write_shapes_the_answer_and_takes_the_etag_from_it(pmo_user):
    response = HttpResponse()
    out = versioned_write(
        _api_request(pmo_user, "2"),
        response,
        lambda user, expected: Answer(expected),
        lambda answer: {"version": answer.version + 10},
    )
    assert out == {"version": 12}
    assert response["ETag"] == '"12"'


def test_versioned_write_without_if_match_is_428_and_calls_nothing(pmo_user):
    called: list[int] = []
    with pytest.raises(PreconditionRequired) as caught:
        versioned_write(_api_request(pmo_user), HttpResponse(), lambda u, v: called.append(v))
    assert caught.value.status_code == 428
    assert called == []


def test_versioned_write_stale_is_412(pmo_user):
    def write(user, expected):
        raise StaleVersion(expected=expected, current=5)

    with pytest.raises(StaleVersion) as caught:
        versioned_write(_api_request(pmo_user, "4"), HttpResponse(), write)
    assert caught.value.status_code == 412


def test_versioned_write_asks_who_may_write_before_the_version(member_user):
    for user in (AnonymousUser(), member_user):
        with pytest.raises(PermissionDenied):
            versioned_write(_api_request(user), HttpResponse(), lambda u, v: None)


def test_the_api_maps_the_helpers_errors_to_http(client, programme, pmo_user):
    from progov.accounts.services import create_api_token

    GroupFactory(programme=programme, acronym="DAG")
    _token, raw = create_api_token(actor=None, username=pmo_user.username, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    url = "/api/v1/groups/DAG"
    body = {"name": "Design Authority Group"}
    missing = client.patch(url, body, content_type="application/json", **auth)
    assert missing.status_code == 428
    stale = client.patch(url, body, content_type="application/json", HTTP_IF_MATCH="9", **auth)
    assert stale.status_code == 412
    ok = client.patch(url, body, content_type="application/json", HTTP_IF_MATCH="1", **auth)
    assert ok.status_code == 200
    assert ok["ETag"] == '"2"'
