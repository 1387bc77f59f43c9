# Two commands: `make run` (set up and serve with worker, beat and sandbox) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
SANDBOX_PORT ?= 8001
WEB_PORT ?= 8000

.PHONY: run test install lint format messages clean bench-scale

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || \
		{ echo "Python 3.11 or newer is required (tried: '$(PYTHON)'; set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*; touch $(STAMP)

install: $(STAMP)

# config.devrun migrates, seeds the demo data, then runs web, worker, beat and the sandbox.
run: install
	$(BIN)/python -m config.devrun --web-port $(WEB_PORT) --sandbox-port $(SANDBOX_PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The scale benchmark (PostgreSQL: DATABASE_URL): 200,000 notes, each operation against its limit.
bench-scale: install
	$(BIN)/python bench/scale.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Forget the demo's database, mail, broker and sandbox state; `make run` seeds afresh.
clean:
	rm -rf var

messages: install
	$(BIN)/python manage.py makemessages -l ja --ignore=.venv --ignore=var --ignore=sandbox --ignore=tests --ignore=delivery_notes/documents/fonts --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv
