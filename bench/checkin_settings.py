"""The project's settings with one change: the URLs add the benchmark's bare views
(`bench/checkin_urls.py`). Used only by the gunicorn that `bench/checkin_burst.py` starts."""

from mofan.settings import *  # noqa: F403

ROOT_URLCONF = "bench.checkin_urls"
