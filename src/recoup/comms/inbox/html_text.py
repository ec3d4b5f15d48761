"""HTML mail turned into plain text for reading: the HTML is kept as it came, but a page never
renders it (it may carry scripts, tracking pixels or look-alike links). Pure: no Django."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = frozenset(
    "address article aside blockquote div dl dt dd fieldset figure footer form h1 h2 h3 h4 h5 h6 header "
    "hr li main nav ol p pre section table tbody thead tfoot tr ul".split()
)
_SKIPPED = frozenset({"script", "style", "head", "title", "template", "noscript"})


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.skipping = 0
        self.preformatted = 0
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag == "br":
            self.chunks.append("\n")
        elif tag in _BLOCKS:
            self.chunks.append("\n")
            if tag == "li":
                self.chunks.append("• ")
            if tag == "pre":
                self.preformatted += 1
        elif tag in {"td", "th"} and not self._at_line_start():
            self.chunks.append("\t")
        elif tag == "a":
            self.links.append(dict(attrs).get("href") or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"br", "hr"}:
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.chunks.append("\n")
            if tag == "pre":
                self.preformatted = max(0, self.preformatted - 1)
        elif tag == "a" and self.links:
            href = self.links.pop()
            # Show where a link really goes: the text of a link may name another address.
            if href.startswith(("http://", "https://", "mailto:")) and not self._ends_with(href):
                self.chunks.append(f" <{href.removeprefix('mailto:')}>")

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.preformatted:
            self.chunks.append(data)
            return
        text = re.sub(r"\s+", " ", data)
        self.chunks.append(text.lstrip() if self._at_line_start() else text)

    def _at_line_start(self) -> bool:
        last = next((chunk for chunk in reversed(self.chunks) if chunk), "\n")
        return last.endswith("\n")

    def _ends_with(self, href: str) -> bool:
        text = "".join(self.chunks[-3:]).strip()
        return text.endswith(href.removeprefix("mailto:"))


def html_to_text(html: str) -> str:
    """The readable text of an HTML body: blocks on their own lines, scripts and styles dropped,
    entities decoded, each link's address shown after its words."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = [line.rstrip(" \t") for line in "".join(parser.chunks).replace("\xa0", " ").splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
