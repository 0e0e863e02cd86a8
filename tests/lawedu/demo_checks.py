"""What the demo shows of 模法师, checked from the records (called by tests/test_demo.py)."""

from __future__ import annotations

from mofan.accounts.models import User
from mofan.lawedu.models import Material, MaterialMovement, MockTrial
from mofan.lawedu.selectors import appointment_list, missing_roles


def check_lawedu_demo() -> None:
    admin = User.objects.get(username="sfj_admin")
    appointments = appointment_list(actor=admin)
    places = {a.partner.name for a in appointments}
    assert places == {"兰州市第三十二中学", "桥门社区假期班"}
    assert all((a.ends_on.year - a.starts_on.year) == 5 and a.serving for a in appointments)
    low = [m.name for m in Material.objects.all() if m.is_low]
    assert low == ["国家安全教育手册"]
    issues = MaterialMovement.objects.filter(kind="issued")
    assert issues.exists()
    assert all(i.order.state in {"delivered", "confirmed"} for i in issues)
    trial = MockTrial.objects.get()
    assert trial.order.format == "mock_trial" and trial.order.state in {"delivered", "confirmed"}
    assert missing_roles(trial) == []
    # Another committee's administrator sees none of it.
    other = User.objects.get(username="swb_admin")
    assert appointment_list(actor=other) == []
