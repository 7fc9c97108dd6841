"""What an owner, as the action logs print it, stands for.

The packs write owners in a few shapes (seeds 002–004):

- a person: "Ian Smith";
- an organisation, by name, short name or alias: "Ofgem", "Programme", "PMO";
- an organisation with named people: "Programme (Ian Smith)", "Programme (Lewis Hall &
  Fraser Mathieson)", "Programme (PMO/PPC)" (a team, not a person: the organisation only);
- several owners joined by "and" or "&": "Programme and IPA";
- a group's members: "TMAG members", "DAG members", "PSG Constituency Representatives";
- the chair of the action's own group: "Chair".

`resolve_owner` reads the programme's people, organisations, aliases and groups once per
call (a few queries) and answers the targets it found; what it cannot place stays text
only, and the group's chair and secretariat act on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q

from progov.actions.models import OwnerAlias
from progov.governance.models import (
    GovernanceGroup,
    Membership,
    MembershipRole,
    Organisation,
    Person,
    Programme,
)

# "<ACRONYM> members", "<ACRONYM> Constituency Representatives", "<ACRONYM> reps"
_GROUP_WORDS = re.compile(
    r"^(?P<acronym>[A-Za-z0-9.&/-]+)\s+(?:members|constituency\s+representatives|"
    r"representatives|reps|chairs?)$",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"\s*(?:&|\band\b|,|;|\+)\s*", re.IGNORECASE)
_OUTER = re.compile(r"^(?P<outer>[^()]*?)\s*\((?P<inner>[^()]*)\)\s*$")


@dataclass
class ResolvedOwner:
    """The people, organisations and groups an owner's text stands for."""

    text: str
    people: list[Person] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    groups: list[GovernanceGroup] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.people or self.organisations or self.groups)

    def add(self, target: Any) -> None:
        bucket = (
            self.people
            if isinstance(target, Person)
            else self.organisations
            if isinstance(target, Organisation)
            else self.groups
        )
        if all(t.pk != target.pk for t in bucket):
            bucket.append(target)


class OwnerDirectory:
    """The programme's names, read once, for resolving many owners (an import)."""

    def __init__(self, programme: Programme, *, today: date | None = None):
        self.programme = programme
        self.today = today or date.today()
        self.people: dict[str, Person] = {}
        for person in Person.objects.filter(programme=programme).select_related("organisation"):
            self.people.setdefault(person.name.casefold(), person)
        self.organisations: dict[str, Organisation] = {}
        for org in Organisation.objects.filter(programme=programme):
            self.organisations.setdefault(org.name.casefold(), org)
            if org.short_name:
                self.organisations.setdefault(org.short_name.casefold(), org)
        self.aliases: dict[str, Any] = {}
        for alias in OwnerAlias.objects.filter(programme=programme).select_related(
            "organisation", "person"
        ):
            self.aliases[alias.alias.casefold()] = alias.person or alias.organisation
        self.groups: dict[str, GovernanceGroup] = {
            g.acronym.casefold(): g for g in GovernanceGroup.objects.filter(programme=programme)
        }
        self._chairs: dict[int, list[Person]] | None = None

    def chairs(self, group: GovernanceGroup) -> list[Person]:
        if self._chairs is None:
            self._chairs = {}
            current = Membership.objects.filter(
                group__programme=self.programme,
                role=MembershipRole.CHAIR,
                start_date__lte=self.today,
            ).filter(Q(end_date__isnull=True) | Q(end_date__gte=self.today))
            for m in current.select_related("person"):
                self._chairs.setdefault(m.group_id, []).append(m.person)
        return self._chairs.get(group.pk, [])

    def _one(self, name: str, group: GovernanceGroup | None) -> Any | None:
        key = name.strip().casefold()
        if not key:
            return None
        if key in self.aliases:
            return self.aliases[key]
        if key in self.people:
            return self.people[key]
        if key in self.organisations:
            return self.organisations[key]
        match = _GROUP_WORDS.match(name.strip())
        if match and (found := self.groups.get(match["acronym"].casefold())) is not None:
            return found
        return None

    def resolve(self, text: str, *, group: GovernanceGroup | None = None) -> ResolvedOwner:
        text = " ".join(text.split())
        resolved = ResolvedOwner(text=text)
        whole = self._one(text, group)
        if whole is not None:
            resolved.add(whole)
            return resolved
        if text.casefold() in ("chair", "the chair") and group is not None:
            for person in self.chairs(group):
                resolved.add(person)
            return resolved
        outer, inner = text, ""
        if match := _OUTER.match(text):
            outer, inner = match["outer"], match["inner"]
        for part in _SPLIT.split(outer):
            if (found := self._one(part, group)) is not None:
                resolved.add(found)
        for part in _SPLIT.split(inner):
            # A team in brackets ("PMO/PPC", "Design Team") names no one more.
            if (found := self._one(part, group)) is not None:
                resolved.add(found)
        return resolved


def resolve_owner(
    *, programme: Programme, text: str, group: GovernanceGroup | None = None
) -> ResolvedOwner:
    """What `text` stands for in `programme` (see the module's shapes)."""
    return OwnerDirectory(programme).resolve(text, group=group)
