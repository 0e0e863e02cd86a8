"""Generate a synthetic city for scale work (bulk inserts)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mofan.core.tasks import refresh_planner_statistics
from mofan.members.synthetic import CitySize, build_city


class Command(BaseCommand):
    help = "Create a synthetic city: organs, committees, branches and members, in bulk."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organs", type=int, default=150)
        parser.add_argument("--branches", type=int, default=1500)
        parser.add_argument("--members", type=int, default=30_000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        size = CitySize(
            organs=options["organs"], branches=options["branches"], members=options["members"]
        )
        root = build_city(size=size, seed=options["seed"])
        refresh_planner_statistics(full=True)
        self.stdout.write(
            f"已生成 {root.name}：{size.organs} 个机关，约 {size.branches} 个支部，"
            f"{size.members} 名党员。"
        )
