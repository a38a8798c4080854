# Two commands on a fresh machine: `make run` and `make test`.
# Each creates .venv when it is missing and (re)installs the project when
# setup.cfg or pyproject.toml changed since the last install.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
# The benchmark peers get a venv of their own.  httpbin pins greenlet<3 on
# Python < 3.12 though it never imports greenlet, and gevent (gunicorn's
# gevent worker) needs greenlet 3: httpbin is installed without its
# dependencies, which the bench extra lists instead.
BENCH_VENV := .venv-bench

# make compat: requests' own test suite against the pytest plugin, in a venv
# of its own (requests pins pytest<9), without pytest-httpbin or httpbin.
COMPAT_VENV := .venv-compat
REQUESTS_VERSION := 2.32.5
COMPAT_DIR := build/compat
REQUESTS_TREE := $(COMPAT_DIR)/requests-$(REQUESTS_VERSION)
# The tests that need the internet (a connect() to 10.255.255.1 must time
# out); they fail the same way with pytest-httpbin on a closed network.
# make differential: our httpbin mount against the real httpbin 0.10.x
# (tests/differential/), which pins old dependencies, so it gets a venv of
# its own too; Flask and Werkzeug are held to the minor versions whose status
# lines and pages the harness was written against.
HTTPBIN_VENV := .venv-httpbin
HTTPBIN_REQUIREMENTS := "httpbin>=0.10,<0.11" "flask>=3.1,<3.2" "werkzeug>=3.1,<3.2" \
	"gunicorn>=27.0.1,<27.1"
COMPAT_DESELECT := \
	--deselect tests/test_requests.py::TestTimeout::test_connect_timeout \
	--deselect tests/test_requests.py::TestTimeout::test_total_timeout_connect

.PHONY: run test lint bench probes compat differential dist-check clean

# make run PORT=8090 serves on another port (any wsgi-echo flag: ARGS="--root site").
PORT ?=
ARGS ?=

run: $(VENV)/.installed-run
	$(BIN)/python -m wsgi_echo $(if $(PORT),--port $(PORT)) $(ARGS)

# Most server tests wait (timeouts, slow clients, shutdowns) rather than
# compute, so four workers share the two cores well; a module's tests stay
# together (--dist loadfile), sharing its servers.  PYTEST_WORKERS=0 runs
# everything in one process.
PYTEST_WORKERS ?= 4

test: lint
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# ruff keeps the style (pyproject.toml): lint and format, checked, never applied
# here; `$(BIN)/ruff format . && $(BIN)/ruff check --fix .` applies them.
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python -m bench

# What hostile and slow clients cost this tree's servers (about 2 minutes).
probes: $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python -m bench.probes $(PROBES_ARGS)

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
	$(BENCH_VENV)/bin/python -m pip --disable-pip-version-check -q install --no-deps httpbin
	touch $@

# Build the sdist and the wheel, install the wheel into a fresh venv, and run
# every entry point from an empty folder (tests/installed/).
dist-check: $(VENV)/.installed-test
	$(BIN)/python -m pytest -p no:cacheprovider -c tests/installed/pytest.ini \
		--rootdir tests/installed tests/installed $(PYTEST_ARGS)

# The differential harness first, then requests' suite under every runner.
compat: differential $(COMPAT_VENV)/.installed
	@for server in $$($(COMPAT_VENV)/bin/python -c "from wsgi_echo.servers import NAMES; print(*NAMES)"); do \
		echo "== requests $(REQUESTS_VERSION) tests, wsgi-echo plugin, $$server =="; \
		( cd $(REQUESTS_TREE) && ../../../$(COMPAT_VENV)/bin/python -m pytest tests -q \
			-p no:cacheprovider --wsgi-echo-server $$server $(COMPAT_DESELECT) \
			$(COMPAT_ARGS) ) || exit 1; \
	done

differential: $(VENV)/.installed-test $(HTTPBIN_VENV)/.installed
	HTTPBIN_VENV=$(HTTPBIN_VENV) $(BIN)/python -m pytest -c tests/differential/pytest.ini \
		--rootdir tests/differential tests/differential $(DIFFERENTIAL_ARGS)

$(HTTPBIN_VENV)/.installed: Makefile
	test -x $(HTTPBIN_VENV)/bin/python || $(PYTHON) -m venv $(HTTPBIN_VENV)
	$(HTTPBIN_VENV)/bin/python -m pip --disable-pip-version-check -q install $(HTTPBIN_REQUIREMENTS)
	touch $@

$(REQUESTS_TREE)/setup.py:
	mkdir -p $(COMPAT_DIR)
	$(PYTHON) -m pip --disable-pip-version-check -q download --no-deps --no-binary :all: \
		requests==$(REQUESTS_VERSION) -d $(COMPAT_DIR)
	tar -xzf $(COMPAT_DIR)/requests-$(REQUESTS_VERSION).tar.gz -C $(COMPAT_DIR)
	touch $@

$(COMPAT_VENV)/.installed: $(REQUESTS_TREE)/setup.py setup.cfg pyproject.toml
	test -x $(COMPAT_VENV)/bin/python || $(PYTHON) -m venv $(COMPAT_VENV)
	$(COMPAT_VENV)/bin/python -m pip --disable-pip-version-check -q install --upgrade pip setuptools wheel
	$(COMPAT_VENV)/bin/python -m pip --disable-pip-version-check -q install \
		"$(REQUESTS_TREE)[socks]" "pytest>=2.8.0,<9" trustme -e '.[pytest]'
	touch $@

clean:
	rm -rf $(VENV) $(BENCH_VENV) $(COMPAT_VENV) $(HTTPBIN_VENV) build *.egg-info
