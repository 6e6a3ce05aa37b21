# One command for each job; CI and the README use these same targets.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-embedded-redis lint fix docs bench install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## run: summarize the shipped example offline with the embedded defaults (no Slack, no API key needed)
run: $(STAMP)
	$(BIN)/summarizer summarize examples/seed-request.txt

## test: the whole test suite (what CI runs)
test: $(STAMP)
	$(BIN)/python -m pytest -q

## test-embedded-redis: the reliability tests again, on the Redis 6.2 that the bot embeds
test-embedded-redis: $(STAMP)
	TEST_REDIS_SERVER=embedded $(BIN)/python -m pytest -q tests/queue/test_stream.py tests/e2e/test_crash.py \
		tests/e2e/test_faults.py tests/e2e/test_redis_outage.py tests/e2e/test_web_shutdown.py tests/e2e/test_links.py

## lint: ruff (rules, complexity and formatting), mypy --strict, and the import-linter layer contracts
lint: $(STAMP)
	$(BIN)/ruff check bot handlers tests bench
	$(BIN)/ruff format --check bot handlers tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

## fix: let ruff fix what it can and format everything
fix: $(STAMP)
	$(BIN)/ruff check --fix bot handlers tests bench
	$(BIN)/ruff format bot handlers tests bench

## docs: regenerate .env.example and the README's settings table from bot/settings.py
docs: $(STAMP)
	$(BIN)/python -m bot.settings_docs

## bench: extraction and summary quality; bench/summaries.py needs `$(BIN)/pip install -e '.[bench]'`
bench: $(STAMP)
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/summaries.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
