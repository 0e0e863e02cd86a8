"""One way to write a workflow: declared once, as data, in the app's `workflows.py`.

A workflow names the model and its state field, its steps (from which states, to which state,
who takes it, the button's label, the page's form, the message shown when it is done, who is
told), who may take each kind of step (`actors`: policies built from `core.access`), who may see
the record at all, and the record's organisation (for the audit log). From that one declaration:

- a service takes a step with `begin` … `finish`: `begin` locks the row and checks, in this
  order, that the actor may see it, that its state still allows the step (another person may
  have moved it on), and that the actor is the one who takes this step; the service body then
  checks its own inputs and sets its fields; `finish` sets the new state, saves, writes the
  record's own log row (`event`), the audit entry (`<workflow>.<step>`) and, after commit, the
  notifications;
- a page asks `open_steps(actor, record)` for the buttons to draw, and each step's `form`,
  `label` and `message`;
- the tests read `transitions()`, and `core.registry.workflows()` lists every workflow of every
  app (a state field without a declaration fails `tests/core/test_workflows.py`).

`actor=None` is the system itself (demo loader, imports, periodic tasks): it passes every check,
and only it may date a step in the past (`at`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from mofan.core import registry
from mofan.core.audit import audit_record
from mofan.core.deferred import after_commit
from mofan.core.errors import DomainError
from mofan.core.services import message_send

M = TypeVar("M", bound=Model)
Check = Callable[[Any, Any], bool]  # (actor, record) -> allowed


@dataclass(frozen=True)
class Step:
    """One step of a workflow. `sources` are the states it may start from; `target` the state
    it leads to (it may be one of the sources: a step that is taken again, such as moving a
    date). `actor` names one of the workflow's `actors`."""

    name: str
    sources: frozenset[str]
    target: str
    actor: str
    label: str | Promise = ""  # the button
    message: str | Promise = ""  # what the page says when the step is done
    form: str = ""  # dotted path of the form the page shows for it ("" when it has none)
    tell: str = ""  # one of the workflow's `audiences`: who is told ("" nobody)
    notice: str | Promise = ""  # the message they get; `{record}` is the record's label
    # The audit code when it is not "<workflow>.<step>": a code older than the workflow, kept
    # so that the labels and the audit history stay valid (two steps may share one).
    action: str = ""
    stale: str | Promise = (
        ""  # this step's refusal when the state has moved on (else the workflow's)
    )
    # False: the audit entry's changes are the step's own only, without the state pair (the
    # entries written before the workflow existed had none).
    audit_state: bool = True
    # Other states the service may lead the step to instead of `target`, chosen by its inputs
    # (publishing at a future time schedules): `finish(..., to=...)`.
    also: frozenset[str] = frozenset()


def step(
    name: str,
    sources: Iterable[str],
    target: str,
    actor: str,
    **details: Any,
) -> Step:
    """`Step` with any iterable of source states."""
    return Step(name, frozenset(sources), target, actor, **details)


def _always(actor: Any, record: Any) -> bool:
    return True


@dataclass(frozen=True, eq=False)
class Workflow(Generic[M]):
    name: str  # "cobuild.order": audit codes are "<name>.<step>"
    model: type[M]
    steps: tuple[Step, ...]
    actors: Mapping[str, Check]
    org: Callable[[M], Any]  # the organisation the audit entry belongs to
    field: str = "state"
    sees: Check = _always  # who may see the record (checked before the state)
    related: tuple[str, ...] = ()  # read with the locked row (`select_related`)
    event: Callable[..., Any] | None = None  # writes the record's own log row
    audiences: Mapping[str, Callable[[M], Iterable[int]]] = dataclass_field(default_factory=dict)
    link: Callable[[M], str] | None = None  # the address a notification opens
    dedupe: Callable[[M, str], str] | None = None  # a notification's key: sent once
    extra_states: tuple[str, ...] = ()  # states no step leads to (the first one, imported ones)
    describe: Callable[[M], str] = str  # the record in a notification (`{record}`)
    details: Callable[[M], Mapping[str, str]] | None = None  # more `{names}` for a notice
    stale: str | Promise = ""  # the refusal when the state has moved on; `{state}` is the state
    # Check the actor before the state (a refusal for who asks comes before one for the state),
    # as services written before this mechanism did.
    actor_first: bool = False
    # The refusal written by the app instead of `stale` (record, step) → message: for messages
    # that name the step's target too, kept as they were before the workflow.
    refuse: Callable[[M, Step], str] | None = None
    # The state change as the audit entry keeps it, (step, before, after) → changes; by default
    # `{field: [before, after]}`. An app whose history kept it under another name, in words, or
    # not at all (the step's own changes say it) writes it here; a step with `audit_state=False`
    # keeps none.
    state_changes: Callable[[Step, str, str], Mapping[str, Any]] | None = None
    # The audit entry's target and its label, when the history keeps it on another record
    # (an attendance is audited on its meeting); by default the record and `str(record)`.
    audit_target: Callable[[M], tuple[Model, str | None]] | None = None

    def __post_init__(self) -> None:
        names = [s.name for s in self.steps]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: two steps share a name")
        for s in self.steps:
            if s.actor not in self.actors:
                raise ValueError(f"{self.name}.{s.name}: no actor called {s.actor!r}")
            if s.tell and s.tell not in self.audiences:
                raise ValueError(f"{self.name}.{s.name}: no audience called {s.tell!r}")

    # ── reading the declaration ──

    def __getitem__(self, name: str) -> Step:
        for s in self.steps:
            if s.name == name:
                return s
        raise KeyError(f"{self.name} has no step {name!r}")

    @property
    def states(self) -> frozenset[str]:
        found = set(self.extra_states)
        for s in self.steps:
            found |= s.sources | {s.target} | s.also
        return frozenset(found)

    def transitions(self) -> list[tuple[str, str, str]]:
        """Every (from, step, to), sorted: what the tests walk."""
        return sorted(
            (src, s.name, to) for s in self.steps for src in s.sources for to in {s.target, *s.also}
        )

    def action(self, name: str) -> str:
        """The audit code step `name` writes."""
        return self[name].action or f"{self.name}.{name}"

    def state_of(self, record: M) -> str:
        return str(getattr(record, self.field))

    def may_take(self, actor: Any, record: M, name: str) -> bool:
        """Whether `actor` is the one who takes step `name` (not whether the state allows it)."""
        return actor is None or self.actors[self[name].actor](actor, record)

    def can_take(self, actor: Any, record: M, name: str) -> bool:
        """Whether the step is open to `actor` now: the state allows it and the actor takes it."""
        return self.state_of(record) in self[name].sources and self.may_take(actor, record, name)

    def open_steps(self, actor: Any, record: M) -> list[Step]:
        """The steps `actor` may take on `record` now, in their declared order: a page's
        buttons."""
        return [s for s in self.steps if self.can_take(actor, record, s.name)]

    # ── taking a step ──

    def lock(self, record: M) -> M:
        """The record's row, locked until the transaction ends, with `related` read along."""
        queryset = self.model._default_manager.select_for_update(of=("self",))
        if self.related:
            queryset = queryset.select_related(*self.related)
        return queryset.get(pk=record.pk)

    def begin(
        self,
        actor: Any,
        record: M,
        name: str,
        *,
        first: Callable[[M], Any] | None = None,
        locked: bool = False,
    ) -> M:
        """Lock the record and check who asks and the state it is in now. Call inside
        `transaction.atomic`. `first(row)` runs the service's own checks that must come before
        these (a refusal the service gave before it was a workflow step). `locked`: the caller
        already read the row with `lock` (to choose the step, or to tell a repeat apart before
        it), so only the checks are made."""
        s = self[name]
        row = record if locked else self.lock(record)
        if first is not None:
            first(row)
        if actor is not None and not self.sees(actor, row):
            raise PermissionDenied(_("You do not have permission to do this here."))
        if self.actor_first and not self.may_take(actor, row, name):
            raise PermissionDenied(_("You do not have permission to do this here."))
        if self.state_of(row) not in s.sources:
            if self.refuse is not None and not s.stale:
                raise DomainError(self.refuse(row, s))
            stale = s.stale or self.stale or _("This step is not possible: it is now “{state}”.")
            raise DomainError(str(stale).format(state=getattr(row, f"get_{self.field}_display")()))
        if not self.may_take(actor, row, name):
            raise PermissionDenied(_("You do not have permission to do this here."))
        return row

    def finish(
        self,
        actor: Any,
        record: M,
        name: str,
        *,
        fields: Iterable[str] = (),
        changes: Mapping[str, Any] | None = None,
        note: str = "",
        at: datetime | None = None,
        to: str = "",
    ) -> M:
        """Move the locked record to the step's target (or `to`, one of its `also` states) and
        save `fields` with it; then the log row, the audit entry and, after commit, the
        notification."""
        s = self[name]
        target = to or s.target
        if target != s.target and target not in s.also:
            raise ValueError(f"{self.name}.{name} does not lead to {target!r}")
        before = self.state_of(record)
        setattr(record, self.field, target)
        record.save(update_fields=[self.field, *fields])
        return self.taken(actor, record, name, before=before, changes=changes, note=note, at=at)

    def taken(
        self,
        actor: Any,
        record: M,
        name: str,
        *,
        before: str,
        changes: Mapping[str, Any] | None = None,
        note: str = "",
        at: datetime | None = None,
    ) -> M:
        """A step the service wrote itself, as one conditional update that is the check (a
        claim: exactly one wins), the record holding the new state: what `finish` writes
        after saving — the log row, the audit entry and the notification."""
        s = self[name]
        when = at if at is not None else timezone.now()
        if self.event is not None:
            self.event(
                record=record,
                step=name,
                before=before,
                after=self.state_of(record),
                actor=actor,
                at=when,
                note=note,
            )
        after = self.state_of(record)
        if not s.audit_state:
            state: Mapping[str, Any] = {}
        elif self.state_changes is not None:
            state = self.state_changes(s, before, after)
        else:
            state = {self.field: [before, after]}
        self._audit(actor, record, name, {**state, **(changes or {})})
        if s.tell:
            after_commit("mofan.core.tasks.workflow_notify", self.name, record.pk, name)
        return record

    def started(
        self,
        actor: Any,
        record: M,
        name: str,
        *,
        changes: Mapping[str, Any] | None = None,
        note: str = "",
        at: datetime | None = None,
    ) -> M:
        """A record just created in its first state by step `name` (declared with no sources
        and that state as target): the log row, the audit entry and the notification, as
        `finish` writes them."""
        s = self[name]
        when = at if at is not None else timezone.now()
        if self.event is not None:
            self.event(
                record=record,
                step=name,
                before=s.target,
                after=s.target,
                actor=actor,
                at=when,
                note=note,
            )
        self._audit(actor, record, name, dict(changes or {}))
        if s.tell:
            after_commit("mofan.core.tasks.workflow_notify", self.name, record.pk, name)
        return record

    def _audit(self, actor: Any, record: M, name: str, changes: dict[str, Any]) -> None:
        target, label = (
            self.audit_target(record) if self.audit_target is not None else (record, None)
        )
        audit_record(
            actor=actor,
            action=self.action(name),
            target=target,
            org=self.org(record),
            changes=changes,
            target_label=label,
        )

    def take(self, actor: Any, record: M, name: str, **finish: Any) -> M:
        """A step with nothing of its own to check or set: `begin` then `finish`."""
        return self.finish(actor, self.begin(actor, record, name), name, **finish)

    # ── telling people ──

    def recipients(self, record: M, name: str) -> list[int]:
        s = self[name]
        return sorted(set(self.audiences[s.tell](record))) if s.tell else []

    def notify(self, pk: int, name: str) -> int:
        """Tell the step's audience (after commit, from the task queue); returns how many
        messages were sent."""
        record = self.model._default_manager.filter(pk=pk).first()
        if record is None:
            return 0
        s = self[name]
        link = self.link(record) if self.link else ""
        key = self.dedupe(record, name) if self.dedupe else f"{self.name}:{pk}:{name}"
        more = self.details(record) if self.details else {}
        title = str(s.notice).format(**{**more, "record": self.describe(record)})
        sent = 0
        for user_id in self.recipients(record, name):
            sent += (
                message_send(user_id=user_id, title=title, link=link, dedupe_key=key) is not None
            )
        return sent


def lookup(name: str) -> Workflow[Any]:
    """The workflow called `name`, from every app's `workflows.py`."""
    for found in registry.workflows():
        if found.name == name:
            return found
    raise KeyError(name)
