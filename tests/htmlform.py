"""Fill in a page's form the way a browser would: read the rendered HTML
(inputs, checked boxes and radios, selected options, textareas) and return
the data a submit would send, so the security tests post what a real user
could post and then tamper with it."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data: dict[str, list[str]] = {}
        self.text_fields: list[str] = []
        self.options: dict[str, list[str]] = {}
        self.maxlength: dict[str, int] = {}
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if name and str(a.get("maxlength", "")).isdigit():
            self.maxlength[name] = int(a["maxlength"])
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "image", "file"):
                return
            if kind in ("checkbox", "radio"):
                self.options.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    self.data.setdefault(name, []).append(a.get("value", "on"))
                return
            self.data.setdefault(name, []).append(a.get("value", ""))
            numeric = a.get("inputmode") == "numeric" or "govuk-date-input" in a.get("class", "")
            if kind in ("text", "search") and not numeric and name != "csrfmiddlewaretoken":
                self.text_fields.append(name)
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            value = a.get("value", "")
            self.options.setdefault(self._select, []).append(value)
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self.data.setdefault(self._select, []).append(value)
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.data.setdefault(self._textarea, []).append("".join(self._text).lstrip("\n"))
            self.text_fields.append(self._textarea)
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def parse(html: str) -> _FormParser:
    parser = _FormParser()
    parser.feed(html)
    return parser


def form_data(html: str) -> dict:
    """The data the page's form(s) would submit as they stand (lists for
    multi-valued names, a plain value otherwise)."""
    parsed = parse(html)
    return {k: v if len(v) > 1 else v[0] for k, v in parsed.data.items()}


def text_fields(html: str) -> list[str]:
    """Names of the free-text inputs and textareas of the page's form."""
    return [n for n in dict.fromkeys(parse(html).text_fields)]


def max_lengths(html: str) -> dict[str, int]:
    """maxlength of each field that has one (a browser types no further)."""
    return parse(html).maxlength
