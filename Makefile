# The two commands a new machine needs: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
TOOLS := .tools
UV := $(TOOLS)/bin/uv
PY := $(VENV)/bin/python
RECOUP := $(VENV)/bin/recoup
UV_VERSION := 0.13.9
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run install migrate demo test lint bench bench-web bench-statements clean

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

# Bytecode compiled at install, as a production image would be: a machine that sets
# PYTHONDONTWRITEBYTECODE otherwise compiles every module on every command (1.3 s of each
# `recoup` run, most of the aged-debt report's time).
install: $(UV)
	$(UV) sync --frozen --quiet --compile-bytecode
	$(PY) -m compileall -q src

migrate: install
	@mkdir -p var
	$(RECOUP) migrate --no-input -v 0

# The demo book is loaded once; var/demo-loaded marks it done.
var/demo-loaded: | migrate
	$(RECOUP) demo
	@touch var/demo-loaded

demo: var/demo-loaded

run: migrate demo
	@scripts/ensure-os-packages run
	@$(RECOUP) demo --sign-ins
	$(RECOUP) runserver 127.0.0.1:8000 --noreload

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: install
	scripts/ensure-os-packages
	$(MAKE) --no-print-directory lint
	scripts/test-both-databases

# Times `recoup cob` on generated books (BENCH_SIZES="500000 1000000" for a shorter run) and
# writes docs/benchmarks.md. Heavy: run it on a quiet machine.
bench: install migrate
	$(PY) bench/run.py

# The collections workspace under load (16 agents): DATABASE_URL names a closed book, e.g. one
# `make bench` built. Writes its section of docs/benchmarks.md.
bench-web: install
	$(PY) bench/web_load.py

# The bank statement import (issue 6): a 100,000-account book on a throwaway PostgreSQL cluster
# and one camt.053 file of 100,000 payments (BENCH_STATEMENT_LINES). Writes its section of
# docs/benchmarks.md.
bench-statements: install
	$(PY) bench/statements.py

clean:
	rm -rf $(VENV) $(TOOLS) var .mypy_cache .ruff_cache .hypothesis
