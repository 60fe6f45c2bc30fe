# make demo: set up, then run the main job.   make test: set up, then run the tests.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.gdviz-installed

.PHONY: demo test setup bench docs-images clean

demo: $(STAMP)
	$(BIN)/gdviz build

test: $(STAMP) $(VENV)/.gdviz-test-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: $(STAMP) $(VENV)/.gdviz-test-deps
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/gif.py
	$(BIN)/python bench/video.py
	$(BIN)/python bench/race.py
	$(BIN)/python bench/explorer.py
	$(BIN)/python bench/build.py
	$(BIN)/python bench/maps.py
	$(BIN)/python bench/landscape.py

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/system-deps.sh
	bash scripts/system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[manim,dev]'
	touch $@

# the gallery page and the explorer are tested in headless Chromium (Debian's chromium); the
# explorer's JavaScript engine also with Node's test runner (Debian's nodejs)
$(VENV)/.gdviz-test-deps: scripts/system-deps.sh | $(STAMP)
	bash scripts/system-deps.sh chromium nodejs
	touch $@

docs-images: $(STAMP)
	$(BIN)/gdviz build docs/showcase.toml --out docs/img --lang en --no-index

clean:
	rm -rf $(VENV) build *.egg-info
