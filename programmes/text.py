"""Text in the programme's two languages (its own module: the spec models need it, and
loading it should not load the schedule's models too), and the one place where text from
outside is cleaned: control characters (`strip_controls`), HTML (`sanitize_html`,
`html_to_plain`) and the Markdown that pretalx and wafer publish (`markdown_to_html`).

Only C0/C1 control characters and DEL are taken out (tab, newline and carriage return
stay); format characters such as bidi marks, zero-width spaces and U+2028 are text and
pass through untouched.
"""

from __future__ import annotations

import re
import textwrap
from html import unescape

import nh3
from lxml import html as lxml_html
from markdown_it import MarkdownIt
from pydantic import BaseModel, ConfigDict, field_validator

from affiche.venues.model import TEXT_CONTROLS

_LOOKS_LIKE_HTML = re.compile(
    r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>|&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);"
)
_LOOKS_LIKE_MARKDOWN = re.compile(
    r"\*\*[^*\s][^*\n]*\*\*"            # **strong**
    r"|__[^_\s][^_\n]*__"                 # __strong__
    r"|\[[^\]\n]+\]\((?:https?://|mailto:|/)[^)\s]*\)"  # [text](url)
    r"|^#{1,6}[ \t]+\S"                    # # heading
    r"|^```"                              # fenced code
    r"|^[ \t]{0,3}[-*+][ \t]+\S.*\n[ \t]{0,3}[-*+][ \t]+\S",  # a list of two items or more
    re.MULTILINE,
)
# "**Led by: **": a space inside the marks, which CommonMark would print as they are
_LOOSE_STRONG = re.compile(r"(\*\*|__)([^*_\s][^*_\n]*?)[ \t]+\1")
# CommonMark with single line breaks kept (pretalx renders them so); raw HTML is let
# through to the sanitizer, which keeps only the safe tags.
_MARKDOWN = MarkdownIt("commonmark", {"breaks": True, "html": True})
_BLOCKS = frozenset(
    {"p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote",
     "table", "dl", "hr"}
)
_LINES = frozenset({"li", "br", "tr", "dt", "dd"})
_TWICE_ESCAPED = re.compile(r"&amp;((?:amp|lt|gt|quot|apos|#\d+|#x[0-9A-Fa-f]+);)")
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
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


def looks_like_markdown(text: str) -> bool:
    """Whether `text` holds Markdown that would show as marks if printed as it is: strong
    emphasis, inline links, headings, code fences, lists (pretalx and wafer abstracts)."""
    return bool(_LOOKS_LIKE_MARKDOWN.search(text))


def markdown_to_html(text: str) -> str:
    """Safe HTML of a Markdown text (rendered, then sanitized like any HTML). The lines
    after the first lose their common indent first (exports that pretty-print their XML
    indent every continuation line, which Markdown would read as a code block), and
    strong marks the space before their closing pair."""
    first, newline, rest = strip_controls(text).partition("\n")
    text = _LOOSE_STRONG.sub(r"\1\2\1", first + newline + textwrap.dedent(rest))
    return sanitize_html(_MARKDOWN.render(text))


def _unescape_twice_escaped(text: str) -> str:
    """`&amp;amp;` is `&amp;`, `&amp;lt;` is `&lt;`: exports that escaped their HTML twice
    would otherwise show entities as text."""
    while True:
        fixed = _TWICE_ESCAPED.sub(r"&\1", text)
        if fixed == text:
            return text
        text = fixed


def sanitize_html(text: str) -> str:
    """Safe HTML for the web pages: formatting tags only, no scripts, styles or handlers;
    links keep `href` (http, https, mailto) and get rel="noopener noreferrer". Entities
    escaped twice by the source are escaped once."""
    return nh3.clean(
        _unescape_twice_escaped(strip_controls(text)),
        tags=set(_SAFE_TAGS),
        attributes={"a": {"href", "title"}, "abbr": {"title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()


def html_to_plain(text: str) -> str:
    """The plain text of an HTML fragment, as a browser would lay it out: runs of HTML
    whitespace are one space (source line breaks are not breaks), paragraphs and other
    blocks are separated by a blank line, `<br>` and list items start a line (items with a
    bullet), a link's address follows its text, entities are their characters. Only HTML
    whitespace is touched: U+2028, bidi marks and zero-width spaces stay."""
    safe = sanitize_html(text)
    if not safe:
        return ""
    root = lxml_html.fragment_fromstring(safe, create_parent="div")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if not any(a.tag == "pre" for a in (element, *element.iterancestors())):
            element.text = _HTML_SPACE.sub(" ", element.text or "")
        if not any(a.tag == "pre" for a in element.iterancestors()):
            element.tail = _HTML_SPACE.sub(" ", element.tail or "")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "li":
            element.text = "• " + (element.text or "").lstrip(" ")
        href = element.get("href") if element.tag == "a" else None
        if href and href.startswith(("http://", "https://")) and (
            href.rstrip("/") != element.text_content().strip().rstrip("/")
        ):
            element.tail = f" ({href})" + (element.tail or "")
        if element.tag in _LINES:
            element.tail = "\n" + (element.tail or "")
        elif element.tag in _BLOCKS:
            element.tail = "\n\n" + (element.tail or "")
            element.text = "\n\n" + (element.text or "")
    plain = unescape(root.text_content())
    lines = [line.strip(" ") for line in plain.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n ")


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
