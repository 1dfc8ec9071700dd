# Everything runs from the project's own virtual environment, created on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test lint typecheck demo bench fuzz clean system-deps wheel-check loadtest

.venv/bin/python:
	$(PYTHON) -m venv .venv

$(STAMP): $(VENV)/bin/python pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## System packages for the PDF renderer, the schema validator and page tests (needs root).
system-deps:
	@bash scripts/system-deps.sh

test: install
	$(BIN)/ruff check cli venues programmes scheduler web tests benchmarks
	$(BIN)/lint-imports
	bash scripts/typecheck.sh
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check cli venues programmes scheduler web tests benchmarks

typecheck: install
	bash scripts/typecheck.sh

demo: install
	$(BIN)/affiche demo

## Benchmarks (not part of make test): the peers and the plot need the bench extra; then the
## 1,660-request meetings row against plain CP-SAT (MEETINGS_ARGS='--runs 3 --size half').
bench: install
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m benchmarks $(BENCH_ARGS)
	$(BIN)/python -m benchmarks.meetings --runs 1 --size fabrique --no-tables \
		--out benchmarks/results/meetings.json --markdown benchmarks/results/meetings.md \
		$(MEETINGS_ARGS)

## Open-loop load on 127.0.0.1 against a served FOSDEM 2026 (not part of make test):
## 100 and 500 requests/s, 20 s per step; LOADTEST_ARGS=--smoke for 3 s steps.
LOADTEST_ARGS ?= --workers 2
loadtest: install
	$(BIN)/python -m benchmarks.loadtest $(LOADTEST_ARGS)

## Coverage-guided fuzzing of the loaders (atheris; not part of make test): FUZZ_SECONDS=60.
FUZZ_SECONDS ?= 60
fuzz: install
	$(BIN)/pip install --quiet -e '.[test,fuzz]' || true
	$(BIN)/python scripts/fuzz.py $(FUZZ_SECONDS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache

## Build the wheel, install it in a fresh venv, run it from another folder (CI runs this).
wheel-check: install
	bash scripts/wheel-check.sh
