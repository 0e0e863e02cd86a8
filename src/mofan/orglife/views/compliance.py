"""达标情况 and 双重组织生活: how often the organisations in scope met."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core.exports import xlsx_response
from mofan.core.views import (
    ScopedView,
    paginate,
    query_without_page,
)
from mofan.orglife import permissions as perms
from mofan.orglife import selectors
from mofan.orglife.models import MeetingKind
from mofan.orglife.views.filters import org_filter, year_filter


class ComplianceView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        year, org = year_filter(request), org_filter(request)
        today = timezone.localdate()
        rows = selectors.compliance(actor=request.user, under=org, year=year, today=today)
        totals = {
            status: sum(r.count(status, today) for r in rows)
            for status in ("met", "due", "overdue")
        }
        context: dict[str, Any] = {
            "year": year,
            "org": org,
            "totals": totals,
            "query": query_without_page(request),
        }
        if request.GET.get("view") == "months":
            table = [
                (row.org, [(m, selectors.month_status(row, m, year, today)) for m in range(1, 13)])
                for row in rows
            ]
            context |= {"page": paginate(request, table, 50), "months": range(1, 13)}
            return render(request, "orglife/compliance_months.html", context)
        kinds = [k for k in MeetingKind.values if any(k in r.cells for r in rows)]
        by_kind = [
            (
                row.org,
                [(kind, row.summary(kind, today) if kind in row.cells else None) for kind in kinds],
            )
            for row in rows
        ]
        context |= {
            "page": paginate(request, by_kind, 50),
            "kinds": [(k, MeetingKind(k).label) for k in kinds],
        }
        return render(request, "orglife/compliance.html", context)


class ComplianceExportView(ScopedView):
    """达标情况 as an Excel sheet: one row per organisation and kind of meeting, with the
    periods met, required so far and overdue (the year and organisation filters applied)."""

    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        year, org = year_filter(request), org_filter(request)
        today = timezone.localdate()
        rows = selectors.compliance(actor=request.user, under=org, year=year, today=today)
        header = [
            _("Organisation"),
            _("Kind"),
            _("Periods met"),
            _("Periods so far"),
            _("Periods overdue"),
        ]
        body = [
            [row.org.name, str(MeetingKind(kind).label), *row.summary(kind, today)]
            for row in rows
            for kind in MeetingKind.values
            if kind in row.cells
        ]
        name = f"达标情况-{year}" + (f"-{org.name}" if org else "") + ".xlsx"
        return xlsx_response(_("Compliance"), header, body, filename=name)


class DualLifeView(ScopedView):
    """双重组织生活: leading cadres' attendance at their own branch and group."""

    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        year = year_filter(request)
        rows = selectors.dual_life(actor=request.user, under=None, year=year)
        return render(
            request,
            "orglife/dual_life.html",
            {"year": year, "rows": rows, "tab": "dual_life"},
        )
