"""`/api/v1/meetings/…`: the attendance endpoints."""

from ninja import Router

router = Router(tags=["meetings"])
