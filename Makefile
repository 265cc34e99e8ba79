# The two commands: `make demo` and `make test`. Each sets up what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Exact versions (with their hashes) of every dependency, the dev and cluster extras included,
# made from pyproject.toml's ranges by `make lock`.
LOCK := requirements.lock
LOCK_OPTIONS := --extra dev --extra cluster --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links

VENDOR := src/truce/web/static/vendor

.PHONY: install lock assets demo serve test test-quick lint check-types format bench clean

# The lock's versions, then the project itself (editable, resolving nothing of its own); redone
# when pyproject.toml or the lock changes. `pip check` catches a lock that no longer satisfies
# pyproject.toml.
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check || { echo "$(LOCK) does not satisfy pyproject.toml: run make lock" >&2; exit 1; }
	touch $(STAMP)

install: $(STAMP)

# Regenerates the lock from pyproject.toml, keeping the pins that still fit its ranges;
# `make lock LOCK_UPGRADE=--upgrade` moves every pin to the newest version allowed. pip-tools
# goes into the venv for this alone: it is no dependency of the project.
lock:
	test -x $(BIN)/pip || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/pip-compile || $(BIN)/pip install --quiet pip-tools
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet $(LOCK_OPTIONS) $(LOCK_UPGRADE) --output-file $(LOCK) pyproject.toml

# Front-end libraries from the npm registry, pinned by package-lock.json, copied into an
# ignored static folder. Nothing is fetched from a CDN at run time.
# --ignore-scripts: none of these libraries needs an install script, and swagger-ui-dist's
# dependency @scarf/scarf has one that reports the install over the network.
$(VENDOR)/.built: package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/images $(VENDOR)/swagger-ui
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css $(VENDOR)/
	cp node_modules/leaflet/dist/images/* $(VENDOR)/images/
	cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js $(VENDOR)/
	cp node_modules/leaflet.markercluster/dist/MarkerCluster.css node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css $(VENDOR)/
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/topojson-client/dist/topojson-client.min.js $(VENDOR)/
	cp node_modules/uplot/dist/uPlot.iife.min.js node_modules/uplot/dist/uPlot.min.css $(VENDOR)/
	cp node_modules/world-atlas/countries-50m.json $(VENDOR)/
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
		node_modules/swagger-ui-dist/favicon-32x32.png $(VENDOR)/swagger-ui/
	touch $@

assets: $(VENDOR)/.built

demo: install assets
	$(BIN)/truce demo
	$(BIN)/truce serve --host 127.0.0.1 --port 8000

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint assets
	$(BIN)/pytest

# The tests not marked slow (no browser, Dask cluster, `truce` process or Schemathesis), and no
# linters: for the edit-test loop. `make test` runs them all.
test-quick: install assets
	$(BIN)/pytest -m "not slow"

format: install
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
