# The README's two commands are `make run` and `make test`; both build .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DATA   ?= data
TEXTS  ?= ../shared/seeds:../shared/articles
LANG_OPT ?=

KERNEL := locality-terms

.PHONY: run test validate table lab clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (locality-terms)" >/dev/null
	touch $(STAMP)

## The main job: validate the data (stop on errors) and write the briefing pack to exports/<date>/.
run: $(STAMP)
	$(BIN)/python -m helpers export --data $(DATA) --texts $(TEXTS) $(LANG_OPT)

## The tests (what CI runs).
test: $(STAMP)
	LOCALITY_TEXTS=$(TEXTS) $(BIN)/python -m pytest

validate: $(STAMP)
	$(BIN)/python -m helpers validate $(DATA) --texts $(TEXTS)

table: $(STAMP)
	$(BIN)/python -m helpers table $(DATA)

## Interactive: JupyterLab on the notebooks, with the project's kernel.
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf $(VENV) .pytest_cache

## The benchmark: synthetic corpora of 1,000 to 10,000 articles (in a temporary folder); results in benchmarks/README.md.
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

## How close new-article's scaffold comes to the annotations: each shipped article left out in turn; results in benchmarks/README.md.
.PHONY: eval-scaffold
eval-scaffold: $(STAMP)
	$(BIN)/python -m benchmarks.scaffold_eval

## The notebooks' analysis and chart calls at 1,000 to 10,000 articles beside a pandas group-by floor; results in benchmarks/README.md.
.PHONY: bench-calls
bench-calls: $(STAMP)
	$(BIN)/python -m benchmarks.calls
