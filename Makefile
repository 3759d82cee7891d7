# Two commands do all set-up on a fresh Debian machine (Python 3.11, root):
#   make run    the app on the embedded SQLite store, with the demo user (demo / demo)
#   make test   the whole test suite (installs and starts everything it needs)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
DB ?= $(CURDIR)/data/finance.db
export FINANCE_STORE ?= sqlite:///$(DB)

.PHONY: run test test-fast bench lint demo clean

# The hashed lock (what the image installs), so a newer transitive release (botocore under the pinned boto3)
# never makes the tests run other versions than the image; requirements.txt says what we ask for.
$(VENV)/.app-installed: requirements.txt requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.dev-installed: $(VENV)/.app-installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.bin/dynalite: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Debian's Chromium for the browser test (Playwright drives it; it never downloads a browser),
# with an emoji font so the screenshots show the app's icons.
/usr/bin/chromium:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji

# The example with a fresh random cookie key (never the published one), readable by this user only.
# No prerequisite on the example: an updated example must never overwrite someone's secrets.
.streamlit/secrets.toml:
	$(PYTHON) -c 'import base64, os, pathlib, secrets, sys; \
	  example, key = pathlib.Path(sys.argv[1]).read_text(), "example-cookie-key-change-me-before-hosting"; \
	  assert key in example, "the example cookie key is missing from " + sys.argv[1]; \
	  fd = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600); \
	  text = example.replace(key, secrets.token_urlsafe(32)).replace("example-encryption-key-change-me", \
	    base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()); \
	  os.write(fd, text.encode()); os.close(fd)' \
	  .streamlit/secrets.toml.example $@
	@echo "wrote $@ with a new random cookie key and encryption key"

demo: $(VENV)/.app-installed
	$(PY) -m lib init
	$(PY) -m lib demo --user demo --name "Demo" --if-empty

# The nudge worker (issue 18) runs beside the app and stops with it (Ctrl+C, or the app exiting).
run: $(VENV)/.app-installed .streamlit/secrets.toml demo
	@echo "Open http://127.0.0.1:$(PORT) and sign in as demo / demo (nudges: Settings > Nudges)"
	$(PY) -m lib worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(VENV)/bin/streamlit run streamlit_app.py --server.address 127.0.0.1 --server.port $(PORT)

test: $(VENV)/.dev-installed node_modules/.bin/dynalite /usr/bin/chromium
	$(PY) -m pytest -p no:cacheprovider

test-fast: $(VENV)/.dev-installed node_modules/.bin/dynalite
	$(PY) -m pytest -p no:cacheprovider -m "not e2e"

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# The benchmark drives Debian's Chromium against `streamlit run` (see bench/RESULTS.md for the method).
bench: $(VENV)/.dev-installed node_modules/.bin/dynalite /usr/bin/chromium
	$(PY) -m bench

clean:
	rm -rf $(VENV) node_modules test-artifacts .pytest_cache
