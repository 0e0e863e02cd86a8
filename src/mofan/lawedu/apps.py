from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LaweduConfig(AppConfig):
    name = "mofan.lawedu"
    label = "lawedu"
    verbose_name = _("Legal education")

    def ready(self) -> None:
        # Joins the co-building order's steps; the models must be loaded first.
        from mofan.lawedu import extensions  # noqa: F401
