# Two entry points a newcomer needs: `make run` (the main job) and `make test`.
# Both create .venv with Python 3.11+ and install chitieu into it on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Prefect's state stays inside the project (git-ignored), quiet and offline.
export PREFECT_HOME := $(CURDIR)/.cache/prefect

.PHONY: run test lint venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/chitieu run --input corpus --gold gold --out out/records

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check pipeline extractors schemas flows.py tests
	$(BIN)/mypy pipeline extractors schemas flows.py

clean:
	rm -rf $(VENV) .cache out
