# Two commands do everything on a fresh machine:
#   make run   — virtualenv, dependencies, database, demo data, server on http://127.0.0.1:5000
#                (one process: the server also runs the background-job workers; Ctrl-C stops both)
#   make test  — virtualenv, dependencies, the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
export FLASK_APP := wsgi
# Test processes (pytest-xdist); 0 runs the suite in this process (the PostgreSQL run shares
# one database, so .ci/run uses JOBS=0 there).
JOBS   ?= 2

.PHONY: install translations run test test-fast lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,postgres,redis,server]'
	rm -f $(VENV)/.installed-*
	touch $@

translations: install
	$(BIN)/pybabel compile --use-fuzzy --statistics -d platform/translations

run: translations
	mkdir -p instance
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	$(BIN)/python wsgi.py

test: translations
	$(BIN)/python -m pytest -n $(JOBS) $(PYTEST_ARGS)

# The inner loop: everything but the browser tests.
test-fast: translations
	$(BIN)/python -m pytest -n $(JOBS) -m "not browser" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check platform tests bench wsgi.py
	$(BIN)/ruff format --check platform tests bench wsgi.py

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
