"""Working languages: every ISO 639-1 language can be chosen, and saving a profile through the
form never drops a stored language."""

from __future__ import annotations

from html.parser import HTMLParser

from seoul_platform.members.labels import ISO_639_1
from seoul_platform.members.models import Organization


class _FormValues(HTMLParser):
    """What a browser submits for the page's POST form, unchanged (inputs, checked boxes,
    selected options, textareas)."""

    def __init__(self):
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self.datalist: list[str] = []
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""
        self._in_datalist = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method") == "post" and "action" not in a:
            self._in_form = True
        if tag == "datalist":
            self._in_datalist = True
        if tag == "option" and self._in_datalist:
            self.datalist.append(a.get("value", ""))
        if not self._in_form:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.values.append((a["name"], a.get("value", "on")))
            elif kind != "submit":
                self.values.append((a["name"], a.get("value") or ""))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.values.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), ""

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = self._text[1:] if self._text.startswith("\n") else self._text
            self.values.append((self._textarea, text))
            self._textarea = None
        elif tag == "form":
            self._in_form = False
        elif tag == "datalist":
            self._in_datalist = False


def _form(client, path):
    parser = _FormValues()
    parser.feed(client.get(path).get_data(as_text=True))
    return parser


def _post(client, path, values):
    from werkzeug.datastructures import MultiDict

    return client.post(path, data=MultiDict(values))


def test_finnish_and_swedish_survive_an_unchanged_save(app, admin_client, make, city, db):
    city.languages = ["fi", "sv"]
    db.session.commit()
    path = f"/organizations/{city.id}/edit"
    form = _form(admin_client, path)
    assert ("languages", "fi") in form.values and ("languages", "sv") in form.values
    response = _post(admin_client, path, form.values)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert sorted(db.session.get(Organization, city.id).languages) == ["fi", "sv"]


def test_every_iso_639_1_language_is_offered_and_can_be_added(app, admin_client, city, db):
    path = f"/organizations/{city.id}/edit"
    form = _form(admin_client, path)
    offered = {v.rsplit("(", 1)[1].rstrip(")") for v in form.datalist}
    assert offered == set(ISO_639_1) and len(offered) > 150
    assert "Finnish (fi)" in form.datalist
    values = [(k, v) for k, v in form.values if k not in ("languages", "more_languages")]
    values += [("languages", "en"), ("more_languages", "Finnish (fi), sv, Icelandic")]
    assert _post(admin_client, path, values).status_code == 302
    db.session.expire_all()
    assert db.session.get(Organization, city.id).languages == ["en", "fi", "sv", "is"]


def test_unknown_language_is_an_error_on_the_field(app, admin_client, city, db):
    path = f"/organizations/{city.id}/edit"
    form = _form(admin_client, path)
    values = [(k, v) for k, v in form.values if k != "more_languages"]
    values.append(("more_languages", "Klingonish"))
    response = _post(admin_client, path, values)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Not a known language: Klingonish" in page
    assert 'aria-describedby="more_languages-help more_languages-error"' in page
