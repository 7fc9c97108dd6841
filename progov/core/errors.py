"""Domain errors raised by services and mapped to HTTP by the API and views."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a user can act on."""

    status_code = 400

    def __init__(self, message: str, *, field_errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class ValidationError(DomainError):
    """Input breaks a domain rule (a cycle, a duplicate acronym, dates out of order)."""

    status_code = 422

    @classmethod
    def for_field(cls, field: str, message: str) -> ValidationError:
        return cls(message, field_errors={field: [message]})

    @classmethod
    def from_field_errors(cls, errors: dict[str, list[str]]) -> ValidationError:
        """All the field errors, led by the first one as the message."""
        return cls(next(iter(errors.values()))[0], field_errors=errors)


class NotFound(DomainError):
    """The object does not exist, or the user may not see it: the two look the same."""

    status_code = 404


class PermissionDenied(DomainError):
    """The user may see the object but not change it."""

    status_code = 403


class PreconditionRequired(DomainError):
    """A write arrived without `If-Match`."""

    status_code = 428


class StaleVersion(DomainError):
    """A write named a version that is no longer current."""

    status_code = 412

    def __init__(self, *, expected: int, current: int):
        super().__init__(
            f"The object has changed since you read it (you sent version {expected}, "
            f"it is now version {current}). Reload it and apply your change again.",
        )
        self.expected = expected
        self.current = current
