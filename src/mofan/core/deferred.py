"""Work that runs after the transaction commits, in the task queue, named by its dotted path.

Services decide that something must happen later (tell people, build a file); the task modules
do it, and they call services. A service therefore never imports its app's `tasks.py` (that
would make a cycle between the two files): it names the task here, as a task queue's
"send by name" does, and the name is looked up when the transaction has committed.
"""

from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string


def after_commit(task: str, *args: Any, **kwargs: Any) -> None:
    """Run the task `task` ("mofan.<app>.tasks.<name>") with these arguments once the current
    transaction commits (at once outside one)."""
    transaction.on_commit(lambda: import_string(task)(*args, **kwargs))
