# Two commands on a fresh machine: `make run` and `make test`.
# Each creates .venv when it is missing and (re)installs the project when
# setup.cfg or pyproject.toml changed since the last install.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: run test bench clean

run: $(VENV)/.installed-run
	$(BIN)/python -m wsgi_echo

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-bench
	$(BIN)/python -m bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip setuptools wheel

$(VENV)/.installed-run: $(BIN)/python setup.cfg pyproject.toml
	$(PIP) install -e .
	touch $@

# The test and bench installs include the plain one, so they stamp it too.
$(VENV)/.installed-test: $(BIN)/python setup.cfg pyproject.toml
	$(PIP) install -e '.[test]'
	touch $@ $(VENV)/.installed-run

$(VENV)/.installed-bench: $(BIN)/python setup.cfg pyproject.toml
	$(PIP) install -e '.[test,bench]'
	touch $@ $(VENV)/.installed-test $(VENV)/.installed-run

clean:
	rm -rf $(VENV) build *.egg-info
