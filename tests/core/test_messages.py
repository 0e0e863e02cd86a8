"""The messages page: a kind on every message, a filter by kind, marking read in bulk, and an
order's automatic messages on one line."""

import re
from importlib import import_module

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from mofan.core import services
from mofan.core.models import Message
from tests.conftest import Tree, login, make_user

pytestmark = pytest.mark.django_db

ORDER_1 = "/cobuild/orders/1/"
ORDER_2 = "/cobuild/orders/2/"


def _send(user, title: str, link: str = "", **kwargs) -> Message:  # type: ignore[no-untyped-def]
    message = services.message_send(user_id=user.pk, title=title, link=link, **kwargs)
    assert message is not None
    return message


def _layout_unread(page: str) -> int:
    """The unread messages figure in the layout's top bar (0 when none is shown)."""
    link = page.split('data-testid="unread-messages">', 1)[1].split("</a>", 1)[0]
    found = re.search(r'<span class="badge[^"]*">(\d+)</span>', link)
    return int(found.group(1)) if found else 0


def test_a_message_kind_follows_its_link_unless_given(tree: Tree) -> None:
    user = make_user("u")
    assert _send(user, "订单", ORDER_1).kind == Message.Kind.ORDER
    assert _send(user, "会议", reverse("orglife:mine")).kind == Message.Kind.MEETING
    assert _send(user, "活动", "/volunteer/activities/3/").kind == Message.Kind.VOLUNTEER
    assert _send(user, "协议", "/cobuild/agreements/4/").kind == Message.Kind.COBUILD
    assert _send(user, "换届", "/orgs/5/").kind == Message.Kind.REMINDER
    assert _send(user, "其他").kind == Message.Kind.SYSTEM
    assert _send(user, "审核", "/orglife/7/", kind=Message.Kind.REVIEW).kind == "review"


def test_the_migration_fills_the_kinds_of_existing_messages(tree: Tree) -> None:
    user = make_user("u")
    links = {
        ORDER_1: "order",
        "/cobuild/demands/2/": "cobuild",
        "/lawedu/appointments/3/": "cobuild",
        "/orglife/12/": "review",  # before kinds, only reviews linked to a meeting
        "/orglife/mine/": "meeting",
        "/orglife/compliance/": "meeting",
        "/volunteer/community/4/": "volunteer",
        "/orgs/5/": "reminder",
        "/campaigns/6/": "reminder",
        "": "system",
    }
    for link in links:
        Message.objects.create(user=user, title=link or "无链接", link=link, kind="system")
    migration = import_module("mofan.core.migrations.0006_message_kind")
    migration.fill_kinds(apps, None)
    assert dict(Message.objects.values_list("link", "kind")) == links


@pytest.fixture
def inbox(tree: Tree) -> dict[str, object]:
    admin = make_user("gongwei")
    other = make_user("other")
    for step in ("新订单待派单", "订单已派给服务队", "服务队已接单"):
        _send(admin, f"{step}：一号订单", ORDER_1)
    _send(admin, "新订单待派单：二号订单", ORDER_2)
    _send(admin, "甲第一支部：本季度未召开支部委员会", "/orglife/compliance/")
    _send(admin, "待审核：甲第一支部 · 党员大会", "/orglife/9/", kind=Message.Kind.REVIEW)
    _send(other, "别人的订单消息", ORDER_1)
    return {"admin": admin, "other": other}


def test_an_orders_messages_make_one_line(inbox: dict) -> None:
    page = login(Client(), inbox["admin"]).get(reverse("core:messages")).content.decode()
    assert page.count('data-testid="message-line"') == 4  # two orders, a meeting, a review
    threads = page.split('data-testid="message-thread"')
    assert len(threads) == 2  # only order 1 has more than one message
    first_order = page.split("服务队已接单：一号订单", 1)[1].split('data-testid="message-line"')[0]
    assert "本订单共 3 条消息" in first_order
    assert "新订单待派单：一号订单" in first_order and "订单已派给服务队：一号订单" in first_order
    assert "3 条未读" in page
    assert "别人的订单消息" not in page
    assert _layout_unread(page) == 6


def test_the_page_is_filtered_by_kind(inbox: dict) -> None:
    client = login(Client(), inbox["admin"])
    orders = client.get(reverse("core:messages"), {"kind": "order"}).content.decode()
    assert orders.count('data-testid="message-line"') == 2
    assert "未召开支部委员会" not in orders and "待审核" not in orders
    reviews = client.get(reverse("core:messages"), {"kind": "review"}).content.decode()
    assert reviews.count('data-testid="message-line"') == 1 and "待审核" in reviews
    # The filter shows each kind's unread figure; an unknown kind shows everything.
    assert re.search(r'data-kind="order"[^>]*>服务订单 <span class="badge[^"]*">4</span>', orders)
    everything = client.get(reverse("core:messages"), {"kind": "nonsense"}).content.decode()
    assert everything.count('data-testid="message-line"') == 4


def test_mark_all_of_a_kind_read(inbox: dict) -> None:
    client = login(Client(), inbox["admin"])
    response = client.post(reverse("core:messages"), {"scope": "shown", "kind": "order"})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:messages") + "?kind=order"
    unread = Message.objects.filter(read_at__isnull=True)
    assert set(unread.filter(user=inbox["admin"]).values_list("kind", flat=True)) == {
        "meeting",
        "review",
    }
    assert unread.filter(user=inbox["other"]).count() == 1  # someone else's: untouched
    page = client.get(response["Location"]).content.decode()
    assert "已将 4 条消息标为已读" in page
    assert _layout_unread(page) == 2


def test_mark_everything_shown_read(inbox: dict) -> None:
    client = login(Client(), inbox["admin"])
    client.post(reverse("core:messages"), {"scope": "shown", "kind": ""})
    assert not Message.objects.filter(user=inbox["admin"], read_at__isnull=True).exists()
    assert Message.objects.get(user=inbox["other"]).read_at is None
    assert _layout_unread(client.get(reverse("core:messages")).content.decode()) == 0


def test_mark_the_ticked_lines_read(inbox: dict) -> None:
    client = login(Client(), inbox["admin"])
    order_1 = Message.objects.filter(user=inbox["admin"], link=ORDER_1)
    review = Message.objects.get(kind="review")
    someone_elses = Message.objects.get(user=inbox["other"])
    ticked = [" ".join(str(m.pk) for m in order_1), str(review.pk), str(someone_elses.pk)]
    client.post(reverse("core:messages"), {"scope": "selected", "ids": ticked})
    read = Message.objects.filter(read_at__isnull=False)
    assert set(read.values_list("pk", flat=True)) == {*(m.pk for m in order_1), review.pk}
    page = client.get(reverse("core:messages")).content.decode()
    assert _layout_unread(page) == 2  # order 2 and the meeting


def test_ticking_nothing_changes_nothing(inbox: dict) -> None:
    client = login(Client(), inbox["admin"])
    response = client.post(reverse("core:messages"), {"scope": "selected"}, follow=True)
    assert "请勾选要标为已读的消息" in response.content.decode()
    assert not Message.objects.filter(read_at__isnull=False).exists()


def test_a_wrong_kind_in_the_service_is_refused(inbox: dict) -> None:
    from mofan.core.errors import DomainError

    with pytest.raises(DomainError):
        services.messages_mark_read(actor=inbox["admin"], kind="nonsense")
    assert not Message.objects.filter(read_at__isnull=False).exists()


def test_the_page_runs_a_fixed_number_of_queries(tree: Tree, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = make_user("gongwei")
    client = login(Client(), user)

    def grow(n: int) -> None:
        start = Message.objects.count()
        for i in range(start, start + n):
            _send(user, f"订单消息{i}", f"/cobuild/orders/{i % 7}/")
            _send(user, f"会议消息{i}", "/orglife/mine/")

    def measure() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("core:messages")).status_code == 200
        return len(queries)

    client.get("/")  # the session's first request writes it: not the page's cost
    grow(2)
    few = measure()
    grow(40)
    with django_assert_max_num_queries(12):
        many = measure()
    assert many == few


def test_hostile_ticks_change_nothing(inbox: dict) -> None:
    client = login(Client(), inbox["admin"])
    ticked = ["²", "9" * 5000, "-1", "1e3", "<script>"]
    response = client.post(reverse("core:messages"), {"scope": "selected", "ids": ticked})
    assert response.status_code == 302
    assert not Message.objects.filter(read_at__isnull=False).exists()
