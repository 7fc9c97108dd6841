"""`/api/v1/meetings/…`: the papers endpoints."""

from ninja import Router

router = Router(tags=["meetings"])
