import ast
import gettext

import pytest
from django.conf import settings
from django.urls import reverse

PO_PATH = settings.BASE_DIR / "locale" / "nb" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")


def _po_entries(path):
    """Return each entry of a .po file as a dict of its keywords (msgctxt,
    msgid, msgid_plural, msgstr, msgstr[n]) and its flags.
    """
    entries, entry, keyword = [], {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry:
                entries.append(entry)
            entry, keyword = {}, None
        elif line.startswith("#,"):
            entry.setdefault("flags", set()).update(
                flag.strip() for flag in line[2:].split(",")
            )
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[keyword] += ast.literal_eval(line)
        else:
            keyword, _, text = line.partition(" ")
            entry[keyword] = ast.literal_eval(text)
    return entries


def _messages(entries):
    return [entry for entry in entries if entry.get("msgid")]


def test_every_message_has_a_bokmal_translation_that_is_not_fuzzy():
    entries = _po_entries(PO_PATH)

    untranslated = [
        entry["msgid"]
        for entry in _messages(entries)
        if not all(entry[key] for key in entry if key.startswith("msgstr"))
    ]
    fuzzy = [entry["msgid"] for entry in entries if "fuzzy" in entry.get("flags", ())]

    assert _messages(entries)
    assert untranslated == []
    assert fuzzy == []


def test_catalogue_header_names_bokmal_and_its_plural_forms():
    header = _po_entries(PO_PATH)[0]["msgstr"]

    assert "Language: nb\n" in header
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header


def test_committed_mo_file_is_compiled_from_the_current_po_file():
    with MO_PATH.open("rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)

    for entry in _messages(_po_entries(PO_PATH)):
        context = entry.get("msgctxt")
        if "msgid_plural" in entry:
            for n, key in ((1, "msgstr[0]"), (2, "msgstr[1]")):
                if context is None:
                    found = compiled.ngettext(entry["msgid"], entry["msgid_plural"], n)
                else:
                    found = compiled.npgettext(
                        context, entry["msgid"], entry["msgid_plural"], n
                    )
                assert found == entry[key], entry["msgid"]
        elif context is None:
            assert compiled.gettext(entry["msgid"]) == entry["msgstr"]
        else:
            found = compiled.pgettext(context, entry["msgid"])
            assert found == entry["msgstr"], entry["msgid"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading"), [("nb", "Logg inn"), ("en", "Log in")]
)
def test_visitor_sees_the_login_page_in_the_language_of_their_browser(
    client, language, heading
):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.content.decode()
    assert f'<html lang="{language}">' in response.content.decode()
