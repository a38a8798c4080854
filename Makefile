# Two commands on a fresh machine: `make run` and `make test`.
# Each creates .venv when it is missing and (re)installs the project when
# setup.cfg or pyproject.toml changed since the last install.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
# The benchmark peers get a venv of their own: httpbin pins greenlet<3 on
# Python < 3.12, which Playwright (a test dependency) cannot run with.
BENCH_VENV := .venv-bench

.PHONY: run test bench clean

run: $(VENV)/.installed-run
	$(BIN)/python -m wsgi_echo

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python -m bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip setuptools wheel

$(VENV)/.installed-run: $(BIN)/python setup.cfg pyproject.toml
	$(PIP) install -e .
	touch $@

# The test install includes the plain one, so it stamps it too.
$(VENV)/.installed-test: $(BIN)/python setup.cfg pyproject.toml
	$(PIP) install -e '.[test]'
	touch $@ $(VENV)/.installed-run

$(BENCH_VENV)/.installed: setup.cfg pyproject.toml
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip --disable-pip-version-check -q install --upgrade pip setuptools wheel
	$(BENCH_VENV)/bin/python -m pip --disable-pip-version-check -q install -e '.[bench]'
	touch $@

clean:
	rm -rf $(VENV) $(BENCH_VENV) build *.egg-info
