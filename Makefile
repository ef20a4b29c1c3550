# The two commands: `make run` (embedded Kiezmarkt with demo data) and `make test` (the suite).
# Both work on a fresh clone: they create .venv and install from pyproject.toml first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
URL := http://127.0.0.1:$(PORT)
STAMP := $(VENV)/.installed
# Links in e-mails point at the port the server really listens on.
export SITE_URL ?= $(URL)

.PHONY: help run test system-packages-run system-packages-test setup lint format migrate messages compile-messages worker clean

help:
	@echo "make run      Kiezmarkt on $(URL) with demo data (SQLite, no services needed)"
	@echo "make test     the whole test suite (PostgreSQL/Redis if DATABASE_URL/REDIS_URL are set)"
	@echo "make lint     ruff check + ruff format --check"
	@echo "make format   ruff format + ruff check --fix"
	@echo "make worker   a Celery worker (needs REDIS_URL)"
	@echo "make messages update and compile the translation catalogues"
	@echo "make clean    remove .venv and var/ (database, e-mails, uploads)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
		|| { echo "Kiezmarkt needs Python 3.11 or newer (PYTHON=$(PYTHON))." >&2; exit 1; }
	@echo "Creating the virtualenv $(VENV) ..."
	@$(PYTHON) -m venv $(VENV) \
		|| { echo "No venv module: install python3-venv (apt-get install -y python3-venv)." >&2; exit 1; }

# Reinstall only when pyproject.toml changes.
$(STAMP): pyproject.toml | $(BIN)/python
	@echo "Installing Kiezmarkt and its dependencies into $(VENV) ..."
	$(BIN)/python -m pip install -qq --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -qq --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

setup: $(STAMP)

# The .mo files are committed too, so a machine without gettext's msgfmt still speaks English;
# where msgfmt is installed they are rebuilt from the .po files.
compile-messages: setup
	@if [ -z "$$(find . -path ./$(VENV) -prune -o -name '*.po' -print -quit)" ]; then \
		true; \
	elif command -v msgfmt >/dev/null; then \
		$(BIN)/python manage.py compilemessages --ignore=$(VENV) --ignore=var -v 0; \
	else \
		echo "msgfmt not found (apt-get install -y gettext): translations not compiled."; \
	fi

migrate: setup
	$(BIN)/python manage.py migrate --noinput -v 1

# What pip cannot install (gettext, Chromium for the browser tests), from Debian's packages when
# missing: the same script that .ci/run uses.
system-packages-run:
	@bash .ci/system-packages run

system-packages-test:
	@bash .ci/system-packages test

run: system-packages-run migrate compile-messages
	$(BIN)/python manage.py seed_demo --if-empty
	@$(BIN)/python manage.py collectstatic --noinput -v 0
	@echo ""
	@echo "Kiezmarkt:   $(URL)/"
	@echo "API-Doku:    $(URL)/api/v1/docs/"
	@echo "Verwaltung:  $(URL)/admin/   (Koordination, siehe Demo-Zugänge oben)"
	@echo "Health:      $(URL)/health/"
	@echo "E-Mails:     var/mail/*.eml"
	@echo ""
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: system-packages-test setup compile-messages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

worker: setup
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) first." >&2; exit 1; }
	$(BIN)/celery -A marketplace worker --beat --loglevel=info

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: setup
	$(BIN)/python manage.py makemessages -l de -l en --ignore=.venv --ignore=var
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=var

clean:
	rm -rf $(VENV) var
