from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "mofan.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # The roles module reads the models, which are not loaded before `ready`.
        from mofan.accounts.roles import builtin_roles_follow_declarations

        # Sent once per app after each `migrate` (and `flush`); only accounts' own sending
        # refreshes the roles, so they are written once per run.
        post_migrate.connect(
            builtin_roles_follow_declarations,
            sender=self,
            dispatch_uid="mofan.accounts.builtin_roles",
        )
