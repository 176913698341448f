# Two commands on a fresh machine with Python 3.11+ and make:
#   make demo   -- set up .venv, then grade a small demo class end to end
#   make test   -- set up .venv, then run the linters and the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Reinstall whenever the dependency list changes.
STAMP  := $(VENV)/.installed-stamp

.PHONY: venv demo test lint pytest notebooks bench bench-grade clean

$(STAMP): pyproject.toml student/pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "error: Python 3.11+ is required, '$(PYTHON)' is $$($(PYTHON) --version 2>&1). Run e.g. 'make PYTHON=python3.11 test'."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ./student -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m course.demo

test: lint pytest

lint: $(STAMP)
	$(BIN)/ruff check autograder student course tests benchmarks nbgrader_config.py
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest

# Rebuild source/ from course/content, then release/ and solutions/ with nbgrader.
notebooks: $(STAMP)
	$(BIN)/python -m course.regenerate

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_checks.py

# Serial nbgrader autograde against python -m autograder grade on 100 students (~20 min).
bench-grade: $(STAMP)
	$(BIN)/python benchmarks/bench_grade.py --students 100

clean:
	rm -rf .demo .bench .pytest_cache .mypy_cache .ruff_cache .hypothesis
