"""Text in the programme's two languages (its own module: the spec models need it, and
loading it should not load the schedule's models too), and the one place where text from
outside is cleaned: control characters (`strip_controls`) and HTML (`sanitize_html`,
`html_to_plain`).

Only C0/C1 control characters and DEL are taken out (tab, newline and carriage return
stay); format characters such as bidi marks, zero-width spaces and U+2028 are text and
pass through untouched.
"""

from __future__ import annotations

import re
from html import unescape

import nh3
from lxml import html as lxml_html
from pydantic import BaseModel, ConfigDict, field_validator

from affiche.venues.model import TEXT_CONTROLS

_LOOKS_LIKE_HTML = re.compile(
    r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>|&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);"
)
_BLOCKS = frozenset(
    {"p", "div", "ul", "ol", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
     "blockquote", "table", "tr", "dl", "dt", "dd", "hr"}
)
_SAFE_TAGS = frozenset(
    {"a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h1",
     "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "strong",
     "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul"}
)


def control_characters(text: str) -> list[tuple[int, str]]:
    """Each control character of `text` (tab, newline, CR excepted): (position, U+XXXX)."""
    return [(m.start(), f"U+{ord(m.group()):04X}") for m in TEXT_CONTROLS.finditer(text)]


def strip_controls(text: str) -> str:
    """`text` without its control characters (tab, newline and carriage return kept)."""
    return TEXT_CONTROLS.sub("", text)


def looks_like_html(text: str) -> bool:
    """Whether `text` holds tags or character entities (FOSDEM abstracts, pretalx HTML)."""
    return bool(_LOOKS_LIKE_HTML.search(text))


def sanitize_html(text: str) -> str:
    """Safe HTML for the web pages: formatting tags only, no scripts, styles or handlers;
    links keep `href` (http, https, mailto) and get rel="noopener noreferrer"."""
    return nh3.clean(
        strip_controls(text),
        tags=set(_SAFE_TAGS),
        attributes={"a": {"href", "title"}, "abbr": {"title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()


def html_to_plain(text: str) -> str:
    """The plain text of an HTML fragment: block elements become line breaks, entities
    their characters, list items start with a bullet, runs of blank lines collapse."""
    safe = sanitize_html(text)
    if not safe:
        return ""
    root = lxml_html.fragment_fromstring(safe, create_parent="div")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "li":
            element.text = "• " + (element.text or "")
        if element.tag in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
    plain = unescape(root.text_content())
    lines = [" ".join(line.split()) for line in plain.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class Text(BaseModel):
    """A text in both languages of the programme; either may be empty. Control characters
    are refused (the loader reports where)."""

    model_config = ConfigDict(extra="forbid")
    en: str = ""
    fr: str = ""

    @field_validator("en", "fr")
    @classmethod
    def _no_controls(cls, value: str) -> str:
        found = control_characters(value)
        if found:
            position, code = found[0]
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            raise ValueError(
                f"contains the control character {code} at character {position + 1}{more}; "
                f"remove it"
            )
        return value

    def in_language(self, lang: str) -> str:
        """The text in `lang`, falling back to the other language."""
        primary, other = (self.fr, self.en) if lang == "fr" else (self.en, self.fr)
        return primary or other
