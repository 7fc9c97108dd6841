"""A base for management commands: every command is one act with one correlation id."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand

from progov.core.context import acting_as_system, correlation


class ProgovCommand(BaseCommand):
    """Runs `handle_act` with a correlation id and the CLI identity `cli:<os user>`."""

    def handle(self, *args: Any, **options: Any) -> str | None:
        try:
            who = getpass.getuser()
        except (KeyError, OSError):
            who = "unknown"
        with correlation(), acting_as_system(f"cli:{who}"):
            return self.handle_act(*args, **options)

    def handle_act(self, *args: Any, **options: Any) -> str | None:
        raise NotImplementedError
