"""Logins, their programme role, and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    """What a login may do across the programme (until per-group access control).

    Example: the PMO officer who maintains the MHHS group pages is `secretariat`;
    a Large Supplier constituency representative is `member`; Ofgem is `observer`.
    """

    ADMINISTRATOR = "administrator", "Administrator"
    SECRETARIAT = "secretariat", "Secretariat (PMO)"
    MEMBER = "member", "Member"
    OBSERVER = "observer", "Observer"
    PUBLIC = "public", "Public"


class User(AbstractUser):
    """A person who can sign in to progov, e.g. `pmo` (role secretariat)."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PUBLIC)

    class Meta:
        db_table = "accounts_user"

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class ApiToken(models.Model):
    """A bearer token for the API, shown once at creation and stored only as a hash.

    Example: `progov token create pmo` prints `pgv_4kQ...`; a script then sends
    `Authorization: Bearer pgv_4kQ...`.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
