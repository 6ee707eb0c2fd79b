# Every target installs what it needs on first use: a fresh clone needs only python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= build/demo.duckdb
DOCS ?= 100000

.PHONY: demo test lint typecheck lexicon bench bench-engine bench-api bench-crash bench-badinput browser clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

## demo: run the whole pipeline on the bundled sample corpus, print a summary, write a report
demo: $(STAMP)
	@mkdir -p build
	$(BIN)/dyad run samples/articles --meta samples/meta.csv --db $(DB)
	$(BIN)/dyad report --db $(DB) --dyad USA-PAK --out build/demo-report.html

## test: lint, type-check and run the whole test suite (installs Chromium for the browser test)
test: $(STAMP) browser
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts

typecheck: $(STAMP)
	$(BIN)/mypy

## lexicon: convert PETRARCH-2's verb, agent and discard dictionaries (../shared) into dyad data (committed)
DICTIONARIES ?= ../shared/data/dictionaries
lexicon: $(STAMP)
	$(BIN)/python scripts/convert_petrarch.py verbs $(DICTIONARIES)/CAMEO.2.0.txt --out src/dyad/data/events/cameo_verbs.yaml
	$(BIN)/python scripts/convert_petrarch.py agents $(DICTIONARIES)/Phoenix.agents.txt --out src/dyad/data/actors/agents_phoenix.yaml
	$(BIN)/python scripts/convert_petrarch.py discards $(DICTIONARIES)/Phoenix.discards.txt --out src/dyad/data/events/discards.yaml

## browser: Debian's Chromium for the Playwright test (never a downloaded browser)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

## bench: end-to-end speed on a generated corpus (make bench DOCS=10000 for a smaller run), or on
## real news: make bench CORPUS=news (../shared/data/news-corpus), or CORPUS=any JSONL file of records
NEWS_CORPUS := ../shared/data/news-corpus/corpus.jsonl
bench: $(STAMP)
	$(BIN)/python scripts/bench.py $(if $(CORPUS),--corpus $(if $(filter news,$(CORPUS)),$(NEWS_CORPUS),$(CORPUS)),--docs $(DOCS))

## bench-engine: Dask speed-up from 1 to 2 workers (3 alternated rounds, about 15 minutes)
bench-engine: $(STAMP)
	$(BIN)/python scripts/bench_engine.py --docs 8000 --rounds 3

## bench-crash: kill `dyad run` at 20 random moments, resume, compare with a clean run
bench-crash: $(STAMP)
	$(BIN)/python scripts/bench_crash.py --trials 20 --docs 3000

## bench-badinput: 10,000 malformed and good inputs (and a 200 MB file) through `dyad run`
bench-badinput: $(STAMP)
	$(BIN)/python scripts/gen_badinput.py --inputs 10000 --big-mb 200

## bench-api: latency of the web API over a store of a million synthetic events (p50, p95)
bench-api: $(STAMP)
	$(BIN)/python scripts/bench_api.py

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
