"""A user without `members.view_sensitive` must not be able to piece an ID number together
from what the pages and the export show: the mask hides more than the birth digits, and the
full date of birth is never shown beside it."""

from __future__ import annotations

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from mofan.accounts.models import Role
from mofan.core.identity import check_char, mask_id
from mofan.members import services
from mofan.members.models import Member
from tests.conftest import Tree, login, make_user

pytestmark = pytest.mark.django_db

NUMBER = "620111198504225630"  # born 1985-04-22
BIRTH_FORMS = ("1985-04-22", "1985年4月22日", "1985年04月22日", "19850422", "1985.4.22", "4月22日")


def _everything_shown(client: Client, member: Member) -> str:
    """The text of every page and export a member list reader can open about the member."""
    texts = [
        client.get(reverse("members:list")).content.decode(),
        client.get(reverse("members:list"), {"q": "王建"}).content.decode(),
        client.get(reverse("members:detail", args=[member.pk])).content.decode(),
        client.get(reverse("members:edit", args=[member.pk])).content.decode(),
        client.get(reverse("members:transfers")).content.decode(),
    ]
    export = client.get(reverse("members:export"))
    assert export.status_code == 200
    book = load_workbook(BytesIO(export.content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            texts.append(" ".join("" if v is None else str(v) for v in row))
    return "\n".join(texts)


def _candidates(mask: str, year: int) -> int:
    """ID numbers that fit the mask and the birth year shown, with a valid check digit."""
    head, tail = mask[:4], mask[-4:]
    count, day = 0, date(year, 1, 1)
    while day.year == year:
        for region in range(100):
            first17 = f"{head}{region:02d}{day:%Y%m%d}{tail[:3]}"
            count += check_char(first17) == tail[3]
        day += timedelta(days=1)
    return count


def test_page_and_export_together_never_give_the_id_number(
    tree: Tree, roles: dict[str, Role]
) -> None:
    member = services.member_create(
        actor=None, full_name="王建", org=tree.branch_a1, id_number=NUMBER, mobile="13909310001"
    )
    services.member_update(
        actor=None,
        member=member,
        fields=services.MemberFields(
            full_name="王建", org=tree.branch_a1, job_title="科员", id_number=NUMBER
        ),
    )
    secretary = make_user("secretary", grants=[(roles["branch_secretary"], tree.branch_a1, True)])
    shown = _everything_shown(login(Client(), secretary), member)
    assert "王建" in shown
    assert NUMBER not in shown and NUMBER[:6] not in shown
    for written in BIRTH_FORMS:
        assert written not in shown, written
    masks = set(re.findall(r"\d{2,}\*{6,}\d{3}[\dX]", shown))
    assert masks == {"6201**********5630"}
    assert "1985" in shown  # the year (and the age) are still there
    assert _candidates("6201**********5630", 1985) > 1000


def test_a_holder_still_sees_the_full_date_of_birth(tree: Tree, roles: dict[str, Role]) -> None:
    member = services.member_create(
        actor=None, full_name="王建", org=tree.branch_a1, id_number=NUMBER
    )
    admin = make_user("admin", grants=[(roles["committee_admin"], tree.committee_a, True)])
    page = login(Client(), admin).get(reverse("members:detail", args=[member.pk]))
    assert "1985年4月22日" in page.content.decode()
    assert "6201**********5630" in page.content.decode()


def test_the_mask_keeps_four_and_four() -> None:
    assert mask_id(NUMBER) == "6201**********5630"


def test_only_a_holder_finds_a_member_by_the_whole_id_number(
    tree: Tree, roles: dict[str, Role]
) -> None:
    """A hit would confirm a guess: with the mask and the year, a few thousand searches would
    otherwise find the number."""
    from mofan.members import selectors
    from mofan.members.selectors import MemberFilters

    services.member_create(actor=None, full_name="王建", org=tree.branch_a1, id_number=NUMBER)
    secretary = make_user("secretary", grants=[(roles["branch_secretary"], tree.branch_a1, True)])
    admin = make_user("admin", grants=[(roles["committee_admin"], tree.committee_a, True)])

    def names(actor: object, query: str) -> list[str]:
        found = selectors.member_list(actor=actor, filters=MemberFilters(query=query))
        return [m.full_name for m in found]

    assert names(secretary, NUMBER) == []
    assert names(secretary, "王建") == ["王建"]
    assert names(admin, NUMBER) == ["王建"]
