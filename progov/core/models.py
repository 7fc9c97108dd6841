"""Shared model building blocks. The core app owns no tables of its own."""

from __future__ import annotations

from django.db import models


class VersionedModel(models.Model):
    """A domain object written with optimistic concurrency.

    `version` starts at 1 and every service that changes the object raises it by one.
    A client that read version 3 sends `If-Match: 3`; if somebody else saved in between
    (version is now 4) the write is refused with 412 and nothing changes.
    """

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
