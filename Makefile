# thidua-bot: `make demo` and `make test` are all a fresh machine needs (Python 3.11+).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PG_TEST_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/test
CATALOGS := $(wildcard locales/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)
PYBABEL_KEYWORDS := -k N_ -k plural:1,2

.PHONY: install demo run test test-sqlite test-postgres lint i18n compose-check clean office-tools

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# Compiled catalogs are build products, not committed.
locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --statistics -D messages -l $* -i $< -o $@

demo: $(STAMP) $(COMPILED)
	$(BIN)/thidua sandbox

run: $(STAMP) $(COMPILED)
	$(BIN)/thidua run

test: test-sqlite test-postgres

# The document tests convert .docx to PDF with LibreOffice headless and read it with poppler;
# a machine without them gets them here (Debian/Ubuntu), the tests fail rather than skip.
OFFICE_WRITER := /usr/lib/libreoffice/program/libswlo.so
office-tools:
	@if ! command -v soffice >/dev/null || ! command -v pdftotext >/dev/null \
		|| [ ! -e $(OFFICE_WRITER) ]; then \
		echo "Installing LibreOffice Writer (headless) and poppler-utils for the document tests"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends \
			libreoffice-writer-nogui poppler-utils >/dev/null; \
	fi

test-sqlite: $(STAMP) $(COMPILED) office-tools
	$(BIN)/pytest -q

# The same suite on a real PostgreSQL server; a missing server fails, it does not skip.
test-postgres: $(STAMP) $(COMPILED) office-tools
	TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check .

# Re-extract messages, merge them into both catalogs, compile. Then translate what is new.
i18n: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg $(PYBABEL_KEYWORDS) -c Translators: --no-location \
		--sort-output --project thidua-bot -o locales/messages.pot .
	$(BIN)/pybabel update -D messages -i locales/messages.pot -d locales --no-fuzzy-matching \
		--ignore-obsolete
	$(MAKE) $(COMPILED)

# The example settings stand in for .env, which only a real deployment has.
compose-check:
	THIDUA_ENV_FILE=.env.example docker-compose -f docker-compose.yml config --quiet

clean:
	rm -rf $(VENV) .pytest_cache .sandbox locales/*/LC_MESSAGES/*.mo
