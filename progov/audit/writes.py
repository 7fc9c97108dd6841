"""The one write path of an update service: lock, check access and version, apply,
validate, diff, bump, save, audit.

Every `update_…` service (and every domain verb that changes fields of one row:
`move_meeting`, `publish_paper`, `answer_amendment`…) goes through `changing` or its
one-call form `update_versioned`, so the order of the checks and what is written are
the same everywhere:

1. the row is locked (`select_for_update(of=("self",))`: only the row itself, because
   PostgreSQL refuses FOR UPDATE on the nullable side of an outer join, and a
   `select_related` of a nullable foreign key is one);
2. the access policy is asked (`core.access.require(user=actor, action=…, obj=…)`);
3. the version the caller read is checked (`StaleVersion`, 412) for a `VersionedModel`;
4. the service applies its changes and rules (a `ValidationError` rolls everything back);
5. the audit diff `{field: [before, after]}` is computed over `fields`: when nothing
   changed nothing is written (no version bump, no audit entry), so re-sending the same
   values is a no-op;
6. otherwise the version goes up by one, only the changed columns are saved, and one
   `update` audit entry is written in the same transaction.

It lives in `audit` rather than `core` because it writes audit entries: `core` sits
below `audit` and owns no tables (docs/architecture.md, "Layers").

    @transaction.atomic
    def cancel_meeting(*, actor, meeting, expected_version, note=""):
        with changing(Meeting.objects.select_related("group"), meeting.pk, actor=actor,
                      expected_version=expected_version, fields=MEETING_FIELDS,
                      action="cancel") as change:
            if change.obj.status == MeetingStatus.HELD:
                raise ValidationError("A meeting that was held cannot be cancelled.")
            change.obj.status = MeetingStatus.CANCELLED
        return change.obj
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import time
from typing import Any, Generic, TypeVar

from django.db import transaction
from django.db.models import Manager, Model, QuerySet

from progov.audit.services import diff, record_update
from progov.core.access import require
from progov.core.bounds import check_bounds
from progov.core.concurrency import bump_version, check_version
from progov.core.errors import NotFound, ValidationError
from progov.core.models import VersionedModel

M = TypeVar("M", bound=Model)

Validator = Callable[[Any], "Mapping[str, list[str]] | None"]


def audit_value(obj: Model, name: str) -> Any:
    """A field's value as the audit trail shows it: a related object by its `audit_label`
    (a group by its acronym) or its name, a time as HH:MM, a many-to-many field as the
    sorted names of its objects."""
    value = getattr(obj, name)
    if isinstance(value, Manager):
        return sorted(str(related) for related in value.all())
    if isinstance(value, Model):
        label = getattr(value, "audit_label", None)
        return label if isinstance(label, str) else str(value)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return value


def snapshot(obj: Model, fields: Sequence[str]) -> dict[str, Any]:
    """`{field: audit value}` of `obj`: what a diff compares."""
    return {f: audit_value(obj, f) for f in fields}


def _columns(obj: Model) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _changed_columns(obj: Model, before: dict[str, Any]) -> list[str]:
    after = _columns(obj)
    names = [f.name for f in obj._meta.concrete_fields if before[f.attname] != after[f.attname]]
    for automatic in ("version", "updated_at"):
        if automatic not in names and any(f.name == automatic for f in obj._meta.concrete_fields):
            names.append(automatic)
    return names


def check_fields(changes: Mapping[str, Any], allowed: Sequence[str]) -> None:
    """Refuse changes to fields this service does not change (they have their own verbs)."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")


def refuse_empty(changes: Mapping[str, Any], required: Sequence[str]) -> None:
    """A required field cannot be set to nothing (`None` or "")."""
    errors = {
        name: [f"{name} cannot be empty."]
        for name in required
        if name in changes and changes[name] in (None, "")
    }
    if errors:
        raise ValidationError.from_field_errors(errors)


def run_validation(obj: Any, validate: Validator | None) -> None:
    """Run a rule check that raises `ValidationError` or returns `{field: [messages]}`."""
    if validate is None:
        return
    errors = validate(obj)
    if errors:
        raise ValidationError.from_field_errors(dict(errors))


@dataclass
class Change(Generic[M]):
    """One row being changed: the locked `obj`, and after `commit` its audit `delta`
    (empty when nothing changed)."""

    obj: M
    fields: tuple[str, ...]
    before: dict[str, Any]
    columns: dict[str, Any]
    delta: dict[str, list[Any]] = field(default_factory=dict)

    @classmethod
    def begin(cls, obj: M, fields: Sequence[str]) -> Change[M]:
        """Remember `obj` as it is (a row the caller already holds locked)."""
        names = tuple(fields)
        return cls(obj=obj, fields=names, before=snapshot(obj, names), columns=_columns(obj))

    @property
    def changed(self) -> bool:
        return bool(self.delta)

    def commit(self, *, actor: Any) -> dict[str, list[Any]]:
        """Diff over `fields`; if anything changed, bump the version, save the changed
        columns and write one `update` audit entry. Returns the diff."""
        obj = self.obj
        self.delta = diff(self.before, snapshot(obj, self.fields))
        if self.delta:
            changed = _changed_columns(obj, self.columns)
            # Only what this change writes: an old value is not a reason to refuse a new one.
            check_bounds(obj, [n for n in changed if n not in ("version", "updated_at")])
            if isinstance(obj, VersionedModel):
                bump_version(obj)
            obj.save(update_fields=changed)
            record_update(actor=actor, obj=obj, changes=self.delta)
        return self.delta


def insert(model: type[M], **values: Any) -> M:
    """A new row, saved after its values are checked against its columns' bounds
    (`core.bounds.check_bounds`: control characters, lengths, links, e-mails), so a
    service's create refuses what its update would: `insert(Organisation, name=…)`
    instead of `Organisation.objects.create(name=…)`."""
    obj = model(**values)
    check_bounds(obj)
    obj.save(force_insert=True)
    return obj


def lock(model_or_queryset: type[M] | QuerySet[M], pk: Any) -> M:
    """The row, locked for the rest of the transaction; NotFound when it is gone."""
    qs: QuerySet[M] = (
        model_or_queryset._default_manager.all()
        if isinstance(model_or_queryset, type)
        else model_or_queryset
    )
    obj = qs.select_for_update(of=("self",)).filter(pk=pk).first()
    if obj is None:
        raise NotFound(f"No {qs.model._meta.verbose_name} #{pk}.")
    return obj


@contextmanager
def changing(
    model_or_queryset: type[M] | QuerySet[M],
    pk: Any,
    *,
    actor: Any,
    expected_version: int | None,
    fields: Sequence[str],
    action: str = "change",
    validate: Validator | None = None,
) -> Iterator[Change[M]]:
    """Lock, require `action`, check the version; the block changes `change.obj`; then
    validate, diff over `fields` and, if anything changed, bump, save and audit."""
    with transaction.atomic():
        obj = lock(model_or_queryset, pk)
        require(user=actor, action=action, obj=obj)
        if isinstance(obj, VersionedModel):
            check_version(obj, expected_version)
        change = Change.begin(obj, fields)
        yield change
        run_validation(obj, validate)
        change.commit(actor=actor)


@dataclass(frozen=True)
class WritePath(Generic[M]):
    """`changing` bound to one kind of row: how to read it and which fields are audited.

    MEETINGS = WritePath(Meeting.objects.select_related("group"), MEETING_FIELDS)
    with MEETINGS.change(actor, meeting, expected_version, "cancel") as change: ...
    """

    rows: type[M] | QuerySet[M]
    fields: tuple[str, ...]

    def change(
        self, actor: Any, obj: Model, expected_version: int | None, action: str = "change"
    ) -> AbstractContextManager[Change[M]]:
        return changing(
            self.rows,
            obj.pk,
            actor=actor,
            expected_version=expected_version,
            fields=self.fields,
            action=action,
        )


def update_versioned(
    *,
    actor: Any,
    model_or_queryset: type[M] | QuerySet[M],
    pk: Any,
    expected_version: int | None,
    changes: Mapping[str, Any],
    action: str = "change",
    validate: Validator | None = None,
    fields: Sequence[str] | None = None,
    required: Sequence[str] = (),
) -> M:
    """Set `changes` on the row `pk` through `changing`; `fields` (default: the changed
    names) are both what may be changed and what the audit diff covers; `required`
    fields cannot be set empty."""
    allowed = tuple(fields) if fields is not None else tuple(changes)
    check_fields(changes, allowed)
    with changing(
        model_or_queryset,
        pk,
        actor=actor,
        expected_version=expected_version,
        fields=allowed,
        action=action,
        validate=validate,
    ) as change:
        refuse_empty(changes, required)
        for name, value in changes.items():
            setattr(change.obj, name, value)
    return change.obj


__all__ = [
    "Change",
    "WritePath",
    "audit_value",
    "changing",
    "check_fields",
    "insert",
    "lock",
    "refuse_empty",
    "run_validation",
    "snapshot",
    "update_versioned",
]
