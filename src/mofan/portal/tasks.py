"""Background work of the portal: scheduled publication and the read-aloud audio."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from mofan.portal import services


@db_periodic_task(crontab(minute="*"))
def articles_release_due_task() -> int:
    """Every minute: publish the scheduled articles whose time has come."""
    return services.articles_release_due()


@db_task()
def article_audio_task(article_id: int) -> bool:
    return services.article_audio_make(article_id=article_id)
