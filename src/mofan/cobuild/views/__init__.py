"""Pages of co-building, by sub-domain; `urls.py` reads them from here."""

from mofan.cobuild.views.agreements import (
    AgreementCreateView,
    AgreementListView,
    AgreementScanView,
    AgreementView,
)
from mofan.cobuild.views.demands import DemandCreateView, DemandListView, DemandView
from mofan.cobuild.views.orders import (
    OrderBoardView,
    OrderCreateView,
    OrderFileView,
    OrderPhotoView,
    OrderStepView,
    OrderView,
)
from mofan.cobuild.views.projects import (
    ProjectCreateView,
    ProjectEditView,
    ProjectListView,
    ProjectView,
)
from mofan.cobuild.views.statistics import OrderStatisticsExportView, OrderStatisticsView

__all__ = [
    "AgreementCreateView",
    "AgreementListView",
    "AgreementScanView",
    "AgreementView",
    "DemandCreateView",
    "DemandListView",
    "DemandView",
    "OrderBoardView",
    "OrderCreateView",
    "OrderFileView",
    "OrderPhotoView",
    "OrderStatisticsExportView",
    "OrderStatisticsView",
    "OrderStepView",
    "OrderView",
    "ProjectCreateView",
    "ProjectEditView",
    "ProjectListView",
    "ProjectView",
]
