"""Background work of member records: checking and importing rosters."""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task
from openpyxl import load_workbook

from mofan.core.errors import DomainError
from mofan.core.models import ImportJob
from mofan.core.tasks import refresh_planner_statistics
from mofan.members.imports import RosterPlan, roster_plan
from mofan.members.services import member_import_commit

MAX_STORED_ERRORS = 5000
logger = logging.getLogger(__name__)


def _estimate_rows(job: ImportJob) -> int:
    try:
        with job.file.open("rb") as handle:
            book = load_workbook(handle, read_only=True)
            rows = book.worksheets[0].max_row or 0
            book.close()
            return int(rows)
    except Exception:  # the check that follows reports an unreadable file to the user
        logger.info("could not estimate the rows of import %s", job.pk, exc_info=True)
        return 0


def _plan(job: ImportJob) -> RosterPlan:
    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed=done)

    with job.file.open("rb") as handle:
        return roster_plan(
            actor=job.created_by,
            target=job.org,
            upload=handle,
            update_existing=job.update_existing,
            progress=progress,
        )


def _finish(job: ImportJob, **fields: Any) -> None:
    for key, value in fields.items():
        setattr(job, key, value)
    job.save(update_fields=list(fields))


def _forget_file(job: ImportJob) -> None:
    # Personal data stays no longer than the import needs it.
    name = job.file.name if job.file else None
    if name and default_storage.exists(name):
        default_storage.delete(name)


def _skipped_note(plan: RosterPlan) -> str:
    if not plan.skipped:
        return ""
    rows = "、".join(str(n) for n in plan.skipped[:20]) + ("…" if len(plan.skipped) > 20 else "")
    return _("Rows %(rows)s under the table were skipped as notes or signatures.") % {"rows": rows}


def run_roster_check(job_id: int) -> None:
    job = ImportJob.objects.select_related("org", "created_by").get(pk=job_id)
    _finish(job, total=_estimate_rows(job))
    try:
        plan = _plan(job)
    except DomainError as exc:
        _finish(job, status=ImportJob.Status.INVALID, message=" ".join(exc.messages)[:300])
        _forget_file(job)
        return
    errors = [[e.row, e.column, e.value, e.reason] for e in plan.errors[:MAX_STORED_ERRORS]]
    _finish(
        job,
        total=plan.total,
        processed=plan.total,
        errors=errors,
        new_count=plan.new_count,
        update_count=plan.update_count,
        message=_skipped_note(plan)[:300],
        status=ImportJob.Status.READY if plan.ok else ImportJob.Status.INVALID,
    )
    if not plan.ok:
        _forget_file(job)


def run_roster_commit(job_id: int) -> None:
    job = ImportJob.objects.select_related("org", "created_by").get(pk=job_id)
    try:
        plan = _plan(job)  # checked again: records may have changed since
        if not plan.ok:
            errors = [[e.row, e.column, e.value, e.reason] for e in plan.errors]
            _finish(job, status=ImportJob.Status.INVALID, errors=errors[:MAX_STORED_ERRORS])
            return
        with transaction.atomic():
            created, updated = member_import_commit(actor=job.created_by, target=job.org, plan=plan)
    except DomainError as exc:
        _finish(job, status=ImportJob.Status.FAILED, message=" ".join(exc.messages)[:300])
    else:
        refresh_planner_statistics()
        _finish(
            job,
            status=ImportJob.Status.DONE,
            new_count=created,
            update_count=updated,
            message=(
                _("%(created)d created, %(updated)d updated.")
                % {"created": created, "updated": updated}
                + " "
                + _skipped_note(plan)
            ).strip()[:300],
        )
    finally:
        _forget_file(job)


@db_task()
def roster_check(job_id: int) -> None:
    run_roster_check(job_id)


@db_task()
def roster_commit(job_id: int) -> None:
    run_roster_commit(job_id)
