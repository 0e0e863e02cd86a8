"""The demo scenario's shared parts: what the apps' demo loaders hand on to each other
(`DemoContext`), one step of an app's demo data (`DemoStep`), and the collection of every
installed app's steps in the order they run (`demo_steps`), the way `registry.py` collects
`permissions.py`.

An app with demo data has a `demo.py` (or a `demo/` package) that declares `STEPS`, a tuple of
`DemoStep`. Steps run in INSTALLED_APPS order, and in their order within the app, except that a
step waits for every step named in its `after`. So a new app's demo touches no other file: it
names the steps whose records it builds on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module
from typing import TYPE_CHECKING

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from mofan.accounts.models import User
    from mofan.members.models import Member
    from mofan.orgs.models import Organisation, PartnerUnit


@dataclass
class DemoContext:
    """What one step leaves for the next. Each mapping is filled by the step that creates its
    records (named below) and only read after it."""

    today: date
    # The organisation tree by name, in the order it was created (orgs.tree).
    orgs: dict[str, Organisation] = field(default_factory=dict)
    # The member records of each branch by the branch's name, in creation order (members).
    members: dict[str, list[Member]] = field(default_factory=dict)
    # The partner units of co-building by name (cobuild.agreements).
    partners: dict[str, PartnerUnit] = field(default_factory=dict)
    # The demo's logins by username (accounts.logins).
    users: dict[str, User] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoStep:
    """One part of an app's demo data. `name` is "<app label>.<part>" (or the bare label for
    an app's only step); `after` names the steps whose records this one needs."""

    name: str
    load: Callable[[DemoContext], None]
    after: tuple[str, ...] = ()


def _declared_steps() -> list[DemoStep]:
    steps: list[DemoStep] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("mofan."):
            continue
        try:
            module = import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise  # the demo module exists but imports something missing
            continue
        steps.extend(getattr(module, "STEPS", ()))
    return steps


def demo_steps() -> list[DemoStep]:
    """Every installed app's steps in running order: at each point the first declared step
    (INSTALLED_APPS order, then the app's own order) whose `after` steps have all run."""
    pending = _declared_steps()
    names = [step.name for step in pending]
    if len(set(names)) != len(names):
        raise ImproperlyConfigured(f"Two demo steps share a name: {names}")
    unknown = {name for step in pending for name in step.after} - set(names)
    if unknown:
        raise ImproperlyConfigured(f"Demo steps wait for unknown steps: {sorted(unknown)}")
    done: set[str] = set()
    ordered: list[DemoStep] = []
    while pending:
        ready = next((s for s in pending if set(s.after) <= done), None)
        if ready is None:
            raise ImproperlyConfigured(
                f"Demo steps wait for each other: {[s.name for s in pending]}"
            )
        pending.remove(ready)
        ordered.append(ready)
        done.add(ready.name)
    return ordered
