# WorkerHome — every command a developer or CI needs. Everything is installed from this repo's files.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
PYBIN := $(VENV)/bin/python
REQS := requirements.txt requirements-dev.txt requirements-ml.txt
STAMP := $(VENV)/.installed-$(shell cat $(REQS) | sha1sum | cut -c1-12)
# Lambda's python3.12 runtime: `chalice package` must run from a 3.12 interpreter.
PY312 ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) $(shell command -v python3.12 2>/dev/null))

.PHONY: venv run test test-fast bench models package secrets admin staff lint clean

$(STAMP): $(REQS)
	@test -x $(PYBIN) || $(PY) -m venv $(VENV)
	@echo "installing Python packages into $(VENV) (log: $(VENV)/pip.log)"
	@$(PYBIN) -m pip install --disable-pip-version-check -r requirements-dev.txt -r requirements-ml.txt > $(VENV)/pip.log 2>&1 || { tail -40 $(VENV)/pip.log; exit 1; }
	@$(PYBIN) -c "import chalice, pynamodb, moto, pydantic"
	@rm -f $(VENV)/.installed-*; touch $@

venv: $(STAMP)

run: venv  ## the whole system on an embedded moto stack, with demo data
	$(PYBIN) -m devstack

test: venv  ## the whole suite
	$(PYBIN) -m pytest $(PYTEST_ARGS)

test-fast: venv  ## without the packaging check and the live-stack tests
	$(PYBIN) -m pytest -m "not packaging and not integration" $(PYTEST_ARGS)

bench: venv  ## figures as ratios against baselines measured in the same run -> bench/results.json
	$(PYBIN) -m bench

models: venv  ## retrain the four scoring models -> chalicelib/models/*, ml/reports/*
	$(PYBIN) -m ml.train_all

package: venv  ## chalice package for prod (python3.12) + cfn-lint -> build/package
	PY312="$(PY312)" $(PYBIN) -m infra.package --stage $(or $(STAGE),prod) --out build/package

secrets: venv  ## once per stage after the first deploy: SSM secrets and the first data key
	$(PYBIN) -m infra.secrets --stage $(or $(STAGE),prod)

admin: venv  ## make admin PHONE=13800000000 — grant admin in the running local stack
	$(PYBIN) -m devstack.grant --phone "$(PHONE)" --role admin

staff: venv  ## make staff PHONE=... STATION=... — grant staff of a station in the running local stack
	$(PYBIN) -m devstack.grant --phone "$(PHONE)" --role staff --station "$(STATION)"

lint: venv
	$(VENV)/bin/ruff check .

clean:
	rm -rf build .pytest_cache
