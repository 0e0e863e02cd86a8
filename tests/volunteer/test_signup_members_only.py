"""The volunteer sign-up is the party members' own: an activity's page offers it to a login
linked to a member record, and tells a partner unit's contact who signs up instead."""

import pytest
from django.test import Client
from django.urls import reverse

from mofan.volunteer.models import Participation
from tests.conftest import Tree, login
from tests.volunteer.conftest import World, make_activity

pytestmark = pytest.mark.django_db


def test_the_activity_page_offers_sign_up_to_party_members_only(world: World, tree: Tree) -> None:
    activity = make_activity(world, tree)
    url = reverse("volunteer:activity", args=[activity.pk])
    signup = reverse("volunteer:signup", args=[activity.pk])
    contact_page = login(Client(), world.contact).get(url).content.decode()
    assert f'action="{signup}"' not in contact_page
    assert "志愿活动由党员本人报名" in contact_page
    member_page = login(Client(), world.users[0]).get(url).content.decode()
    assert f'action="{signup}"' in member_page
    assert "志愿活动由党员本人报名" not in member_page
    assert not Participation.objects.exists()
