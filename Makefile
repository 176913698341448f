# Two commands on a fresh machine with Python 3.11+ and make:
#   make demo   -- set up .venv, then grade a small demo class end to end
#   make test   -- set up .venv, then run the linters and the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Reinstall whenever the dependency list changes.
STAMP  := $(VENV)/.installed-stamp
# The pip that installs the stack (pip freeze leaves pip out of constraints.txt): a venv's
# bundled pip is the Python release's, and pip 26 finds the pinned stack in a third less time
# (30 s instead of 45 s on the reference machine, most of it reading the index's pages).
PIP    := pip==26.3

.PHONY: venv demo test browser postgres ruff lint pytest notebooks lock bundle bench bench-grade clean

$(STAMP): pyproject.toml student/pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "error: Python 3.11+ is required, '$(PYTHON)' is $$($(PYTHON) --version 2>&1). Run e.g. 'make PYTHON=python3.11 test'."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check '$(PIP)'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt \
	  -e ./student -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m course.demo

# ruff first (a second); mypy runs as one of the tests (tests/test_types.py), beside the others.
test: browser postgres ruff pytest

# The browser tests/test_browser.py drives: the distribution's Chromium, installed as root
# with apt-get when missing (CI); elsewhere, say what to install.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "error: tests/test_browser.py needs Chromium: install your distribution's"; \
	    echo "chromium package (Debian/Ubuntu: sudo apt-get install chromium)"; exit 1; \
	  fi; }

# The PostgreSQL server tests/test_cluster.py starts and stops: the distribution's, installed
# as root with apt-get when missing (CI); elsewhere, say what to install.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	  else \
	    echo "error: tests/test_cluster.py needs a PostgreSQL server: install your"; \
	    echo "distribution's postgresql package (Debian/Ubuntu: sudo apt-get install postgresql)"; \
	    exit 1; \
	  fi; }

ruff: $(STAMP)
	$(BIN)/ruff check autograder cases student course tests benchmarks nbgrader_config.py

lint: ruff
	$(BIN)/mypy

# The test files are shared out among TEST_WORKERS processes (pytest-xdist), a file's tests
# staying together so that its expensive fixtures are built once, the files using the
# session's graded class on one process, which builds it once, and the slow files handed out
# first (tests/conftest.py); TEST_WORKERS=0 runs them in this process. One process more than
# the machine's cores: a third of the time the tests wait for kernels, timeouts and servers
# (on 2 cores, 3 processes ran the suite in 6 min 7 s where 2 took 6 min 44 s).
TEST_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) + 1 )))
pytest: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

# Rebuild source/ and the student package's data from the case folders (cases/), then release/
# and solutions/ with nbgrader.
notebooks: $(STAMP)
	$(BIN)/python -m course.regenerate

# Pin the grading stack again after a deliberate upgrade (pip install -U ... in .venv).
lock: $(STAMP)
	{ grep '^#' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable \
	  --disable-pip-version-check | grep -v '^jacobian'; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

# What students receive: dist/<assignment>-student.zip (notebooks, the checks' wheel, the
# course text, README, Jupyter settings), dated now or SOURCE_DATE_EPOCH. First raises the
# student package's version if its cases or references changed (as make notebooks does).
bundle: $(STAMP)
	$(BIN)/python -m course.bundle

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_checks.py

# Serial nbgrader autograde against python -m autograder grade on 100 students (~20 min).
bench-grade: $(STAMP)
	$(BIN)/python benchmarks/bench_grade.py --students 100

clean:
	rm -rf .demo .bench dist .pytest_cache .mypy_cache .ruff_cache .hypothesis
