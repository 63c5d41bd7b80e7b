"""Read an HTML form as a browser would submit it, so a test can post back exactly what a page showed."""

from html.parser import HTMLParser


class _FormsReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.current = None
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {}
            self.forms.append(self.current)
            return
        if self.current is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.current.setdefault(name, []).append(attrs.get("value", "on"))
            elif kind not in ("submit", "button", "file", "reset", "image"):
                self.current[name] = [attrs.get("value", "")]
        elif tag == "textarea" and name:
            self._textarea = name
            self.current[name] = [""]
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.current.setdefault(self._select, []).append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.current = None

    def handle_data(self, data):
        if self._textarea and self.current is not None:
            self.current[self._textarea][0] += data


def form_data(html, containing):
    """{name: [values]} of the page's form that has a field named ``containing``, as a browser posts it."""
    reader = _FormsReader()
    reader.feed(html)
    for form in reader.forms:
        if containing in form:
            # Django renders a textarea's content after a newline that browsers drop.
            return {name: [v.removeprefix("\n") for v in values] for name, values in form.items()}
    raise AssertionError(f"no form with a field named {containing!r} in the page")
