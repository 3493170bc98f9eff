# WorkerHome — every command a developer or CI needs. Everything is installed from this repo's files.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
PYBIN := $(VENV)/bin/python
REQS := requirements.txt requirements-dev.txt requirements-ml.txt requirements-e2e.txt
STAMP := $(VENV)/.installed-$(shell cat $(REQS) | sha1sum | cut -c1-12)
# Lambda's python3.12 runtime: `chalice package` must run from a 3.12 interpreter.
PY312 ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) $(shell command -v python3.12 2>/dev/null))

.PHONY: venv run test test-fast test-e2e e2e-deps miniapp-deps bench models package secrets rotate-keys retire-keys admin auditor staff check lint format clean

$(STAMP): $(REQS)
	@test -x $(PYBIN) || $(PY) -m venv $(VENV)
	@echo "installing Python packages into $(VENV) (log: $(VENV)/pip.log)"
	@PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(PYBIN) -m pip install --disable-pip-version-check -r requirements-dev.txt -r requirements-ml.txt -r requirements-e2e.txt > $(VENV)/pip.log 2>&1 || { tail -40 $(VENV)/pip.log; exit 1; }
	@$(PYBIN) -c "import chalice, pynamodb, moto, pydantic"
	@rm -f $(VENV)/.installed-*; touch $@

venv: $(STAMP)

# Front-end packages (miniapp/node_modules, served under /vendor/): `npm ci` again when the lock changes.
NPM_STAMP := miniapp/node_modules/.installed-$(shell cat miniapp/package.json miniapp/package-lock.json | sha1sum | cut -c1-12)
# Browser tests use Debian's Chromium at this path; Playwright never downloads a browser.
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

$(NPM_STAMP): miniapp/package.json miniapp/package-lock.json
	@command -v npm >/dev/null || { echo "installing Debian's npm (for miniapp/)"; \
	  $(SUDO) apt-get update -q >/dev/null && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm >/dev/null; } \
	  || { echo "npm is missing and could not be installed: install Node.js + npm"; exit 1; }
	@echo "installing front-end packages into miniapp/node_modules (npm ci)"
	@cd miniapp && npm ci --no-audit --no-fund --loglevel=error
	@rm -f miniapp/node_modules/.installed-*; touch $@

miniapp-deps: $(NPM_STAMP)

$(CHROMIUM):
	@echo "installing Debian's chromium for the browser tests (apt-get install chromium)"
	@$(SUDO) apt-get update -q >/dev/null && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null \
	  || { echo "could not install Debian's chromium: the e2e tests cannot run (they fail, never skip)"; exit 1; }
	@test -x $(CHROMIUM) || { echo "$(CHROMIUM) is still missing after apt-get install chromium"; exit 1; }

# A CJK font, so Chinese text in the screenshots is text, not empty boxes.
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
$(CJK_FONT):
	@echo "installing a CJK font for the browser screenshots (apt-get install fonts-wqy-microhei)"
	@$(SUDO) apt-get update -q >/dev/null && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-wqy-microhei >/dev/null \
	  || { echo "could not install fonts-wqy-microhei"; exit 1; }

e2e-deps: $(CHROMIUM) $(CJK_FONT) miniapp-deps  ## what the browser tests need besides .venv: Debian's chromium, miniapp/node_modules

run: venv miniapp-deps  ## the whole system on an embedded moto stack, with demo data and the front ends
	$(PYBIN) -m devstack

test: venv e2e-deps  ## the whole suite (the browser tests too)
	$(PYBIN) -m pytest $(PYTEST_ARGS)

test-fast: venv  ## without the packaging check, the live-stack tests and the browser tests
	$(PYBIN) -m pytest -m "not packaging and not integration and not e2e" $(PYTEST_ARGS)

test-e2e: venv e2e-deps  ## the browser tests only; screenshots in tests/e2e/artifacts/
	$(PYBIN) -m pytest tests/e2e -m e2e $(PYTEST_ARGS)

bench: venv  ## figures as ratios against baselines measured in the same run -> bench/results.json
	$(PYBIN) -m bench   # scoring figures run in the segment Lambda's environment from .chalice/config.json

models: venv  ## retrain the four scoring models -> chalicelib/models/*, ml/reports/*
	$(PYBIN) -m ml.train_all

package: venv  ## chalice package for prod (python3.12) + cfn-lint -> build/package
	PY312="$(PY312)" $(PYBIN) -m infra.package --stage $(or $(STAGE),prod) --out build/package

secrets: venv  ## once per stage after the first deploy: SSM secrets and the first data key
	$(PYBIN) -m infra.secrets --stage $(or $(STAGE),prod)

rotate-keys: venv  ## new current data key + blind-index key (old ones kept); then POST /v1/admin/keys/rotations
	$(PYBIN) -m infra.keys rotate --stage $(or $(STAGE),prod)

retire-keys: venv  ## make retire-keys JOB=kr_... — drop old keys once that re-encryption job left nothing
	$(PYBIN) -m infra.keys retire --stage $(or $(STAGE),prod) --job "$(JOB)"

admin: venv  ## make admin PHONE=13800000000 — grant admin in the running local stack
	$(PYBIN) -m devstack.grant --phone "$(PHONE)" --role admin

auditor: venv  ## make auditor PHONE=... — grant the auditor role (reads the audit log, changes nothing)
	$(PYBIN) -m devstack.grant --phone "$(PHONE)" --role auditor

staff: venv  ## make staff PHONE=... STATION=... — grant staff of a station in the running local stack
	$(PYBIN) -m devstack.grant --phone "$(PHONE)" --role staff --station "$(STATION)"

check: venv  ## the quality gate CI runs before the tests: ruff check, ruff format --check, mypy on chalicelib/
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

lint: check

format: venv  ## apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf build .pytest_cache

.PHONY: retrain
retrain: venv  ## retrain churn on the stored records (local stack by default), promote only if not worse
	$(PYBIN) -m ml.retrain --model churn
