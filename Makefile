# Two commands do all the set-up on a fresh machine with Python 3.11:
#   make demo   creates .venv, installs mstarget, assesses the shipped national targets (mid-term view)
#   make test   creates or reuses .venv, installs with the dev extra (and, as root, the CJK font and chromium
#               for the report tests), runs the test suite (two worker processes)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test bench install fonts browser clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	-@$(MAKE) --no-print-directory fonts
	$(PY) -m mstarget demo

# Chinese labels in charts need a CJK font. Best effort: Debian's fonts-wqy-microhei (1.6 MB) when we are root
# and none is installed; without it charts still draw, labelling panels by indicator id.
fonts:
	@if ! fc-list 2>/dev/null | grep -qiE 'wqy|cjk|simhei|yahei'; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing a CJK font for chart labels (fonts-wqy-microhei)"; \
	    (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null 2>&1 || \
	     (apt-get update -qq >/dev/null 2>&1 && \
	      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null 2>&1)) && \
	    rm -f $$HOME/.cache/matplotlib/fontlist-*.json || echo "note: could not install a CJK font; charts will use ids"; \
	  else echo "note: no CJK font found; install fonts-wqy-microhei for Chinese chart labels"; fi; \
	fi

# The HTML report's real-browser test (tests/test_report_browser.py) needs Debian's chromium. Best effort, like
# `fonts`: installed when we are root and it is missing; otherwise that test is skipped, saying why.
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing chromium for the HTML report's browser test"; \
	    (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || \
	     (apt-get update -qq >/dev/null 2>&1 && \
	      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1)) || \
	    echo "note: could not install chromium; the browser test will be skipped"; \
	  else echo "note: chromium not found; the browser test will be skipped (apt-get install chromium)"; fi; \
	fi

# Two pytest-xdist workers, one per core of the CI machine: every test runs in its own tmp folder and MLflow store
# (tests/conftest.py), so they share nothing; the suite takes ~60 % of its one-process time.
test: $(STAMP)
	-@$(MAKE) --no-print-directory fonts browser
	$(PY) -m pytest -q -n 2

# the bench extra gets its own venv: statsforecast 2.1 requires pandas < 3, and installing it into .venv would
# quietly take the test venv back to pandas 2
BENCH_VENV := .venv-bench
BENCH_PY   := $(BENCH_VENV)/bin/python

$(BENCH_VENV)/.bench-installed: pyproject.toml
	test -x $(BENCH_PY) || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_PY) -m pip install --quiet -e ".[dev,bench]"
	touch $@

bench: $(BENCH_VENV)/.bench-installed
	$(BENCH_PY) benchmarks/run.py

clean:
	rm -rf $(VENV) $(BENCH_VENV) build *.egg-info src/*.egg-info
