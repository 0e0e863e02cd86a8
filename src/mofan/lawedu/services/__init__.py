"""Writes of 模法师, by sub-domain: handout stock and reservations, mock trials,
legal-counsellor appointments. Callers use `from mofan.lawedu import services`; the
sub-modules import each other directly."""

from mofan.lawedu.services.appointments import appointment_create, appointment_end
from mofan.lawedu.services.common import SESSION_STATES
from mofan.lawedu.services.stock import (
    MAX_QUANTITY,
    handouts_deliver,
    handouts_issue,
    handouts_release,
    handouts_reserve,
    material_adjust,
    material_create,
    material_receive,
    material_update,
)
from mofan.lawedu.services.trials import (
    mock_trial_save,
    trial_attach,
    trial_attachment_remove,
    trial_roles_save,
)

__all__ = [
    "MAX_QUANTITY",
    "SESSION_STATES",
    "appointment_create",
    "appointment_end",
    "handouts_deliver",
    "handouts_issue",
    "handouts_release",
    "handouts_reserve",
    "material_adjust",
    "material_create",
    "material_receive",
    "material_update",
    "mock_trial_save",
    "trial_attach",
    "trial_attachment_remove",
    "trial_roles_save",
]
