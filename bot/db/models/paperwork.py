"""The office's own templates of the documents the bot makes (bot/services/paperwork)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base


class DocumentTemplate(Base):
    """A form's .docx template (docxtpl), checked when loaded; one per form, the last loaded."""

    __tablename__ = "document_templates"

    form_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    loaded_at: Mapped[datetime]
    loaded_by: Mapped[str] = mapped_column(String(64))
