"""The decision log's page forms; the services hold the rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from progov.core.forms import DayField, VersionForm
from progov.decisions.models import Appeal, Basis, Condition, Outcome


class RecordDecisionForm(forms.Form):
    meeting = forms.ChoiceField(label="Taken at", required=False)
    agenda_item = forms.ChoiceField(
        label="Agenda item",
        required=False,
        help_text="The item of that meeting it was decided under.",
    )
    subject = forms.CharField(
        label="Subject", max_length=300, error_messages={"required": "Say what was decided on."}
    )
    subject_type = forms.ChoiceField(label="Kind of decision")
    recommendation = forms.CharField(
        label="The recommendation put to the group",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    outcome = forms.ChoiceField(label="Outcome", choices=Outcome.choices)
    conditions = forms.CharField(
        label="Conditions (one per line)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For an acceptance subject to conditions: each is tracked.",
    )
    basis = forms.ChoiceField(label="Basis", choices=Basis.choices)
    rationale = forms.CharField(
        label="Rationale", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    recording_time = forms.CharField(
        label="Time in the recording", required=False, max_length=12, help_text="e.g. 00:42:10"
    )
    cost_impact_gbp = forms.DecimalField(
        label="Cost or benefit impact (£)",
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("-1e12"),
        max_value=Decimal("1e12"),
    )
    tom_impact = forms.BooleanField(
        label="A material impact on the Target Operating Model", required=False
    )
    consumer_impact = forms.BooleanField(label="A material impact on consumers", required=False)
    competition_impact = forms.BooleanField(
        label="A material impact on competition", required=False
    )
    review_on = DayField(label="Review date", required=False)
    deferred_to = forms.ChoiceField(
        label="Deferred to", required=False, help_text="For a deferral: the later meeting."
    )
    majority_view = forms.CharField(
        label="Majority view", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    minority_view = forms.CharField(
        label="Minority view", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    minority_constituencies = forms.MultipleChoiceField(
        label="Constituencies holding the minority view",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    actions = forms.CharField(
        label="Actions it decides (refs)",
        required=False,
        max_length=400,
        help_text="e.g. PSG23-04, DAG13-08",
    )

    def __init__(
        self,
        *args: Any,
        meetings: list[Any],
        subjects: list[tuple[str, str]],
        later: list[Any] | None = None,
        constituencies: list[Any] | None = None,
        agenda_items: list[Any] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        meeting = self.fields["meeting"]
        assert isinstance(meeting, forms.ChoiceField)
        meeting.choices = [("", "By the chair outside a meeting")] + [
            (str(m.pk), f"{m.group.acronym} #{m.number}, {m.start:%a %-d %b %Y}") for m in meetings
        ]
        self.meetings = {str(m.pk): m for m in meetings}
        by_meeting: dict[int, list[Any]] = {}
        for item in agenda_items or []:
            by_meeting.setdefault(item.meeting_id, []).append(item)
        item_field = self.fields["agenda_item"]
        assert isinstance(item_field, forms.ChoiceField)
        item_field.choices = [("", "None given")] + [
            (
                f"{m.group.acronym} #{m.number}",
                [(str(i.pk), f"{i.position}. {i.title}") for i in by_meeting[m.pk]],
            )
            for m in meetings
            if m.pk in by_meeting
        ]
        self.agenda_items = {str(i.pk): i for i in agenda_items or []}
        kind = self.fields["subject_type"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = subjects
        later = later or []
        deferred = self.fields["deferred_to"]
        assert isinstance(deferred, forms.ChoiceField)
        deferred.choices = [("", "Not deferred")] + [
            (str(m.pk), f"{m.group.acronym} #{m.number}, {m.start:%a %-d %b %Y}") for m in later
        ]
        self.later = {str(m.pk): m for m in later}
        constituencies = constituencies or []
        held = self.fields["minority_constituencies"]
        assert isinstance(held, forms.MultipleChoiceField)
        held.choices = [(c.code, c.name) for c in constituencies]
        self.constituencies = {c.code: c for c in constituencies}
        self.fieldsets = [
            (
                "The decision",
                [
                    "meeting",
                    "agenda_item",
                    "subject",
                    "subject_type",
                    "recommendation",
                    "outcome",
                    "conditions",
                    "deferred_to",
                    "basis",
                    "rationale",
                    "recording_time",
                    "review_on",
                ],
            ),
            ("Views recorded", ["majority_view", "minority_view", "minority_constituencies"]),
            (
                "Impact and routing",
                ["cost_impact_gbp", "tom_impact", "consumer_impact", "competition_impact"],
            ),
            ("Links", ["actions"]),
        ]

    def chosen_meeting(self) -> Any:
        return self.meetings.get(self.cleaned_data.get("meeting") or "")

    def chosen_agenda_item(self) -> Any:
        return self.agenda_items.get(self.cleaned_data.get("agenda_item") or "")

    def chosen_deferral(self) -> Any:
        return self.later.get(self.cleaned_data.get("deferred_to") or "")

    def action_refs(self) -> list[str]:
        text = self.cleaned_data.get("actions") or ""
        return [r for r in text.replace(";", ",").replace(" ", ",").split(",") if r.strip()]


class RulesForm(VersionForm):
    framework_version = forms.CharField(label="Framework version", max_length=20)
    regulator = forms.ChoiceField(label="The regulator (its group)", required=False)
    via = forms.CharField(
        label="Reached through",
        required=False,
        max_length=200,
        help_text="Through whom escalations reach the regulator: the IPA.",
    )
    cumulative_from = DayField(
        label="Counting the cumulative total from",
        required=False,
        help_text="The last re-baseline; empty: every recorded decision.",
    )
    allow_skipping_levels = forms.BooleanField(
        label="A formal escalation may skip a level", required=False
    )

    def __init__(self, *args: Any, groups: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["regulator"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "None")] + [(g.acronym, f"{g.acronym}: {g.name}") for g in groups]


class DelegationForm(forms.Form):
    subject_type = forms.SlugField(label="Kind of decision (a short code)", max_length=40)
    label = forms.CharField(label="Name", max_length=100)
    level = forms.TypedChoiceField(
        label="Decided at level", coerce=int, choices=[(str(n), str(n)) for n in (1, 2, 3, 4)]
    )
    groups = forms.MultipleChoiceField(
        label="Delegated to (at that level; none: every group of the level)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label="Note", required=False, max_length=300)

    def __init__(self, *args: Any, groups: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["groups"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(g.acronym, g.acronym) for g in groups]


# The "To" choice that is no group: a formal escalation to the IPA itself.
TO_THE_IPA = "@ipa"


class EscalationForm(forms.Form):
    to_group = forms.ChoiceField(label="To")
    formal = forms.BooleanField(
        label="A formal escalation (to the next level, which it skips none of, or to the IPA)",
        required=False,
        initial=True,
    )
    subject = forms.CharField(
        label="What is escalated",
        max_length=300,
        error_messages={"required": "Say what is escalated."},
    )
    context = forms.CharField(
        label="Context",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the context."},
    )
    rationale = forms.CharField(
        label="Why it is escalated",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why it is escalated."},
    )
    impact = forms.CharField(
        label="The impact if no action is taken",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what the impact is if no action is taken."},
    )

    def __init__(self, *args: Any, targets: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["to_group"]
        assert isinstance(field, forms.ChoiceField)
        choices = [(g.acronym, f"{g.acronym}: {g.name}") for g in targets]
        # After the next level (the first target): the IPA, for a formal escalation.
        choices.insert(
            min(1, len(choices)), (TO_THE_IPA, "The IPA (Independent Programme Assurance)")
        )
        field.choices = choices


class EscalateFurtherForm(VersionForm):
    rationale = forms.CharField(
        label="Why it goes higher",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why it goes higher."},
    )


class AnswerForm(VersionForm):
    outcome = forms.CharField(
        label="The answer",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what the answer is."},
    )


class PublishForm(VersionForm):
    published_on = DayField(
        label="Published on",
        required=False,
        help_text="The day participants were sent it or it went on the programme's site. "
        "Default: today.",
    )


class ConditionForm(VersionForm):
    status = forms.ChoiceField(label="Status", choices=Condition.Status.choices)


class AppealForm(forms.Form):
    appellant = forms.CharField(
        label="Who appeals",
        required=False,
        max_length=200,
        help_text="Default: you and your organisation.",
    )
    grounds = forms.CharField(
        label="Grounds",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Give the grounds of the appeal."},
    )


class AppealDecisionForm(VersionForm):
    result = forms.ChoiceField(label="The IPA's decision", choices=Appeal.Result.choices)
    ipa_decision = forms.CharField(
        label="As the IPA wrote it",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Record the IPA's decision."},
    )
    recommendations = forms.CharField(
        label="Recommendations for the SRO (one per line)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Each becomes an action on the group's log, owned by the SRO.",
    )
    due_on = DayField(label="Due", required=False)


class DecisionFilterForm(forms.Form):
    q = forms.CharField(label="Words or ref", required=False, max_length=100)
    group = forms.ChoiceField(
        label="Group",
        required=False,
        error_messages={"invalid_choice": "Choose one of the listed groups."},
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        required=False,
        choices=[("", "Any"), *Outcome.choices],
        error_messages={"invalid_choice": "Choose one of the listed outcomes."},
    )

    def __init__(self, *args: Any, groups: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["group"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "All groups")] + [(g.acronym, g.acronym) for g in groups]
