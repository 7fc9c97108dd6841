"""Programme closure days: extra non-working days layered on a named calendar."""

from __future__ import annotations

from django.db import models

from progov.governance.models import Programme


class ClosureDay(models.Model):
    """A day a programme does not work although its calendar would.

    Example: MHHS closes on Friday 27 Dec 2024, "Christmas shutdown"; its deadlines,
    counted on england-and-wales, then skip that day as well as the bank holidays.

    Closure days are only added and removed, never edited, so they carry no version:
    the API adds and removes them without If-Match (removing one twice answers 404).
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="closure_days")
    date = models.DateField()
    name = models.CharField(max_length=100, help_text='e.g. "Christmas shutdown"')
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme", "date"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "date"], name="uniq_closure_day")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.date:%d %b %Y})"
