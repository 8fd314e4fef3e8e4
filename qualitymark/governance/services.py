"""Writes of data governance: carrying out the retention schedule and
changing it."""

from dataclasses import dataclass, field
from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from qualitymark.audit.services import field_changes, record_event

from .models import RetentionRule
from .retention import RULES

SAMPLE_SIZE = 50


@dataclass
class RuleOutcome:
    rule: RetentionRule
    cutoff: datetime
    count: int
    examples: list[str] = field(default_factory=list)


def cutoff_for(rule: RetentionRule, now: datetime) -> datetime:
    return now - relativedelta(months=rule.period_months)


def preview_rule(rule: RetentionRule, *, now: datetime | None = None) -> RuleOutcome:
    """What the rule would delete or anonymise now, without changing anything."""
    now = now or timezone.now()
    cutoff = cutoff_for(rule, now)
    code = RULES[rule.key]
    due = code.due(cutoff)
    examples = [code.describe(item) for item in due[:SAMPLE_SIZE]]
    return RuleOutcome(rule=rule, cutoff=cutoff, count=due.count(), examples=examples)


@transaction.atomic
def apply_rule(*, rule: RetentionRule, actor=None, now: datetime | None = None) -> RuleOutcome:
    """Carry out one rule. Running it again finds nothing more to do."""
    now = now or timezone.now()
    cutoff = cutoff_for(rule, now)
    code = RULES[rule.key]
    due = code.due(cutoff)
    examples = [code.describe(item) for item in due[:SAMPLE_SIZE]]
    ids = code.carry_out(due, now)
    if ids:
        record_event(
            actor=actor,
            action="retention.applied",
            target=rule,
            changes={"rule": rule.key, "cutoff": cutoff.isoformat(), "count": len(ids), "ids": ids},
        )
    return RuleOutcome(rule=rule, cutoff=cutoff, count=len(ids), examples=examples)


def run_retention(*, dry_run: bool, actor=None, now: datetime | None = None) -> list[RuleOutcome]:
    """Every rule of the schedule, each in its own transaction."""
    now = now or timezone.now()
    rules = [rule for rule in RetentionRule.objects.all() if rule.key in RULES]
    if dry_run:
        return [preview_rule(rule, now=now) for rule in rules]
    outcomes = [apply_rule(rule=rule, actor=actor, now=now) for rule in rules]
    record_event(
        actor=actor,
        action="retention.run",
        changes={outcome.rule.key: outcome.count for outcome in outcomes},
    )
    return outcomes


@transaction.atomic
def update_rule(*, actor, rule: RetentionRule, **values) -> RetentionRule:
    rule = RetentionRule.objects.select_for_update().get(pk=rule.pk)
    before = {name: getattr(rule, name) for name in values}
    for name, value in values.items():
        setattr(rule, name, value)
    rule.full_clean()
    rule.save()
    changes = field_changes(before, values)
    if changes:
        record_event(actor=actor, action="retention.rule_changed", target=rule, changes=changes)
    return rule


def record_subject_access(*, actor, person, form: str) -> None:
    """Staff produced a subject access export (form: "summary" or "json")."""
    record_event(actor=actor, action="person.subject_access", target=person, changes={"form": form})
