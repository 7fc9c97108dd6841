"""`/api/v1/meetings`: listing, reading and changing meetings."""

from ninja import Router

router = Router(tags=["meetings"])
