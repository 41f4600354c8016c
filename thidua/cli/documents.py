"""``thidua documents export --deadline CODE --out DIR``: each submitted unit's .docx for one
deadline, and all of them in one ZIP, with a progress bar on stderr."""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import SystemClock
from bot.config import Settings
from bot.i18n import N_, Translator
from bot.services.paperwork import bulk, templates
from thidua.cli import common

BAR_WIDTH = 30


def add_commands(sub: argparse._SubParsersAction) -> None:
    group = sub.add_parser(
        "documents", help="the .docx of each submission, ready to print and sign"
    )
    actions = common.actions(group)
    export = actions.add_parser(
        "export", help="write each submitted unit's document for a deadline, and a ZIP of them"
    )
    export.add_argument(
        "--deadline", required=True, metavar="CODE", help="the deadline's code (thidua plan show)"
    )
    export.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="the folder to write them in"
    )
    export.set_defaults(command=export_documents)
    template = actions.add_parser("template", help="the office's own .docx template of a form")
    template_actions = common.actions(template)
    chosen = template_actions.add_parser(
        "set",
        help="use FILE (a .docx with docxtpl placeholders, see docs/documents.md) for FORM's "
        "documents; a template that does not check is refused and the one in force stays",
    )
    chosen.add_argument("form", metavar="FORM", help="the form's code, e.g. registration")
    chosen.add_argument("file", type=common.existing_file, metavar="FILE", help="the .docx")
    chosen.set_defaults(command=set_template)


async def export_documents(args: argparse.Namespace, settings: Settings) -> None:
    out = _checked_folder(args.out)
    _ = common.translator(settings)

    async def work(session: AsyncSession) -> tuple[int, Path]:
        deadline = await bulk.deadline_named(session, args.deadline)
        if deadline is None:
            raise common.UsageError(
                N_("--deadline: no deadline {code} in the active plan (thidua plan show)"),
                code=args.deadline,
            )
        chosen = await bulk.submitted(session, deadline)
        archive = out / f"{deadline.code}.zip"
        written = 0
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
            _progress(_, written, len(chosen))
            async for built in bulk.documents_of(session, chosen):
                (out / built.file_name).write_bytes(built.content)
                bundle.writestr(built.file_name, built.content)
                written += 1
                _progress(_, written, len(chosen))
        return written, archive

    try:
        written, archive = await common.with_database(settings, work)
    except OSError as error:
        raise common.UsageError(
            N_("--out: cannot write in {path}: {error}"), path=out, error=error.strerror
        ) from None
    print(file=sys.stderr)
    if written == 0:
        print(_("No unit has submitted for {deadline} yet.", deadline=args.deadline))
    done = N_("{count} documents written in {folder}; all of them in {archive}.")
    print(_(done, count=written, folder=out, archive=archive))


def _progress(_: Translator, done: int, total: int) -> None:
    """``Documents [#######.......] 12/36`` on stderr, redrawn in place."""
    filled = BAR_WIDTH * done // total if total else BAR_WIDTH
    bar = "#" * filled + "." * (BAR_WIDTH - filled)
    label = _(N_("Documents"))
    print(f"\r{label} [{bar}] {done}/{total}", end="", file=sys.stderr, flush=True)


def _checked_folder(path: Path) -> Path:
    if path.exists() and not path.is_dir():
        raise common.UsageError(N_("--out: {path} is a file, not a folder"), path=path)
    if not path.parent.is_dir():
        raise common.UsageError(N_("--out: no such folder: {path}"), path=path.parent)
    path.mkdir(exist_ok=True)
    return path


async def set_template(args: argparse.Namespace, settings: Settings) -> None:
    _ = common.translator(settings)
    content = args.file.read_bytes()
    try:
        templates.check(args.form, content)  # refused before the database is opened
    except templates.TemplateRefused as refusal:
        reason = refusal.explain(_)
        raise common.UsageError(
            N_("{file}: {reason}"), file=args.file.name, reason=reason
        ) from None

    async def work(session: AsyncSession) -> None:
        now = SystemClock().now()
        await templates.store(session, args.form, args.file.name, content, now, common.CLI_ACTOR)

    await common.with_database(settings, work)
    print(_(N_("Template of {form} in force: {file}"), form=args.form, file=args.file.name))
