# Two entry points a newcomer needs: `make run` (the main job) and `make test`.
# Both create .venv with Python 3.11+ and install chitieu into it on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Prefect's state stays inside the project (git-ignored), quiet and offline.
export PREFECT_HOME := $(CURDIR)/.cache/prefect

.PHONY: run test golden lint venv clean sysdeps

venv: $(STAMP)

# Recipes are silent (@): a newcomer sees what the tools say, not the commands make runs.
# pip's own output (and any warnings from this machine's pip configuration) goes to
# .venv/install.log, shown only when the install fails.
$(STAMP): pyproject.toml
	@echo "installing chitieu into $(VENV) (first run: about a minute; log in $(VENV)/install.log)"
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]" > $(VENV)/install.log 2>&1 \
	  || { cat $(VENV)/install.log; echo "make: installing into $(VENV) failed (log above)"; exit 1; }
	@touch $(STAMP)

# The scorecard and its error list on stdout, then one closing line on stderr.
# RUN_OUT is where the records go (tests/test_make_run.py points it at a temporary folder).
RUN_OUT ?= out/records
run: $(STAMP)
	@$(BIN)/chitieu run --input corpus --gold gold --out $(RUN_OUT)

test: $(STAMP) sysdeps
	@$(BIN)/python -m pytest -q

# Rewrite tests/golden/*.json after an intended change to extraction; review `git diff tests/golden`.
golden: $(STAMP)
	@$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_golden.py --update-golden
	@git diff --stat -- tests/golden

# Debian packages that tests use: chromium renders the HTML report (tests/test_report.py);
# tesseract-ocr with its Vietnamese model reads scanned PDFs (tests/test_ingest_pdf.py).
# Installed only when missing and only as root (CI runs as root on a fresh machine); elsewhere
# a no-op, and the tests that need a package skip. Installing chromium takes about 20 s,
# tesseract about 10 s.
sysdeps:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then \
	  echo "sysdeps: chromium is missing (install it as root); the browser test will skip"; \
	else \
	  echo "sysdeps: installing chromium"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends chromium >/dev/null; } \
	  || echo "sysdeps: could not install chromium; the browser test will skip"; \
	fi
	@if tesseract --list-langs 2>/dev/null | grep -qx vie; then :; \
	elif [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then \
	  echo "sysdeps: tesseract-ocr-vie is missing (install it as root); the OCR test will skip"; \
	else \
	  echo "sysdeps: installing tesseract-ocr tesseract-ocr-vie"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends tesseract-ocr tesseract-ocr-vie >/dev/null; } \
	  || echo "sysdeps: could not install tesseract; the OCR test will skip"; \
	fi

lint: $(STAMP)
	@$(BIN)/ruff check pipeline extractors schemas flows.py tests
	@$(BIN)/mypy pipeline extractors schemas flows.py

clean:
	rm -rf $(VENV) .cache out
