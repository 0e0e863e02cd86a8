from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LaweduConfig(AppConfig):
    name = "mofan.lawedu"
    label = "lawedu"
    verbose_name = _("Legal education")
