"""A rendered form read the way assistive technology reads it: each input, and what describes it."""

from __future__ import annotations

from html.parser import HTMLParser

CONTROLS = {"input", "select", "textarea"}


class FormPage(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.controls: dict[str, dict[str, str | None]] = {}
        self.texts: dict[str, str] = {}
        self._collecting: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag in CONTROLS and name:
            self.controls.setdefault(name, attributes)
        element_id = attributes.get("id")
        if tag == "p" and element_id:
            self._collecting = element_id
            self.texts[element_id] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self._collecting = None

    def handle_data(self, data: str) -> None:
        if self._collecting:
            self.texts[self._collecting] += data

    def error_for(self, name: str) -> str:
        """The error beside an input, found through its aria-describedby; fails unless marked invalid."""
        control = self.controls[name]
        assert control.get("aria-invalid") == "true", f"{name} is not marked invalid"
        described_by = (control.get("aria-describedby") or "").split()
        errors = [self.texts[i] for i in described_by if i.endswith("_error") and i in self.texts]
        assert errors, f"{name} is described by no error"
        return errors[0].strip()

    def invalid(self) -> list[str]:
        return [
            name for name, attributes in self.controls.items() if attributes.get("aria-invalid") == "true"
        ]

    def autofocused(self) -> list[str]:
        return [name for name, attributes in self.controls.items() if "autofocus" in attributes]
