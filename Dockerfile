# thidua-bot: one image for `thidua run` (and any other subcommand).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md babel.cfg ./
COPY thidua ./thidua
COPY bot ./bot
COPY handlers ./handlers
COPY channels ./channels
COPY scheduler ./scheduler
COPY locales ./locales
# Editable install: the catalogs in /app/locales are found next to the code.
RUN pip install -e . \
    && pybabel compile -D messages -d locales \
    && useradd --create-home --uid 1000 thidua
USER thidua

ENTRYPOINT ["thidua"]
CMD ["run"]
