"""`/api/v1/meetings/…`: the feeds endpoints."""

from ninja import Router

router = Router(tags=["meetings"])
