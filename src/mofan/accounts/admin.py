from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from mofan.accounts.models import User


@admin.register(User)
class MofanUserAdmin(UserAdmin):
    """System administrators only; business data stays out of the admin (三员分立)."""

    list_display = ("username", "full_name", "is_active", "is_staff", "last_login")
    readonly_fields = ("password", "last_login", "date_joined")
