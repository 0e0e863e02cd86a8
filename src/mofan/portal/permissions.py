from django.utils.translation import gettext_lazy as _

EDIT = "portal.edit"  # write and revise articles, keep columns and special topics
PUBLISH = "portal.publish"  # publish, schedule, return and unpublish articles

PERMISSIONS = {
    EDIT: _("Write and edit portal articles"),
    PUBLISH: _("Publish and unpublish portal articles"),
}
