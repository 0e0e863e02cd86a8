"""志愿服务证明: certificates of confirmed hours."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core import access
from mofan.core.audit import audit_record
from mofan.core.errors import DomainError, refuse_duplicates
from mofan.core.paths import subtree_q
from mofan.members.models import Member
from mofan.orgs.models import Organisation
from mofan.volunteer import permissions as perms
from mofan.volunteer.models import (
    Certificate,
    Participation,
)
from mofan.volunteer.services.common import clean


def volunteer_number(member: Member) -> str:
    return f"MF{member.pk:08d}"


@transaction.atomic
def certificate_issue(
    *,
    actor: Any,
    member: Member,
    org: Organisation,
    period_from: date,
    period_to: date,
    person_in_charge: str,
    handler: str,
    handler_contact: str,
) -> Certificate:
    """谁记录谁证明: the organisation certifies the confirmed hours of the activities it (or an
    organisation under it) organised in the period."""
    access.require(actor, perms.MANAGE, org)
    if period_to < period_from:
        raise DomainError({"period_to": _("The period ends after it begins.")})
    person_in_charge, handler, handler_contact = (
        clean(person_in_charge),
        clean(handler),
        clean(handler_contact),
    )
    if not (person_in_charge and handler and handler_contact):
        raise DomainError(_("Name the person in charge, the handler and the handler's contact."))
    zone = timezone.get_current_timezone()
    rows = Participation.objects.filter(
        subtree_q(org.path, "activity__org"),
        member=member,
        confirmed_at__isnull=False,
        hours__gt=0,
        activity__starts_at__gte=datetime.combine(period_from, datetime.min.time(), tzinfo=zone),
        activity__starts_at__lt=datetime.combine(
            period_to + timedelta(days=1), datetime.min.time(), tzinfo=zone
        ),
    )
    total = rows.aggregate(total=Sum("hours"))["total"] or Decimal(0)
    if total <= 0:
        raise DomainError(_("No confirmed hours in this period to certify."))
    kinds = sorted(set(rows.values_list("activity__kind__name", flat=True)))
    count = rows.count()
    content = _("%(n)d volunteer activities: %(kinds)s") % {"n": count, "kinds": "、".join(kinds)}
    today = timezone.localdate()
    prefix = f"ZYZM{today.year}"
    for _attempt in range(5):
        last = (
            Certificate.objects.filter(number__startswith=prefix)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        sequence = int(last[len(prefix) :]) + 1 if last else 1
        try:
            with refuse_duplicates(_("The certificate number is taken; try again.")):
                certificate = Certificate.objects.create(
                    number=f"{prefix}{sequence:06d}",
                    check_code=secrets.token_hex(4).upper(),
                    member=member,
                    org=org,
                    period_from=period_from,
                    period_to=period_to,
                    hours=total,
                    activities=count,
                    content=content,
                    person_in_charge=person_in_charge,
                    handler=handler,
                    handler_contact=handler_contact,
                    issued_on=today,
                    issued_by=actor if actor is not None else None,
                )
        except DomainError:
            continue  # another certificate took the number at the same moment
        break
    else:
        raise DomainError(_("The certificate number is taken; try again."))
    audit_record(
        actor=actor,
        action="volunteer.certificate",
        target=certificate,
        org=org,
        target_label=f"{certificate.number} · {member}",
        changes={"hours": [None, str(total)], "activities": [None, count]},
    )
    return certificate
