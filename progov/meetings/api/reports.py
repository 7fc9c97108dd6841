"""`/api/v1/meetings/…`: the reports endpoints."""

from ninja import Router

router = Router(tags=["meetings"])
