# The two commands: `make demo` and `make test`. Each sets up what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

VENDOR := src/truce/web/static/vendor

.PHONY: install assets demo serve test lint check-types format bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Front-end libraries from the npm registry, pinned by package-lock.json, copied into an
# ignored static folder. Nothing is fetched from a CDN at run time.
$(VENDOR)/.built: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/images
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css $(VENDOR)/
	cp node_modules/leaflet/dist/images/* $(VENDOR)/images/
	cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js $(VENDOR)/
	cp node_modules/leaflet.markercluster/dist/MarkerCluster.css node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css $(VENDOR)/
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/topojson-client/dist/topojson-client.min.js $(VENDOR)/
	cp node_modules/uplot/dist/uPlot.iife.min.js node_modules/uplot/dist/uPlot.min.css $(VENDOR)/
	cp node_modules/world-atlas/countries-50m.json $(VENDOR)/
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

format: install
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
