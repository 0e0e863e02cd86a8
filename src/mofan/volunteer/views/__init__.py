"""The volunteer pages, one module per sub-domain; `urls.py` reads them from here."""

from mofan.volunteer.views.activities import (
    ActivityCancelView,
    ActivityCreateView,
    ActivityListView,
    ActivityView,
    CheckInScreenView,
    HoursConfirmView,
    HoursCorrectView,
    ScanView,
    SignupCancelView,
    SignupView,
    TimesView,
)
from mofan.volunteer.views.certificates import (
    CertificateCheckView,
    CertificateCreateView,
    CertificateDocxView,
)
from mofan.volunteer.views.mine import (
    MyVolunteeringView,
)
from mofan.volunteer.views.registration import (
    CommunityView,
    EvaluateView,
    RegisterView,
    RegistrationDecideView,
    RegistrationStatsView,
    TaskAssignView,
    TaskStepView,
)
from mofan.volunteer.views.statistics import (
    StatisticsExportView,
    StatisticsView,
)
from mofan.volunteer.views.teams import (
    HoursRuleView,
    KindView,
    TeamCreateView,
    TeamListView,
    TeamView,
)
from mofan.volunteer.views.wishes import (
    WallView,
    WishActionView,
    WishCreateView,
    WishListView,
    WishPhotoView,
    WishView,
)

__all__ = [
    "ActivityCancelView",
    "ActivityCreateView",
    "ActivityListView",
    "ActivityView",
    "CertificateCheckView",
    "CertificateCreateView",
    "CertificateDocxView",
    "CheckInScreenView",
    "CommunityView",
    "EvaluateView",
    "HoursConfirmView",
    "HoursCorrectView",
    "HoursRuleView",
    "KindView",
    "MyVolunteeringView",
    "RegisterView",
    "RegistrationDecideView",
    "RegistrationStatsView",
    "ScanView",
    "SignupCancelView",
    "SignupView",
    "StatisticsExportView",
    "StatisticsView",
    "TaskAssignView",
    "TaskStepView",
    "TeamCreateView",
    "TeamListView",
    "TeamView",
    "TimesView",
    "WallView",
    "WishActionView",
    "WishCreateView",
    "WishListView",
    "WishPhotoView",
    "WishView",
]
