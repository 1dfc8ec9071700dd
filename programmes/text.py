"""Text in the programme's two languages (its own module: the spec models need it, and
loading it should not load the schedule's models too)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Text(BaseModel):
    """A text in both languages of the programme; either may be empty."""

    model_config = ConfigDict(extra="forbid")
    en: str = ""
    fr: str = ""

    def in_language(self, lang: str) -> str:
        """The text in `lang`, falling back to the other language."""
        primary, other = (self.fr, self.en) if lang == "fr" else (self.en, self.fr)
        return primary or other
