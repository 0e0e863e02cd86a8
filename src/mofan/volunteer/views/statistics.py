"""The volunteering figures page and its Excel export."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from mofan.core.exports import xlsx_response
from mofan.core.views import (
    ScopedView,
    query_without_page,
)
from mofan.orgs.selectors import org_get
from mofan.volunteer import permissions as perms
from mofan.volunteer import selectors
from mofan.volunteer.forms import (
    StatisticsForm,
)


def _statistics_context(request: HttpRequest) -> dict[str, Any]:
    today = timezone.localdate()
    period = request.GET.get("period", "") or str(today.year)
    start, end, label = selectors.period_bounds(period, today)
    org = None
    if request.GET.get("org", "").isdigit():
        org = org_get(actor=request.user, pk=int(request.GET["org"]), permission=perms.VIEW)
    figures = selectors.statistics(actor=request.user, under=org, start=start, end=end)
    form = StatisticsForm(
        {"org": org.pk if org else "", "period": period}, actor=request.user, chosen=org
    )
    return {"figures": figures, "period": label, "org": org, "form": form}


def _figure_rows(f: selectors.Statistics) -> list[tuple[str, Any]]:
    return [
        (_("Wishes posted"), f.wishes_posted),
        (_("Wishes claimed"), f.wishes_claimed),
        (_("Wishes fulfilled"), f.wishes_fulfilled),
        (_("Volunteer activities"), f.activities),
        (_("Person-times"), f.person_times),
        (_("Hours"), f.hours.quantize(Decimal("0.01"))),
    ]


class StatisticsView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        context = _statistics_context(request)
        context["query"] = query_without_page(request)
        context["rows"] = _figure_rows(context["figures"])
        return render(request, "volunteer/statistics.html", context)


class StatisticsExportView(ScopedView):
    permission = perms.VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        context = _statistics_context(request)
        scope = context["org"].name if context["org"] else _("All in my scope")
        rows = [list(row) for row in _figure_rows(context["figures"])]
        return xlsx_response(
            _("Volunteering"),
            [_("Item"), f"{scope} {context['period']}"],
            rows,
            filename=f"志愿服务统计-{context['period']}.xlsx",
        )
