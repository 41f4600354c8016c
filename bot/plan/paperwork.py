"""What a unit's documents say about who issues them: the plan file's ``[paperwork]`` section.

The place on the date line, the managing body over the Sở, the titles and number codes of each
form's document, who receives a copy and the head's position by unit kind are plan data, so an
office changes them in the file, not in code (bot/services/paperwork reads them).
"""

from __future__ import annotations

from pydantic import Field

from bot.plan.sections import Frozen, Text, UnitKind

# The head's position by unit kind (Nghị định 30/2020/NĐ-CP: the title above the signature).
DEFAULT_HEADS: dict[str, str] = {
    "department": "Giám đốc",
    "district_office": "Trưởng phòng",
    "school": "Hiệu trưởng",
    "centre": "Giám đốc",
}


class FormPaper(Frozen):
    """One form's document: its title and the code of its kind in the number (BC, TTr...)."""

    title: Text
    kind: Text
    addressee: Text | None = None  # "Kính gửi: ..." under the title, if the document has one
    recipients: tuple[Text, ...] | None = None  # the "Nơi nhận" of this form, if not the default


class Paperwork(Frozen):
    place: Text | None = None  # the place on the date line, unless a unit names its own
    managing_body: Text | None = None  # the body over the root unit (the Sở)
    recipients: tuple[Text, ...] = ("Lưu: VT",)
    heads: dict[UnitKind, Text] = Field(default_factory=lambda: dict(DEFAULT_HEADS))
    forms: dict[str, FormPaper] = Field(default_factory=dict)
