from django.urls import include, path

urlpatterns = [
    path("", include("mofan.core.urls")),
    path("accounts/", include("mofan.accounts.urls")),
    path("orgs/", include("mofan.orgs.urls")),
    path("members/", include("mofan.members.urls")),
    path("orglife/", include("mofan.orglife.urls")),
    path("volunteer/", include("mofan.volunteer.urls")),
    path("cobuild/", include("mofan.cobuild.urls")),
    path("study/", include("mofan.study.urls")),
    path("lawedu/", include("mofan.lawedu.urls")),
    path("portal/", include("mofan.portal.urls")),
    path("campaigns/", include("mofan.campaigns.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
