# Deskmate developer commands. `make run` and `make test` are the README's two commands.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
EDITABLE = $(firstword $(wildcard build/__editable__.*))
# The project install, quiet: setuptools' ten-line notice that a strict editable install uses
# build/__editable__.* (the point of it, see below) is silenced; any other warning shows.
EDITABLE_INSTALL = PYTHONWARNINGS="ignore:Editable installation:UserWarning" $(BIN)/pip install -q -e

.PHONY: app setup run-packages test-packages run test pytest lint bench clean translations installer \
	installer-cycle

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# The app alone (`pip install '.[desktop]'`: no server, no developer tools). A strict editable
# install: build/__editable__.* mirrors the deskmate.* namespace so mypy and import-linter can
# follow it (the default editable finder hides it from them).
app: $(BIN)/python
	$(EDITABLE_INSTALL) '.[desktop]' --config-settings editable_mode=strict

# The app, the server and the developer tools (tests, linters, type checker, PyInstaller).
setup: $(BIN)/python
	$(EDITABLE_INSTALL) '.[dev]' --config-settings editable_mode=strict

# System packages (tools/system_packages.py): installed with apt-get when root, otherwise
# the one `sudo apt-get install ...` line is printed and make stops. Checked again once
# PySide6 is installed, with ldd on Qt's xcb platform plugin.
run-packages:
	$(PY) -m tools.dev_setup packages run

test-packages:
	$(PY) -m tools.dev_setup packages test

run: run-packages app
	$(PY) -m tools.dev_setup packages run
	$(BIN)/deskmate search 花呗还款
	$(BIN)/deskmate search hbhk
	$(BIN)/deskmate search refund iphone
	$(BIN)/deskmate

# After changing UI strings: refresh the .ts, translate what is new, then compile.
translations: setup
	$(BIN)/pyside6-lupdate $$(find desktop -name '*.py') -ts resources/translations/deskmate_zh_CN.ts -no-obsolete
	$(BIN)/pyside6-lrelease resources/translations/deskmate_zh_CN.ts -qm resources/translations/deskmate_zh_CN.qm

# Style, types (the package, the tools, and the tests: strict, except that tests may call
# untyped libraries, see [[tool.mypy.overrides]] "tests.*") and the import contracts.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	MYPYPATH=$(EDITABLE) $(BIN)/mypy -p deskmate.core -p deskmate.indexer -p deskmate.desktop -p deskmate.server
	PYTHONPATH=$(EDITABLE) $(BIN)/lint-imports
	$(BIN)/mypy build_installer.py tools
	MYPYPATH=$(EDITABLE) $(BIN)/mypy tests

# The tests run against a private PostgreSQL (tools/private_postgres.py: its own data directory
# under build/pg and a free loopback port, started here and stopped afterwards, also on
# failure); an exported DESKMATE_TEST_POSTGRES_URL is used instead when set.
test: test-packages lint
	$(PY) -m tools.dev_setup packages test
	$(PY) -m tools.dev_setup with-postgres -- $(MAKE) --no-print-directory pytest

# Two pytest runs: everything offscreen, then the real-X11 tests (the fixture in
# tests/x11/conftest.py starts its own Xvfb and openbox), since one process holds one Qt platform.
# The inner step of `make test` (which sets up the venv, the packages and PostgreSQL first).
pytest:
	$(BIN)/pytest -m "not x11"
	$(BIN)/pytest -m x11 tests/x11

bench: setup
	$(BIN)/python -m benchmarks.search_latency --sizes 10000,100000
	$(BIN)/python -m benchmarks.search_quality
	$(BIN)/python -m benchmarks.sidebar_latency --sizes 10000,100000

# The installers (docs/it-deployment.md): dist/ gets the .deb, the .wxs, the Group Policy
# templates (and the .msi where one can be made).
installer: setup
	$(BIN)/python build_installer.py --no-refresh

# Build, dpkg -i with a preseeded server URL, --selftest, upgrade, purge (root; slow).
installer-cycle: setup
	bash packaging/deb_cycle.sh

clean:
	rm -rf $(VENV) build *.egg-info
