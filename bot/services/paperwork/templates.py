"""The office's own template of a form's document (docxtpl: Jinja placeholders in a .docx).

A template is checked when it is loaded: it must be a .docx, its placeholders must parse, name
only the variables the form offers (`variables`) and render with a sample of every answer;
otherwise it is refused, naming the variable or the error, and the template in force stays.
docxtpl is imported here, when a template is loaded or used.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import DocumentTemplate
from bot.forms.catalog import FORMS, form_for
from bot.forms.definition import FormDefinition
from bot.forms.fields import Group
from bot.i18n import N_, Explained
from bot.services.paperwork.writer import Paper

# What every form's template may use, beside the form's own questions (by their keys).
COMMON = (
    "managing_body",
    "unit_name",
    "number",
    "place",
    "date_line",
    "title",
    "addressee",
    "head_position",
    "head_name",
    "recipients",
    "sections",
)
SAMPLE = "…"


class TemplateRefused(Explained):
    """A template that cannot be used; the message says why, in one line."""


def variables(form: FormDefinition) -> list[str]:
    return [*COMMON, *(field.key for field in form.fields)]


def context(paper: Paper, shown: dict[str, Any]) -> dict[str, Any]:
    """The values a template is rendered with."""
    head = paper.letterhead
    sections = [
        {
            "number": s.number,
            "heading": s.heading,
            "paragraphs": list(s.paragraphs),
            "columns": list(s.table.columns) if s.table else [],
            "rows": [list(row) for row in s.table.rows] if s.table else [],
        }
        for s in paper.sections
    ]
    return {
        "managing_body": head.managing_body,
        "unit_name": head.unit_name,
        "number": head.number,
        "place": head.place,
        "date_line": paper.date_line,
        "title": head.title,
        "addressee": head.addressee or "",
        "head_position": head.head_position,
        "head_name": head.head_name or "",
        "recipients": list(head.recipients),
        "sections": sections,
        **shown,
    }


def _sample(form: FormDefinition) -> dict[str, Any]:
    values: dict[str, Any] = dict.fromkeys(COMMON, SAMPLE)
    values["recipients"] = [SAMPLE]
    values["sections"] = [
        {"number": 1, "heading": SAMPLE, "paragraphs": [SAMPLE], "columns": [], "rows": []}
    ]
    for field in form.fields:
        if isinstance(field, Group):
            values[field.key] = [{"stt": 1, **{f.key: SAMPLE for f in field.fields}}]
        else:
            values[field.key] = SAMPLE
    return values


def _environment():
    from jinja2 import Environment, StrictUndefined

    return Environment(undefined=StrictUndefined)


def check(form_code: str, content: bytes) -> FormDefinition:
    """The form, if ``content`` is a usable template of it; else TemplateRefused."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError

    form = form_for(form_code)
    if form is None:
        raise TemplateRefused(
            N_("unknown form {form} (choose {forms})"),
            form=form_code,
            forms=", ".join(sorted(FORMS)),
        )
    try:
        template = DocxTemplate(io.BytesIO(content))
        used = template.get_undeclared_template_variables(_environment())
    except TemplateError as error:
        raise TemplateRefused(N_("the template does not parse: {error}"), error=error) from None
    except Exception as error:  # not a .docx: python-docx raises several kinds
        raise TemplateRefused(N_("not a .docx file Word can open ({error})"), error=error) from None
    unknown = sorted(set(used) - set(variables(form)))
    if unknown:
        offered = ", ".join(variables(form))
        raise TemplateRefused(
            N_("unknown variable(s) {unknown}; the form {form} offers: {offered}"),
            unknown=", ".join(unknown),
            form=form_code,
            offered=offered,
        )
    try:
        render(content, _sample(form))
    except Exception as error:  # whatever Jinja or docxtpl raise, the office reads it
        raise TemplateRefused(N_("the template does not render: {error}"), error=error) from None
    return form


def render(content: bytes, values: dict[str, Any]) -> bytes:
    from docxtpl import DocxTemplate

    template = DocxTemplate(io.BytesIO(content))
    template.render(values, _environment())
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


async def store(
    session: AsyncSession, form_code: str, file_name: str, content: bytes, now: datetime, by: str
) -> None:
    """Checked, then kept as the form's template (replacing the one before)."""
    check(form_code, content)
    kept = await session.get(DocumentTemplate, form_code)
    if kept is None:
        kept = DocumentTemplate(form_code=form_code)
        session.add(kept)
    kept.file_name, kept.content, kept.loaded_at, kept.loaded_by = file_name, content, now, by
    await session.flush()


async def template_of(session: AsyncSession, form_code: str) -> bytes | None:
    kept = await session.get(DocumentTemplate, form_code)
    return kept.content if kept is not None else None
