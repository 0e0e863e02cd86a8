"""The order statistics and their Excel export."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.cobuild import permissions as perms
from mofan.cobuild import selectors
from mofan.core.exports import xlsx_response
from mofan.core.views import (
    ScopedView,
)

# ── Statistics ──


def _stats_context(request: HttpRequest) -> dict[str, Any]:
    this_year = timezone.localdate().year
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= this_year + 1 else this_year
    stats = selectors.order_statistics(actor=request.user, year=year)
    return {
        "year": year,
        "years": list(range(this_year, this_year - 5, -1)),
        "stats": stats,
        "groups": [
            (_("By topic"), stats.by_topic),
            (_("By school or partner"), stats.by_partner),
            (_("By team"), stats.by_team),
            (_("By month"), stats.by_month),
        ],
    }


class OrderStatisticsView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "cobuild/order_statistics.html", _stats_context(request))


class OrderStatisticsExportView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        context = _stats_context(request)
        stats, year = context["stats"], context["year"]
        rows: list[list[Any]] = [
            [_("Orders"), "", stats.total, ""],
            [_("Average rating"), "", stats.average_rating or "", stats.ratings],
            [_("Average wait for dispatch (hours)"), "", stats.wait_dispatch_hours or "", ""],
            [_("Average wait for the session (days)"), "", stats.wait_deliver_days or "", ""],
        ]
        for label, group in context["groups"]:
            rows += [[label, name, n, done] for name, n, done in group]
        rows += [
            [_("Lecturer"), f"{name}（{unit}）", n, people]
            for name, unit, n, people in stats.lecturers
        ]
        return xlsx_response(
            _("Service orders"),
            [_("Item"), _("Name"), _("Orders"), _("Took place / people")],
            rows,
            filename=f"服务订单统计-{year}.xlsx",
        )
