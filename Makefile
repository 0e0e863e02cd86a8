# Mofan — the two commands: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
HOST ?= 127.0.0.1
PORT ?= 8000
export PYTHONPATH := $(CURDIR)/src

.PHONY: demo test browser venv devvenv srcpath lint typecheck migrations-check messages-check pytest messages bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==0.13.9

venv: $(BIN)/python
	$(UV) pip sync --quiet -p $(BIN)/python requirements/base.lock
	$(MAKE) --no-print-directory srcpath

devvenv: $(BIN)/python
	$(UV) pip sync --quiet -p $(BIN)/python requirements/base.lock requirements/dev.lock
	$(MAKE) --no-print-directory srcpath

# `python -m mofan` works in the virtual environment without PYTHONPATH (uv sync removes the
# file, so it is written after every sync).
srcpath:
	@echo "$(CURDIR)/src" > "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/mofan-src.pth"

demo: venv
	$(BIN)/python -m mofan migrate --noinput
	$(BIN)/python -m mofan collectstatic --noinput --verbosity 0
	$(BIN)/python -m mofan demo
	$(BIN)/python -m mofan run_huey --workers 2 & echo $$! > var/huey.pid; \
	trap 'kill $$(cat var/huey.pid) 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn mofan.wsgi:application --bind $(HOST):$(PORT) --workers 3 --access-logfile -

test: devvenv browser lint typecheck migrations-check messages-check pytest

# Browser tests drive Debian's Chromium; install it (with CJK fonts) where it is missing.
browser:
	@command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi "Noto Sans CJK" \
	  && command -v espeak-ng >/dev/null || \
	  { [ "$$(id -u)" = 0 ] && (apt-get install -y -qq chromium fonts-noto-cjk gettext espeak-ng \
	    || (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk gettext espeak-ng)) \
	    || sudo apt-get install -y chromium fonts-noto-cjk gettext espeak-ng; }

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

migrations-check:
	$(BIN)/python -m mofan makemigrations --check --dry-run

messages-check:
	$(BIN)/python -m mofan messages_check

pytest:
	MOFAN_HUEY_IMMEDIATE=1 $(BIN)/pytest -q -n auto --durations=20

messages:
	$(BIN)/python -m mofan messages_update

bench: devvenv
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var
