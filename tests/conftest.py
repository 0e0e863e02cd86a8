"""Shared fixtures: a small organisation tree with two sides (A in scope, B outside it)."""

from __future__ import annotations

import io
import struct
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from openpyxl import Workbook, load_workbook

from mofan.accounts.models import Role, User
from mofan.accounts.services import grant_create, roles_ensure_builtin
from mofan.core.errors import DomainError
from mofan.core.identity import check_char
from mofan.members.models import Member, MemberStatus
from mofan.members.services import member_create
from mofan.orgs.models import Organisation, OrgKind
from mofan.orgs.services import org_create, seat_assign

PASSWORD = "Test-pass-2026"


@dataclass
class Tree:
    root: Organisation
    committee_a: Organisation
    branch_a1: Organisation
    branch_a2: Organisation
    group_a1: Organisation
    committee_b: Organisation
    branch_b1: Organisation


def pytest_configure(config: pytest.Config) -> None:
    """Before the workers start (pytest-xdist runs this in the controller first), create the
    key files of the data folder once, so that parallel workers never race to write them."""
    if hasattr(config, "workerinput"):
        worker = config.workerinput["workerid"]
        _own_redis_database(worker)
        _own_media_folder(worker)
        return
    from mofan.core import crypto

    crypto.decrypt(crypto.encrypt("-"))
    crypto.keyed_hash("-")


def _own_redis_database(worker: str) -> None:
    """Each parallel worker keeps its cache and sessions in its own Redis database (the named
    one, then the ones below it): a test that clears the cache must not sign out a browser
    test running in another worker."""
    from urllib.parse import urlsplit, urlunsplit

    from django.conf import settings

    location = settings.CACHES["default"].get("LOCATION", "")
    if not str(location).startswith("redis"):
        return
    url = urlsplit(location)
    base = int(url.path.strip("/") or 0)
    number = (base - int(worker.removeprefix("gw"))) % 16
    settings.CACHES["default"]["LOCATION"] = urlunsplit(url._replace(path=f"/{number}"))


def _own_media_folder(worker: str) -> None:
    """Each parallel worker stores uploads in a folder of its own: a test that compares the
    files stored before and after its upload must not see another worker's."""
    from pathlib import Path

    from django.conf import settings

    settings.MEDIA_ROOT = Path(settings.MEDIA_ROOT) / f"test-{worker}"


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Every test starts and ends with an empty cache: a public page cached by one test (the
    portal caches whole pages) must not be served to the next test a worker runs."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hasher(request: pytest.FixtureRequest, settings: Any) -> None:
    """Argon2 costs tens of milliseconds a hash, and the fixtures make hundreds of users: tests
    hash with MD5 unless marked `real_hashers` (those that test hashing itself)."""
    if request.node.get_closest_marker("real_hashers") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def huey_runs_tasks_inline() -> None:
    """Tasks run where they are enqueued, so a test sees their effect (no worker process)."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True


@pytest.fixture(autouse=True)
def admin_two_factor_off(settings: Any) -> None:
    """Most tests sign administrators in with `force_login`, which no second factor follows;
    tests/accounts/test_two_factor.py turns MOFAN_ADMIN_2FA (on in production) back on."""
    settings.MOFAN_ADMIN_2FA = False


@pytest.fixture
def roles(db: Any) -> dict[str, Role]:
    return {role.code: role for role in roles_ensure_builtin()}


@pytest.fixture
def frequency_rules(db: Any) -> None:
    """The default frequency rules, loaded by a data migration — which the flush after a
    transactional test (every browser test) removes. Re-created by the migration's own code."""
    from importlib import import_module

    from django.apps import apps

    import_module("mofan.orglife.migrations.0002_default_rules").create_rules(apps, None)


@pytest.fixture
def tree(db: Any, roles: dict[str, Role]) -> Tree:
    return build_tree()


def build_tree() -> Tree:
    root = org_create(actor=None, name="测试工委", kind=OrgKind.WORK_COMMITTEE, parent=None)
    committee_a = org_create(
        actor=None, name="甲机关党委", kind=OrgKind.PARTY_COMMITTEE, parent=root
    )
    branch_a1 = org_create(actor=None, name="甲第一支部", kind=OrgKind.BRANCH, parent=committee_a)
    branch_a2 = org_create(actor=None, name="甲第二支部", kind=OrgKind.BRANCH, parent=committee_a)
    group_a1 = org_create(actor=None, name="甲一党小组", kind=OrgKind.GROUP, parent=branch_a1)
    committee_b = org_create(
        actor=None, name="乙机关党委", kind=OrgKind.PARTY_COMMITTEE, parent=root
    )
    branch_b1 = org_create(actor=None, name="乙第一支部", kind=OrgKind.BRANCH, parent=committee_b)
    return Tree(root, committee_a, branch_a1, branch_a2, group_a1, committee_b, branch_b1)


def make_user(
    username: str,
    *,
    grants: list[tuple[Role, Organisation, bool]] = (),  # type: ignore[assignment]
    must_change_password: bool = False,
    mobile: str | None = None,
) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, full_name=username, mobile=mobile
    )
    user.must_change_password = must_change_password
    user.save(update_fields=["must_change_password"])
    for role, org, subtree in grants:
        grant_create(actor=None, user=user, role=role, org=org, include_subtree=subtree)
    return user


def make_role(code: str, permissions: list[str]) -> Role:
    return Role.objects.create(code=code, name=code, permissions=permissions)


def make_members(org: Organisation, n: int, status: str = MemberStatus.FULL) -> list[Member]:
    return [
        member_create(actor=None, full_name=f"{org.name}党员{i}", org=org, status=status)
        for i in range(n)
    ]


def seat(org: Organisation, holders: dict[str, Member], starts_on: date) -> None:
    """Committee seats on `org`: position → holder, from `starts_on`."""
    for position, holder in holders.items():
        seat_assign(actor=None, org=org, position=position, holder=holder, starts_on=starts_on)


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


# The authorization walk's world: URL argument name → side A's row (names starting with "_" are
# rows a test reads, not URL arguments). tests/<app>/walk.py adds each app's rows to it.
World = dict[str, Any]


@dataclass(frozen=True)
class Post:
    """A POST that side B makes to one of side A's objects (tests/<app>/walk.py,
    `outsider_posts`): it must be refused and change nothing."""

    url: str
    data: dict[str, Any]
    # Who posts: a holder of this built-in role on side B's committee, with its subtree.
    role: str = "committee_admin"
    # The answers that refuse it: 404 (not in the poster's scope) or 405 (no POST there).
    answers: frozenset[int] = frozenset({404, 405})
    # A form that names side A's organisation is answered again, with an error on this field.
    form_error: str = ""


def png_bytes(width: int = 40, height: int = 30) -> bytes:
    """A real, small red PNG, written out by hand (signature, IHDR, IDAT, IEND)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xc8\x1e\x1e" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def sign_in(page: Any, base: str, username: str, password: str = PASSWORD) -> None:
    """Signs in through the login form, as a person does (browser tests of every app)."""
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def race(n: int, action: Callable[[], Any]) -> tuple[list[Any], list[str]]:
    """Runs `action` in `n` threads released at once, each on its own connection: what won,
    and the messages of the refusals (the concurrency tests of several apps)."""
    barrier = threading.Barrier(n)
    wins: list[Any] = []
    refusals: list[str] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait()
            result = action()
            with lock:
                wins.append(result)
        except DomainError as exc:
            with lock:
                refusals.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return wins, refusals


def an_id(born: date, female: bool = False, region: str = "620102", seq: int = 12) -> str:
    """A valid 18-digit citizen ID number (check character included) for a birth date."""
    first17 = f"{region}{born:%Y%m%d}{seq * 2 + (0 if female else 1):03d}"
    return first17 + check_char(first17)


def roster_sheet(rows: list[list[Any]], *, titles: int = 0, two_row_header: bool = False) -> bytes:
    """A members roster workbook: `titles` title rows above the table, optionally the two-row
    header branches use (members tests, their browser test and bench/members_scale.py)."""
    book = Workbook()
    ws = book.worksheets[0]
    for i in range(titles):
        ws.append([f"甲第一支部党员名册（标题{i + 1}）"])
        ws.merge_cells(start_row=i + 1, start_column=1, end_row=i + 1, end_column=6)
    if two_row_header:
        # 姓名 and 身份证号 merged down over two rows; 入党/转正 under a merged 党籍信息.
        top = titles + 1
        ws.append(["姓名", "公民身份号码", "党籍信息", None])
        ws.append([None, None, "入党日期", "转正日期"])
        ws.merge_cells(start_row=top, start_column=1, end_row=top + 1, end_column=1)
        ws.merge_cells(start_row=top, start_column=2, end_row=top + 1, end_column=2)
        ws.merge_cells(start_row=top, start_column=3, end_row=top, end_column=4)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def org_workbook(rows: list[list[Any]], title_rows: int = 0) -> bytes:
    """An organisation-tree import workbook with `title_rows` title rows above the table."""
    book = Workbook()
    sheet = book.worksheets[0]
    for i in range(title_rows):
        sheet.append([f"2026年组织机构导入表（第{i + 1}行标题）"])
    for row in rows:
        sheet.append(row)
    if title_rows:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=5)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_rows(response: Any) -> list[list[Any]]:
    """The rows of the first sheet of an Excel download (the exports of several apps)."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content), read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
