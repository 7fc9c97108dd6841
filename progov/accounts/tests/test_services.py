from __future__ import annotations

import pytest

from progov.accounts.models import ApiToken
from progov.accounts.services import (
    create_api_token,
    create_user,
    revoke_api_token,
    user_for_token,
)
from progov.audit.models import AuditEntry
from progov.core import access
from progov.core.errors import ValidationError

pytestmark = pytest.mark.django_db


@pytest.mark.shipped_password_hashing
def test_passwords_are_hashed_with_argon2():
    user, password = create_user(actor=None, username="pmo", role="secretariat")
    assert user.password.startswith("argon2")
    assert user.check_password(password)
    changes = AuditEntry.objects.get(object_type="accounts.user").changes
    assert "password" not in changes


def test_roles_that_may_write():
    writer_users = [
        create_user(actor=None, username=r, role=r)[0] for r in ("administrator", "secretariat")
    ]
    writers = {u.role for u in writer_users}
    readers = [
        create_user(actor=None, username=r, role=r)[0] for r in ("member", "observer", "public")
    ]
    assert writers == {"administrator", "secretariat"}
    # Without a chair or secretariat membership, only the staff roles manage anything.
    assert all(access.manages_anything(user=u) for u in writer_users)
    assert not any(access.manages_anything(user=u) for u in readers)
    with pytest.raises(ValidationError):
        create_user(actor=None, username="x", role="emperor")


def test_tokens_are_stored_hashed_and_can_be_revoked():
    user, _ = create_user(actor=None, username="pmo", role="secretariat")
    token, raw = create_api_token(actor=None, username="pmo")
    assert raw not in ApiToken.objects.values_list("key_hash", flat=True)
    assert user_for_token(raw) == user
    revoke_api_token(actor=None, token=token)
    assert user_for_token(raw) is None
    assert user_for_token("not-a-token") is None
