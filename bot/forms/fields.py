"""Field types of a declared form: how each asks, reads an answer and shows it back.

A field never sees a platform: it gets what the person typed, the option they picked, or the
file they sent, and either returns the value to store (JSON-able) or raises :class:`Invalid`
with a message that says what is expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from bot.events import FileRef
from bot.i18n import N_, Translator
from bot.text import fold


class Invalid(ValueError):
    """An answer that does not fit; ``message`` is a msgid, ``values`` fill it in."""

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message)
        self.message = message
        self.values = values

    def text(self, t: Translator) -> str:
        return t(self.message, **self.values)


@dataclass(frozen=True)
class Answer:
    """What the person gave at a step: typed text, an option number, or a file."""

    text: str | None = None
    option: int | None = None
    file: FileRef | None = None


@dataclass(frozen=True)
class Choice:
    """An option: ``value`` is stored; ``label`` is shown (already translated or plan data)."""

    value: str
    label: str


class Env(Protocol):
    """What fields need from around them: the translator, and choices taken from the plan."""

    t: Translator

    def choices_from(self, source: str) -> list[Choice]: ...


@dataclass(frozen=True)
class ShowIf:
    """Ask a field only when an earlier answer has a given value (or one of a set)."""

    key: str
    value: Any

    def holds(self, answers: dict[str, Any]) -> bool:
        answer = answers.get(self.key)
        if isinstance(self.value, frozenset):
            return answer in self.value
        return answer == self.value


@dataclass(frozen=True, kw_only=True)
class Field:
    key: str
    label: str  # the question, a msgid
    optional: bool = False
    show_if: ShowIf | None = None

    def choices(self, env: Env) -> list[Choice]:
        return []

    def heading(self, t: Translator) -> str:
        """The question as a column's header: "Position (e.g. teacher)" → "Position"."""
        return re.sub(r"\s*\([^)]*\)\s*$", "", t(self.label)).rstrip(" ?:") or t(self.label)

    def hint(self, env: Env) -> str:
        return ""

    def read(self, answer: Answer, env: Env) -> Any:
        raise NotImplementedError

    def show(self, value: Any, env: Env) -> str:
        return str(value)

    def accepts(self, value: Any, env: Env) -> bool:
        """Whether a stored value is still valid (for drafts made under an older version)."""
        return value is not None

    def complete(self, value: Any) -> bool:
        """Whether a stored answer is enough to submit (a table may need a number of rows)."""
        return value is not None


def _typed(answer: Answer) -> str:
    if answer.text is None or not answer.text.strip():
        raise Invalid(N_("Please type your answer."))
    return answer.text.strip()


def pick(answer: Answer, choices: list[Choice]) -> Choice:
    """The option pressed, or typed as its number or its words (diacritics optional)."""
    if answer.option is not None and 0 <= answer.option < len(choices):
        return choices[answer.option]
    typed = fold(answer.text or "")
    if typed.isdigit() and 1 <= int(typed) <= len(choices):
        return choices[int(typed) - 1]
    folded = [(c, fold(c.label)) for c in choices]
    exact = [c for c, label in folded if label == typed]
    partial = [c for c, label in folded if typed and typed in label]
    for found in (exact, partial):
        if len(found) == 1:
            return found[0]
    raise Invalid(N_("Please choose one of the options: press a button or type its number."))


@dataclass(frozen=True, kw_only=True)
class SingleChoice(Field):
    options: tuple[Choice, ...] = ()
    # Options from the plan (award types, the unit's pilot models) instead of fixed ones.
    source: str | None = None

    def choices(self, env: Env) -> list[Choice]:
        if self.source:
            return env.choices_from(self.source)
        return [Choice(option.value, env.t(option.label)) for option in self.options]

    def read(self, answer: Answer, env: Env) -> Any:
        return pick(answer, self.choices(env)).value

    def show(self, value: Any, env: Env) -> str:
        return next((c.label for c in self.choices(env) if c.value == value), str(value))

    def accepts(self, value: Any, env: Env) -> bool:
        return any(c.value == value for c in self.choices(env))


YES, NO = "yes", "no"


@dataclass(frozen=True, kw_only=True)
class YesNo(Field):
    def choices(self, env: Env) -> list[Choice]:
        return [Choice(YES, env.t(N_("Yes"))), Choice(NO, env.t(N_("No")))]

    def read(self, answer: Answer, env: Env) -> Any:
        typed = fold(answer.text or "")
        if answer.option is None and typed in ("co", "yes", "y", "c", "dung"):
            return YES
        if answer.option is None and typed in ("khong", "no", "n", "k", "ko"):
            return NO
        return pick(answer, self.choices(env)).value

    def show(self, value: Any, env: Env) -> str:
        return env.t(N_("Yes")) if value == YES else env.t(N_("No"))

    def accepts(self, value: Any, env: Env) -> bool:
        return value in (YES, NO)


@dataclass(frozen=True, kw_only=True)
class MultiChoice(SingleChoice):
    """Several options; the stored value is the list of chosen values."""

    min_chosen: int = 1

    def read_toggle(self, current: list[str], answer: Answer, env: Env) -> list[str]:
        """Typed "1, 3" chooses those; a pressed option toggles itself."""
        choices = self.choices(env)
        if answer.option is None and answer.text and re.fullmatch(r"[\d,;\s]+", answer.text):
            numbers = {int(n) for n in re.findall(r"\d+", answer.text)}
            if not all(1 <= n <= len(choices) for n in numbers):
                raise Invalid(N_("Please type numbers from 1 to {count}."), count=len(choices))
            return [choices[n - 1].value for n in sorted(numbers)]
        chosen = pick(answer, choices).value
        return [v for v in current if v != chosen] if chosen in current else [*current, chosen]

    def read(self, answer: Answer, env: Env) -> Any:
        return self.finish(self.read_toggle([], answer, env))

    def finish(self, current: list[str]) -> list[str]:
        if len(current) < self.min_chosen:
            raise Invalid(N_("Please choose at least {count}."), count=self.min_chosen)
        return current

    def show(self, value: Any, env: Env) -> str:
        labels = {c.value: c.label for c in self.choices(env)}
        return "; ".join(labels.get(v, v) for v in value)

    def accepts(self, value: Any, env: Env) -> bool:
        values = {c.value for c in self.choices(env)}
        return isinstance(value, list) and len(value) >= self.min_chosen and set(value) <= values


@dataclass(frozen=True, kw_only=True)
class Integer(Field):
    minimum: int = 0
    maximum: int = 100_000

    def hint(self, env: Env) -> str:
        return env.t(
            N_("A whole number from {low} to {high}."), low=self.minimum, high=self.maximum
        )

    def read(self, answer: Answer, env: Env) -> Any:
        typed = _typed(answer).replace(".", "").replace(" ", "")
        if not re.fullmatch(r"-?\d+", typed):
            raise Invalid(N_("Please type a whole number, e.g. 12."))
        number = int(typed)
        if not self.minimum <= number <= self.maximum:
            raise Invalid(
                N_("Please type a number from {low} to {high}."),
                low=self.minimum,
                high=self.maximum,
            )
        return number

    def accepts(self, value: Any, env: Env) -> bool:
        return isinstance(value, int) and self.minimum <= value <= self.maximum


@dataclass(frozen=True, kw_only=True)
class Text(Field):
    max_length: int = 200
    min_length: int = 2

    def hint(self, env: Env) -> str:
        return env.t(N_("At most {count} characters."), count=self.max_length)

    def read(self, answer: Answer, env: Env) -> Any:
        typed = _typed(answer)
        if len(typed) > self.max_length:
            raise Invalid(
                N_("That is {length} characters; at most {count} fit here. Please shorten it."),
                length=len(typed),
                count=self.max_length,
            )
        if len(typed) < self.min_length:
            raise Invalid(N_("That is too short. Please write a little more."))
        return typed

    def accepts(self, value: Any, env: Env) -> bool:
        return isinstance(value, str) and len(value) <= self.max_length


@dataclass(frozen=True, kw_only=True)
class Date(Field):
    earliest: date = date(2000, 1, 1)
    latest: date = date(2100, 12, 31)

    def hint(self, env: Env) -> str:
        return env.t(N_("A date as dd/mm/yyyy, e.g. 05/10/2016."))

    def read(self, answer: Answer, env: Env) -> Any:
        typed = _typed(answer).replace("-", "/").replace(".", "/")
        try:
            day = datetime.strptime(typed, "%d/%m/%Y").date()
        except ValueError:
            raise Invalid(N_("Please type a real date as dd/mm/yyyy, e.g. 05/10/2016.")) from None
        if not self.earliest <= day <= self.latest:
            raise Invalid(
                N_("Please type a date from {first} to {last}."),
                first=self.earliest.strftime("%d/%m/%Y"),
                last=self.latest.strftime("%d/%m/%Y"),
            )
        return day.isoformat()

    def show(self, value: Any, env: Env) -> str:
        return date.fromisoformat(value).strftime("%d/%m/%Y")


# Telegram bots cannot download files over 20 MB; say so before anyone uploads.
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ATTACHMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
}


@dataclass(frozen=True, kw_only=True)
class Attachment(Field):
    kinds: tuple[str, ...] = tuple(ATTACHMENT_TYPES)
    max_bytes: int = MAX_ATTACHMENT_BYTES

    def hint(self, env: Env) -> str:
        return env.t(
            N_("Send the file here ({kinds}, at most {size} MB)."),
            kinds=", ".join(kind.upper() for kind in self.kinds),
            size=self.max_bytes // 2**20,
        )

    def read(self, answer: Answer, env: Env) -> Any:
        file = answer.file
        if file is None:
            raise Invalid(N_("Please send the file itself (use the paperclip button)."))
        if self._kind(file) is None:
            raise Invalid(
                N_("Files of this type are not accepted. Please send {kinds}."),
                kinds=", ".join(kind.upper() for kind in self.kinds),
            )
        if file.size > self.max_bytes:
            raise Invalid(
                N_(
                    "The file is {size} MB; at most {limit} MB can be received. Please send a "
                    "smaller file (e.g. a PDF scan at lower resolution)."
                ),
                size=round(file.size / 2**20, 1),
                limit=self.max_bytes // 2**20,
            )
        return file.as_dict()

    def _kind(self, file: FileRef) -> str | None:
        extension = file.file_name.rsplit(".", 1)[-1].lower() if "." in file.file_name else ""
        extension = "jpg" if extension == "jpeg" else extension
        by_mime = {mime: kind for kind, mime in ATTACHMENT_TYPES.items()}.get(file.mime_type)
        kind = extension if extension in ATTACHMENT_TYPES else by_mime
        return kind if kind in self.kinds else None

    def show(self, value: Any, env: Env) -> str:
        size = max(1, value["size"] // 1024)
        return env.t(N_("📎 {name} ({size} KB)"), name=value["file_name"], size=size)

    def accepts(self, value: Any, env: Env) -> bool:
        return isinstance(value, dict) and "file_ref" in value


# A table's rows sent as a spreadsheet: at most this big, at most this many rows.
MAX_TABLE_BYTES = 2 * 1024 * 1024
MAX_TABLE_ROWS = 1000


@dataclass(frozen=True, kw_only=True)
class Group(Field):
    """A repeatable table, e.g. the individuals registered: add another, remove one, finish."""

    fields: tuple[Field, ...] = field(default=())
    item_label: str = ""  # a msgid naming one row, e.g. "individual"
    min_items: int = 0
    max_items: int = 50

    def show(self, value: Any, env: Env) -> str:
        if not value:
            return env.t(N_("(none)"))
        rows = (self.summary(item, env) for item in value)
        return "\n".join(f"  {number}. {row}" for number, row in enumerate(rows, 1))

    def complete(self, value: Any) -> bool:
        return isinstance(value, list) and len(value) >= self.min_items

    @property
    def tabular(self) -> bool:
        """Whether its rows fit a spreadsheet, a cell per field (no file, no ticked list)."""
        return bool(self.fields) and not any(
            isinstance(f, Attachment | MultiChoice | Group) for f in self.fields
        )

    def summary(self, item: dict[str, Any], env: Env) -> str:
        """A row in one line, each answer shown as the person would read it."""
        return " · ".join(f.show(item[f.key], env) for f in self.fields if f.key in item)

    def accepts(self, value: Any, env: Env) -> bool:
        return (
            isinstance(value, list)
            and len(value) >= self.min_items
            and all(
                f.accepts(item.get(f.key), env) or f.optional for item in value for f in self.fields
            )
        )
