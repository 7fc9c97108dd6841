"""`/api/v1/meetings/…`: the agenda endpoints."""

from ninja import Router

router = Router(tags=["meetings"])
