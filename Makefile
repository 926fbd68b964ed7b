# Preceptor — the two commands are `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
STAMP  := $(VENV)/.installed

.PHONY: install run test test-postgres test-integration lint fmt typecheck graph bench messages clean check-prod

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	@touch $@

install: $(STAMP)

# Links in e-mails, calendar files and certificates point at the port the demo serves on, unless SITE_URL is set.
RUN_ENV = DEBUG=$${DEBUG:-1} SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}

run: $(STAMP)
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	$(RUN_ENV) $(BIN)/python manage.py run_retention >/dev/null  # no beat in the demo: run the daily jobs now
	@echo "Preceptor demo: http://127.0.0.1:$(PORT)/  (accounts: learner@, pro@, teacher@, manager@, staff@example.com / preceptor-demo)"
	@echo "E-mails the demo sends are printed below, in this terminal (README, \"E-mail\")."
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP)
	$(BIN)/pytest

test-postgres: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/preceptor} $(BIN)/pytest

test-integration: $(STAMP)
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-redis://127.0.0.1:6379/15} $(BIN)/pytest -m integration

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/run.py

messages: $(STAMP)
	cd preceptor && ../$(BIN)/django-admin makemessages -l de --no-obsolete --ignore "*/tests/*" && ../$(BIN)/django-admin compilemessages

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache test-artifacts

# Is a production environment complete? ENV_FILE is the services' environment (deploy/preceptor.env.example,
# installed as /etc/preceptor/env); CHECK_PROD_ARGS=--single-process for an install without Redis and Celery.
ENV_FILE ?= /etc/preceptor/env
check-prod: $(STAMP)
	PYTHON=$(BIN)/python deploy/check-prod $(ENV_FILE) $(CHECK_PROD_ARGS)

graph: $(STAMP)
	$(BIN)/python scripts/app_graph.py
