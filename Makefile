# make demo: set up, then run the main job.   make test: set up, then run the tests.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.gdviz-installed

.PHONY: demo test setup bench clean

demo: $(STAMP)
	$(BIN)/gdviz build

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/gif.py
	$(BIN)/python bench/video.py

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/system-deps.sh
	bash scripts/system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[manim,dev]'
	touch $@

clean:
	rm -rf $(VENV) build *.egg-info
