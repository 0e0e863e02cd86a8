"""A synthetic city for scale work: organisations and members written in bulk.

Used by `python -m mofan gen` and the benchmarks. The rows are synthetic data, so they are
written with bulk inserts (the services are measured by their own tests), and the audit log
records one event for the whole generation.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from faker import Faker

from mofan.core import crypto, identity
from mofan.core.audit import audit_record
from mofan.members.models import Education, Gender, Member, MemberStatus
from mofan.members.rules import name_pinyin
from mofan.orgs.models import Organ, Organisation, OrgKind

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def path_step(n: int) -> str:
    digits = ""
    while True:
        n, r = divmod(n, 36)
        digits = ALPHABET[r] + digits
        if n == 0:
            break
    return digits.rjust(Organisation.steplen, "0")


@dataclass(frozen=True)
class CitySize:
    organs: int = 150
    branches: int = 1500
    members: int = 30_000


def synthetic_id(rng: random.Random, born: date, female: bool) -> str:
    sequence = rng.randrange(0, 500) * 2 + (0 if female else 1)
    first17 = f"6201{rng.randrange(1, 30):02d}{born:%Y%m%d}{sequence:03d}"
    return first17 + identity.check_char(first17)


def person_values(fake: Faker, rng: random.Random, today: date, used: set[str]) -> dict[str, Any]:
    female = rng.random() < 0.45
    born = today - timedelta(days=rng.randrange(23 * 365, 60 * 365))
    number = synthetic_id(rng, born, female)
    while number in used:
        number = synthetic_id(rng, born, female)
    used.add(number)
    name = fake.name_female() if female else fake.name_male()
    pinyin, initials = name_pinyin(name)
    probationary = rng.random() < 0.05
    joined = born + timedelta(
        days=rng.randrange(22 * 365, max((today - born).days - 30, 22 * 365 + 1))
    )
    mobile = f"13{rng.randrange(0, 10**9):09d}"
    return {
        "full_name": name,
        "name_pinyin": pinyin,
        "name_initials": initials,
        "gender": Gender.FEMALE if female else Gender.MALE,
        "ethnicity": "汉族",
        "birth_date": born,
        "id_number_encrypted": crypto.encrypt(number),
        "id_number_hash": crypto.keyed_hash(number),
        "id_number_masked": identity.mask_id(number),
        "mobile_encrypted": crypto.encrypt(mobile),
        "mobile_hash": crypto.keyed_hash(mobile),
        "mobile_masked": identity.mask_mobile(mobile),
        "education": rng.choice([Education.BACHELOR, Education.POSTGRADUATE, Education.COLLEGE]),
        "joined_on": joined,
        "full_member_on": None if probationary else joined + timedelta(days=365),
        "status": MemberStatus.PROBATIONARY if probationary else MemberStatus.FULL,
    }


@transaction.atomic
def build_city(
    *, size: CitySize, seed: int = 1, root_name: str = "合成市市直机关工委"
) -> Organisation:
    """Root → one committee per organ → branches (spread evenly) → members (spread evenly)."""
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    Faker.seed(seed)
    today = date.today()  # noqa: DTZ011 - calendar dates only
    organs = Organ.objects.bulk_create(
        [Organ(name=f"合成机关{i:03d}") for i in range(1, size.organs + 1)], batch_size=1000
    )
    roots = Organisation.objects.filter(depth=1).count()
    root_path = path_step(roots + 1)
    rows = [
        Organisation(
            name=root_name,
            kind=OrgKind.WORK_COMMITTEE,
            path=root_path,
            depth=1,
            numchild=size.organs,
        )
    ]
    per_organ = max(size.branches // size.organs, 1)
    for i, organ in enumerate(organs, start=1):
        committee_path = root_path + path_step(i)
        rows.append(
            Organisation(
                name=f"{organ.name}机关党委",
                kind=OrgKind.PARTY_COMMITTEE,
                path=committee_path,
                depth=2,
                numchild=per_organ,
                organ=organ,
            )
        )
        for b in range(1, per_organ + 1):
            rows.append(
                Organisation(
                    name=f"{organ.name}第{b}支部",
                    kind=OrgKind.BRANCH,
                    path=committee_path + path_step(b),
                    depth=3,
                    numchild=0,
                    organ=organ,
                )
            )
    Organisation.objects.bulk_create(rows, batch_size=2000)
    root = Organisation.objects.get(path=root_path)
    branches = list(
        Organisation.objects.filter(path__startswith=root_path, kind=OrgKind.BRANCH).values_list(
            "pk", "organ_id"
        )
    )
    used: set[str] = set(
        Member.objects.exclude(id_number_hash="").values_list("id_number_hash", flat=True)
    )
    members = []
    for n in range(size.members):
        branch_id, organ_id = branches[n % len(branches)]
        members.append(
            Member(org_id=branch_id, organ_id=organ_id, **person_values(fake, rng, today, used))
        )
        if len(members) >= 5000:
            Member.objects.bulk_create(members, batch_size=1000)
            members = []
    Member.objects.bulk_create(members, batch_size=1000)
    audit_record(
        actor=None,
        action="members.synthetic.generate",
        target=root,
        org=root,
        changes={
            "organs": [None, size.organs],
            "branches": [None, len(branches)],
            "members": [None, size.members],
        },
    )
    return root
