# Two commands: `make run` (set up and serve with worker, beat and sandbox) and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
SANDBOX_PORT ?= 8001
WEB_PORT ?= 8000

.PHONY: run test install lint format messages clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip 2>&1 | grep -v 'is ignored' || true
	$(BIN)/python -m pip install --quiet -e '.[dev]' 2>&1 | grep -v 'is ignored' || true
	$(BIN)/python -c "import django, celery, httpx, pytest_django" 
	rm -f $(VENV)/.installed-*; touch $(STAMP)

install: $(STAMP)

# config.devrun migrates, seeds the demo data, then runs web, worker, beat and the sandbox.
run: install
	$(BIN)/python -m config.devrun --web-port $(WEB_PORT) --sandbox-port $(SANDBOX_PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	$(BIN)/python manage.py makemessages -l ja --ignore=.venv --ignore=var --ignore=sandbox
	$(BIN)/python manage.py compilemessages --ignore=.venv
