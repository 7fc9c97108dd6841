"""The one error a pack raises: every problem, each as "line N: message"."""

from __future__ import annotations


class PackError(Exception):
    """The pack cannot be loaded; `errors` lists every problem as "line N: message"."""

    def __init__(self, errors: list[str], *, pack: str = "") -> None:
        self.errors = list(errors)
        self.pack = pack
        super().__init__(self.render())

    def render(self) -> str:
        name = f"Pack {self.pack}" if self.pack else "The pack"
        count = len(self.errors)
        head = f"{name} has {count} error{'s' if count != 1 else ''}; nothing was loaded:"
        return "\n".join([head, *(f"  {e}" for e in self.errors)])
