# Task runner. `make run` and `make test` are the README's two commands.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: run dev test install install-dev lint format demo-data screenshot clean benchmark

# Each slow step says what it is doing first (pip itself stays quiet).
$(BIN)/python:
	@echo "Creating the virtual environment in $(VENV)..."
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install only when the requirement files change.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	@echo "Installing the dashboard's Python packages (about a minute the first time)..."
	@$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	@echo "Installing the dashboard's and the tests' Python packages (a minute or two the first time)..."
	@$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev
	./scripts/ensure_test_tools.sh

## Install what is needed and serve the dashboard on http://localhost:$(PORT)
run: install
	@[ -n "$$ENGAGEMENT_DATA_DIR" ] || $(BIN)/python -m analytics.demo --if-missing
	@echo "Starting the dashboard on http://localhost:$(PORT) (Ctrl+C stops it)..."
	@$(BIN)/streamlit run serve.py --server.port $(PORT)

## As `run`, with full error details in the browser (development only)
dev: install
	@[ -n "$$ENGAGEMENT_DATA_DIR" ] || $(BIN)/python -m analytics.demo --if-missing
	@echo "Starting the dashboard on http://localhost:$(PORT) with full error details (Ctrl+C stops it)..."
	@$(BIN)/streamlit run app.py --server.port $(PORT) --client.showErrorDetails=full --client.toolbarMode=developer

## Install what is needed and run every test (lint, unit, data, AppTest, browser)
# In two passes: the tests that drive Chromium (marked `browser`, tests/conftest.py) after the rest, as the two
# slowed each other down when mixed; the second pass runs even when the first failed, and either failing fails.
# Ctrl+C stops both (pytest exits 2 when interrupted, which bash as /bin/sh would otherwise carry on from).
test: install-dev
	$(BIN)/ruff check .
	@trap 'exit 130' INT TERM; failed=0; \
	echo "Running every test but the browser tests..."; \
	$(BIN)/python -m pytest -n 2 --dist loadfile --durations=20 -m "not browser" || failed=1; \
	echo "Running the browser tests (headless Chromium)..."; \
	$(BIN)/python -m pytest -n 2 --dist loadfile --durations=20 -m browser || failed=1; \
	exit $$failed

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Regenerate the synthetic demo data set into data/demo
demo-data: install
	$(BIN)/python -m analytics.demo

## Benchmark at demo size and at scale (10 million events); writes docs/benchmark.md (takes a while)
benchmark: install-dev
	$(BIN)/python -m bench

## Screenshot of the Overview for the README (needs the app running on PORT)
screenshot: install-dev
	$(BIN)/python -m scripts.screenshot "http://127.0.0.1:$(PORT)/?district=all&from=2019-20-Q1&to=2020-21-Q1&measure=feel_informed" docs/overview.png 1440 1400

clean:
	rm -rf $(VENV) data/demo .pytest_cache .ruff_cache
