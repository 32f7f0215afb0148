# Deskmate developer commands. `make run` and `make test` are the README's two commands.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
EDITABLE = $(firstword $(wildcard build/__editable__.*))

.PHONY: setup run test lint bench clean translations installer installer-cycle

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# A strict editable install: build/__editable__.* mirrors the deskmate.* namespace so
# mypy and import-linter can follow it (the default editable finder hides it from them).
setup: $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]' --config-settings editable_mode=strict

run: setup
	$(BIN)/deskmate search 花呗还款
	$(BIN)/deskmate search hbhk
	$(BIN)/deskmate search refund iphone
	$(BIN)/deskmate

# After changing UI strings: refresh the .ts, translate what is new, then compile.
translations: setup
	$(BIN)/pyside6-lupdate $$(find desktop -name '*.py') -ts resources/translations/deskmate_zh_CN.ts -no-obsolete
	$(BIN)/pyside6-lrelease resources/translations/deskmate_zh_CN.ts -qm resources/translations/deskmate_zh_CN.qm

lint: setup
	$(BIN)/ruff check .
	MYPYPATH=$(EDITABLE) $(BIN)/mypy -p deskmate.core -p deskmate.indexer -p deskmate.desktop -p deskmate.server
	PYTHONPATH=$(EDITABLE) $(BIN)/lint-imports
	$(BIN)/mypy packaging/installer_build build_installer.py

# Two pytest runs: everything offscreen, then the real-X11 tests (the fixture in
# tests/x11/conftest.py starts its own Xvfb and openbox), since one process holds one Qt platform.
test: lint
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
