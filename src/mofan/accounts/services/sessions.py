"""Sign-ins and sessions: the login log, tracked sessions and their ends, lockouts."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

import axes.utils
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.accounts import permissions as perms
from mofan.accounts.models import (
    LoginRecord,
    User,
    UserSession,
)
from mofan.core import access
from mofan.core.audit import audit_record
from mofan.core.errors import DomainError
from mofan.core.identity import mask_mobile

TOUCH_LAG = timedelta(minutes=1)  # UserSession.last_seen is written at most once a minute


# A sign-in name that is a mainland mobile number (sign-in by mobile is allowed).
MOBILE_TYPED = re.compile(r"1\d{10}")


@transaction.atomic
def login_record_failure(*, username: str, ip: str | None, user_agent: str, reason: str) -> None:
    """A refused sign-in: in the login log, and in the audit log under the name typed. A
    mobile number typed for an account is kept masked, like every stored mobile number."""
    user = User.objects.filter(username=username).first()
    if user is None and MOBILE_TYPED.fullmatch(username):
        username = mask_mobile(username)
    LoginRecord.objects.create(
        user=user,
        username=username[:150],
        success=False,
        reason=reason[:100],
        ip=ip,
        user_agent=user_agent[:300],
    )
    audit_record(
        actor=None,
        action="accounts.session.refuse",
        target=user,
        target_label=username[:150],
        changes={"reason": [None, reason[:100]]},
    )


@transaction.atomic
def session_open(*, user: User, session_key: str, ip: str | None, user_agent: str) -> UserSession:
    """After a successful sign-in: log it and start tracking the session."""
    LoginRecord.objects.create(
        user=user, username=user.username, success=True, ip=ip, user_agent=user_agent[:300]
    )
    now = timezone.now()
    tracked, _created = UserSession.objects.update_or_create(
        session_key=session_key,
        defaults={
            "user": user,
            "ip": ip,
            "user_agent": user_agent[:300],
            "last_seen": now,
            "ended_at": None,
            "end_reason": "",
        },
    )
    audit_record(actor=user, action="accounts.session.open", target=user)
    _end_sessions_over_limit(user, keep=tracked, now=now)
    return tracked


def _end_sessions_over_limit(user: User, *, keep: UserSession, now: datetime) -> None:
    """At most MOFAN_MAX_SESSIONS_PER_USER open sessions: the oldest ones end."""
    others = UserSession.objects.filter(user=user, ended_at__isnull=True).exclude(pk=keep.pk)
    # Sessions nobody used within the idle timeout (plus the minute `last_seen` may lag) are
    # over already: end them as such, so that they neither count nor linger in the list.
    stale = list(
        others.filter(last_seen__lt=now - settings.IDLE_TIMEOUT - TOUCH_LAG).values_list(
            "pk", "session_key"
        )
    )
    for _pk, key in stale:
        _session_store(key).delete()
    UserSession.objects.filter(pk__in=[pk for pk, _key in stale]).update(
        ended_at=now, end_reason="idle timeout"
    )
    limit = settings.MOFAN_MAX_SESSIONS_PER_USER
    if limit <= 0:
        return
    surplus = list(
        others.filter(ended_at__isnull=True)
        .order_by("-started_at", "-id")
        .values_list("pk", "session_key")[limit - 1 :]
    )
    if not surplus:
        return
    for _pk, key in surplus:
        _session_store(key).delete()
    UserSession.objects.filter(pk__in=[pk for pk, _key in surplus]).update(
        ended_at=now, end_reason="session limit"
    )
    audit_record(
        actor=user,
        action="accounts.session.end_by_limit",
        target=user,
        changes={"open_sessions": [limit + len(surplus), limit]},
    )


def session_touch(*, session_key: str) -> None:
    UserSession.objects.filter(session_key=session_key, ended_at__isnull=True).update(
        last_seen=timezone.now()
    )


def session_rekey(*, old_key: str, new_key: str) -> None:
    """The session got a new key (a password change cycles it): keep tracking it."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key, ended_at__isnull=True).update(
            session_key=new_key
        )


# How a session ended, in the audit log; other reasons (an administrator's reset, disabling
# the account) are the audit event of the service that ended it.
SESSION_END_ACTIONS = {
    "signed out": "accounts.session.sign_out",
    "idle timeout": "accounts.session.time_out",
    "session lifetime": "accounts.session.expire",
}


@transaction.atomic
def session_close(*, session_key: str, reason: str) -> None:
    tracked = (
        UserSession.objects.select_for_update()
        .select_related("user")
        .filter(session_key=session_key, ended_at__isnull=True)
        .first()
    )
    if tracked is None:
        return
    tracked.ended_at = timezone.now()
    tracked.end_reason = reason
    tracked.save(update_fields=["ended_at", "end_reason"])
    action = SESSION_END_ACTIONS.get(reason)
    if action is not None:
        audit_record(
            actor=tracked.user,
            action=action,
            target=tracked.user,
            changes={"session": [tracked.started_at, tracked.ended_at]},
        )


def _session_store(session_key: str) -> SessionBase:
    engine = import_module(settings.SESSION_ENGINE)
    store: SessionBase = engine.SessionStore(session_key=session_key)
    return store


def _end_sessions_of(user: User, *, reason: str) -> None:
    for tracked in UserSession.objects.filter(user=user, ended_at__isnull=True):
        _session_store(tracked.session_key).delete()
        session_close(session_key=tracked.session_key, reason=reason)


@transaction.atomic
def session_end(*, actor: Any, tracked: UserSession) -> UserSession:
    """A security administrator forces a session to end (强制退出)."""
    access.require(actor, perms.MANAGE_SESSIONS, None)
    tracked = UserSession.objects.select_for_update().select_related("user").get(pk=tracked.pk)
    if tracked.ended_at is not None:
        raise DomainError(_("This session has already ended."))
    _session_store(tracked.session_key).delete()
    tracked.ended_at = timezone.now()
    tracked.end_reason = "ended by administrator"
    tracked.save(update_fields=["ended_at", "end_reason"])
    audit_record(
        actor=actor,
        action="accounts.session.end",
        target=tracked.user,
        changes={"session": [tracked.started_at, None]},
    )
    return tracked


@transaction.atomic
def account_unlock(*, actor: Any, username: str) -> int:
    """Lift a lockout after failed sign-ins before the ten minutes are over."""
    access.require(actor, perms.MANAGE_SESSIONS, None)
    removed = axes.utils.reset(username=username)
    if not removed:
        raise DomainError(_("This account is not locked."))
    user = User.objects.filter(username=username).first()
    audit_record(
        actor=actor,
        action="accounts.user.unlock",
        target=user,
        target_label=username,
        changes={"locked": [True, False]},
    )
    return int(removed)
