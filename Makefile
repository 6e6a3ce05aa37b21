# One command for each job; CI and the README use these same targets.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-embedded-redis lint bench install clean

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

## lint: ruff (rules and formatting) and mypy --strict on bot/ and handlers/
## test-embedded-redis: the reliability tests again, on the Redis 6.2 that the bot embeds
test-embedded-redis: $(STAMP)
	TEST_REDIS_SERVER=embedded $(BIN)/python -m pytest -q tests/test_queue.py tests/e2e/test_crash.py \
		tests/e2e/test_faults.py tests/e2e/test_redis_outage.py tests/e2e/test_web_shutdown.py tests/e2e/test_links.py

lint: $(STAMP)
	$(BIN)/ruff check bot handlers tests bench
	$(BIN)/ruff format --check bot handlers tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/extraction.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
