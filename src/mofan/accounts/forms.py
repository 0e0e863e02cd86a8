from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from mofan.accounts import permissions as perms
from mofan.accounts.models import Role, User
from mofan.core.registry import all_permissions
from mofan.core.widgets import TreePicker, fill_picker
from mofan.orgs.selectors import org_choices


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username or mobile number"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CaptchaForm(forms.Form):
    captcha = forms.CharField(
        label=_("Code in the picture"),
        max_length=10,
        required=False,
        help_text=_("Type the 5 digits shown in the picture."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "autocapitalize": "off"}
        ),
    )


class TwoFactorForm(forms.Form):
    token = forms.CharField(
        label=_("Code from the authenticator app"),
        max_length=20,
        help_text=_("Six digits that change every 30 seconds, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    new_password_again = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("The two new passwords differ."))
        return data


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=50)
    mobile = forms.CharField(label=_("Mobile number"), max_length=20, required=False)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Notifications also go here when the system has a mail server."),
    )
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput,
        help_text=_("The user must change it at the first sign-in."),
    )


class UserUpdateForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=50)
    mobile = forms.CharField(label=_("Mobile number"), max_length=20, required=False)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Notifications also go here when the system has a mail server."),
    )
    is_active = forms.BooleanField(label=_("Account enabled"), required=False)


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("Temporary password"),
        strip=False,
        widget=forms.PasswordInput,
        help_text=_("The user must change it at the next sign-in."),
    )


def _permission_choices() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in sorted(all_permissions().items())]


class RoleForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=50)
    name = forms.CharField(label=_("Name"), max_length=50)
    permissions = forms.MultipleChoiceField(
        label=_("Permissions"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["permissions"].choices = _permission_choices()  # type: ignore[attr-defined]
        if editing:
            self.fields["code"].disabled = True


class GrantForm(forms.Form):
    user = forms.ModelChoiceField(label=_("User"), queryset=User.objects.filter(is_active=True))
    role = forms.ModelChoiceField(label=_("Role"), queryset=Role.objects.all())
    org = forms.TypedChoiceField(label=_("Organisation"), coerce=int, widget=TreePicker())
    include_subtree = forms.BooleanField(
        label=_("Include subordinate organisations"), required=False, initial=True
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = org_choices(actor=actor, permission=perms.MANAGE_GRANTS)
        fill_picker(self.fields["org"], choices, permission=perms.MANAGE_GRANTS)
