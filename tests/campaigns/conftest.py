from typing import Any

import pytest

from mofan.orgs.models import Organ
from tests.campaigns.files import AUTHOR
from tests.campaigns.helpers import case, open_campaign
from tests.conftest import Tree, make_user


@pytest.fixture
def draft(tree: Tree, roles: Any) -> dict[str, Any]:
    """A draft case of 甲机关党委 (its organ 市交通局) written by 张晓明, uploaded by 李华."""
    organ = Organ.objects.create(name="市交通局")
    tree.committee_a.organ = organ
    tree.committee_a.save(update_fields=["organ"])
    campaign = open_campaign(tree)
    author = make_user("zhang", grants=[(roles["committee_admin"], tree.committee_a, True)])
    author.full_name = AUTHOR
    author.save(update_fields=["full_name"])
    uploader = make_user("lihua", grants=[(roles["committee_admin"], tree.committee_a, True)])
    uploader.full_name = "李华"
    uploader.save(update_fields=["full_name"])
    row = case(campaign, tree.committee_a, actor=author, submit=False)
    return {"campaign": campaign, "case": row, "author": author, "uploader": uploader}
