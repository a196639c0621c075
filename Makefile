# Coalition — the two commands a newcomer needs: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export COALITION_DATABASE_URL ?= sqlite:///var/coalition.db

.PHONY: run test lint typecheck unit bench setup frontend browser clean messages

$(STAMP): pyproject.toml
	@echo "==> [1/3] Python virtualenv in $(VENV)"
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	@echo "==> [2/3] Python packages (pip prints each one as it comes)"
	$(BIN)/pip install --progress-bar on -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) frontend

# Front-end packages come from the npm registry at set-up time (never a CDN).
frontend:
	@echo "==> [3/3] front-end packages from the npm registry"
	@if [ -f package.json ]; then \
	  if [ ! -d node_modules ] || [ package.json -nt node_modules ]; then npm install --no-audit --no-fund --silent && touch node_modules; fi; \
	  $(BIN)/python -m coalition.web.vendor; fi

run: setup
	$(BIN)/coalition db upgrade
	$(BIN)/coalition demo --if-missing
	COALITION_DEVELOPMENT=$${COALITION_DEVELOPMENT:-1} $(BIN)/coalition serve  # COALITION_HOST / COALITION_PORT (127.0.0.1:8000)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

# The browser tests drive Debian's chromium; install it with apt where it is missing and we can.
# Without it they fail and say so (COALITION_TEST_BROWSER=0 skips them explicitly).
browser:
	@[ "$$COALITION_TEST_BROWSER" = "0" ] || [ -x /usr/bin/chromium ] || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) || \
	  echo "chromium could not be installed with apt-get; the browser tests will fail (COALITION_TEST_BROWSER=0 skips them)"

unit: setup browser
	$(BIN)/pytest -p no:cacheprovider -n 2 --dist loadgroup

test: lint typecheck unit

bench: setup
	$(BIN)/pip install --quiet -e '.[bench]' || echo "red-dwarf could not be installed; its comparison is skipped"
	for b in benchmarks/*.py; do case $$b in */_*) continue;; esac; echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Languages: extract every marked string to messages.pot, then add the new ones to each catalog
# (es, fr, ar) as empty entries to translate; tests/i18n fails until es and fr have them all.
LOCALES_DIR := src/coalition/locale
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output --omit-header -k lazy -k phrase -o $(LOCALES_DIR)/messages.pot .
	for l in es fr ar; do \
	  if [ -f $(LOCALES_DIR)/$$l/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete --width=100 -i $(LOCALES_DIR)/messages.pot -d $(LOCALES_DIR) -l $$l; \
	  else $(BIN)/pybabel init -i $(LOCALES_DIR)/messages.pot -d $(LOCALES_DIR) -l $$l; fi; done

clean:
	rm -rf $(VENV) node_modules var test-artifacts
