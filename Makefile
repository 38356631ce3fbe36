PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install up test unit integration eval bench docs schemas clean

# setup.py builds the classifier's C kernel: editing it or the C source reinstalls (and rebuilds).
$(STAMP): pyproject.toml setup.py services/classifier/engine/_grams.c
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

up: $(STAMP)
	$(BIN)/callroute up $(ARGS)

test: $(STAMP)
	$(BIN)/pytest -q

unit: $(STAMP)
	$(BIN)/pytest -q -m "not integration"

integration: $(STAMP)
	$(BIN)/pytest -q -m integration

eval: $(STAMP)
	$(BIN)/callroute eval

bench: $(STAMP)
	$(BIN)/python -m tests.bench

docs: $(STAMP)
	$(BIN)/callroute docs --out docs/asyncapi.json

schemas: $(STAMP)
	$(BIN)/python -m schemas.export

clean:
	rm -rf $(VENV) .callroute .pytest_cache
