"""Attachment checks: allowed types by content, limits and file names."""

import hashlib
import io
import struct
import unicodedata
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from apps.correspondences.uploads import (
    MAX_FILE_SIZE,
    MAX_FILES,
    MB,
    RESERVED_NAMES,
    check_upload,
    check_uploads,
    clean_file_name,
)

OOXML = {
    "docx": ("word/document.xml", "wordprocessingml.document"),
    "xlsx": ("xl/workbook.xml", "spreadsheetml.sheet"),
    "pptx": ("ppt/presentation.xml", "presentationml.presentation"),
}
ODF = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}


def png():
    def chunk(kind, data):
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def pdf():
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def jpeg():
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"


def gif():
    return b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"


def webp():
    return b"RIFF\x1a\x00\x00\x00WEBPVP8 \x0e\x00\x00\x00" + b"\x00" * 14


def zipped(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def ooxml(kind, *, main_type=None, extra=None):
    part, suffix = OOXML[kind]
    main_type = main_type or (
        f"application/vnd.openxmlformats-officedocument.{suffix}.main+xml"
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" ContentType="{main_type}"/></Types>'
    )
    return zipped({"[Content_Types].xml": content_types, part: "<x/>", **(extra or {})})


def odf(kind, *, extra=None):
    return zipped({"mimetype": ODF[kind], "content.xml": "<x/>", **(extra or {})})


def ole2(*entries):
    """Return the signature and directory of a compound file naming
    `entries`, which is what the check reads of a legacy Office file.
    """

    def entry(name, kind):
        encoded = (name + "\0").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HB", len(encoded), kind)
            + b"\0" * 61
        )

    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".ljust(512, b"\0")
    directory = entry("Root Entry", 5) + b"".join(
        entry(name, 1 if name in ("Macros", "_VBA_PROJECT_CUR") else 2)
        for name in entries
    )
    return header + directory.ljust(512, b"\0")


def upload(name, content):
    return SimpleUploadedFile(name, content)


def refusal(name, content):
    with pytest.raises(ValidationError) as error:
        check_upload(upload(name, content))
    return error.value


ACCEPTED = [
    ("Vedtak.pdf", pdf(), "application/pdf"),
    ("kart.png", png(), "image/png"),
    ("bilde.jpg", jpeg(), "image/jpeg"),
    ("bilde.JPEG", jpeg(), "image/jpeg"),
    ("animasjon.gif", gif(), "image/gif"),
    ("foto.webp", webp(), "image/webp"),
    *[(f"dokument.{kind}", ooxml(kind), None) for kind in OOXML],
    *[(f"dokument.{kind}", odf(kind), ODF[kind]) for kind in ODF],
    ("gammel.doc", ole2("WordDocument", "1Table"), "application/msword"),
    ("gammel.xls", ole2("Workbook"), "application/vnd.ms-excel"),
    ("notat.txt", "Hei, æøå!\r\n".encode(), "text/plain"),
    ("notat.txt", b"\xef\xbb\xbfmed BOM", "text/plain"),
    ("notat.txt", b"MZ er ikke et program her", "text/plain"),
    ("liste.csv", b'navn;alder\r\n"Kari";40\r\n', "text/csv"),
    ("liste.csv", b"a,b\r1,2\r", "text/csv"),
    ("data.xml", b'<?xml version="1.0"?><sak nr="1"><a/></sak>', "application/xml"),
    ("data.json", '{"sak": "ø", "n": [1, 2]}'.encode(), "application/json"),
]


@pytest.mark.parametrize(("name", "content", "content_type"), ACCEPTED)
def test_caseworker_attaches_a_file_of_an_allowed_type(name, content, content_type):
    checked = check_upload(upload(name, content))

    assert checked.name == name
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    if content_type:
        assert checked.content_type == content_type


def test_ooxml_gets_its_own_content_type():
    checked = check_upload(upload("tall.xlsx", ooxml("xlsx")))

    assert checked.content_type == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [("kart.png", png()), ("brev.docx", ooxml("docx")), ("liste.csv", b"a,b\n")],
)
def test_checked_file_is_rewound_for_storing(name, content):
    uploaded = upload(name, content)

    check_upload(uploaded)

    assert uploaded.read() == content


def test_file_spooled_to_disk_by_the_upload_handler_is_checked_too():
    uploaded = TemporaryUploadedFile("brev.docx", "", 0, None)
    uploaded.write(ooxml("docx"))
    uploaded.size = uploaded.tell()

    with uploaded:
        checked = check_upload(uploaded)

    assert checked.size == len(ooxml("docx"))
    assert checked.content_type.endswith("wordprocessingml.document")


def test_refused_file_is_rewound_too():
    uploaded = upload("kart.pdf", png())

    with pytest.raises(ValidationError):
        check_upload(uploaded)

    assert uploaded.read() == png()


@pytest.mark.parametrize(
    ("name", "content", "detected"),
    [
        ("faktura.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120, "not allowed"),
        ("faktura.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 120, "not allowed"),
        ("kart.pdf", png(), "a PNG image"),
        ("vedtak.png", pdf(), "a PDF document"),
        ("bilde.gif", jpeg(), "a JPEG image"),
        ("tall.xlsx", ooxml("docx"), "a Word document"),
        ("tall.docx", ooxml("pptx"), "a PowerPoint presentation"),
        ("regneark.ods", odf("odt"), "an OpenDocument text"),
        ("brev.docx", odf("odt"), "an OpenDocument text"),
        ("brev.docx", zipped({"brev.txt": "hei"}), "a ZIP archive"),
        ("brev.odt", zipped({"mimetype": "application/epub+zip"}), "not allowed"),
        ("gammel.doc", ole2("Workbook"), "an Excel 97–2003 workbook"),
        ("gammel.xls", ole2("WordDocument"), "a Word 97–2003 document"),
        ("gammel.doc", ole2("PowerPoint Document"), "PowerPoint 97–2003"),
        ("installer.doc", ole2("SummaryInformation"), "not allowed"),
        ("notat.txt", pdf(), "a PDF document"),
        ("notat.txt", ole2("WordDocument"), "an Office 97–2003 file"),
        ("data.json", ooxml("docx"), "a ZIP archive"),
        ("tomt.pdf", b"just some text", "not allowed"),
    ],
)
def test_file_whose_extension_lies_about_its_content_is_refused(
    name, content, detected
):
    error = refusal(name, content)

    assert error.code == "mismatch"
    assert detected in error.messages[0]
    assert name in error.messages[0]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("makro.docx", ooxml("docx", extra={"word/vbaProject.bin": b"\0"})),
        (
            "makro.xlsx",
            ooxml(
                "xlsx", main_type="application/vnd.ms-excel.sheet.macroEnabled.main+xml"
            ),
        ),
        ("makro.odt", odf("odt", extra={"Basic/Standard/Module1.xml": "<x/>"})),
        ("makro.doc", ole2("WordDocument", "Macros")),
        ("makro.xls", ole2("Workbook", "_VBA_PROJECT_CUR")),
    ],
)
def test_office_file_with_macros_is_refused(name, content):
    assert refusal(name, content).code == "macros"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("brev.docx", b"PK\x03\x04" + b"\x00" * 100),
        ("brev.docx", zipped({"[Content_Types].xml": "<Types", "word/d.xml": "x"})),
        ("brev.docx", zipped({"[Content_Types].xml": "<Types/>"})),
    ],
)
def test_damaged_office_file_is_refused(name, content):
    error = refusal(name, content)

    assert error.code in {"damaged", "mismatch"}


def test_office_file_without_its_main_folder_is_refused():
    content = ooxml("docx")
    rebuilt = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(rebuilt, "w") as target,
    ):
        target.writestr("[Content_Types].xml", source.read("[Content_Types].xml"))
        target.writestr("other/document.xml", "<x/>")

    assert refusal("brev.docx", rebuilt.getvalue()).code == "damaged"


def test_zip_with_a_huge_directory_is_refused_before_it_is_read():
    members = {str(n): b"" for n in range(10_001)}
    members["[Content_Types].xml"] = "<Types/>"

    assert refusal("brev.docx", zipped(members)).code == "damaged"


def test_svg_image_is_refused_because_it_can_carry_script():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

    error = refusal("logo.svg", svg)

    assert error.code == "svg"
    assert "scripts" in error.messages[0]


@pytest.mark.parametrize(
    "content",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<html xmlns="http://www.w3.org/1999/xhtml"><script>x()</script></html>',
        b'<data><h:p xmlns:h="http://www.w3.org/1999/xhtml">x</h:p></data>',
        b'<?xml-stylesheet type="text/xsl" href="x.xsl"?><data/>',
    ],
)
def test_xml_that_a_browser_would_run_is_refused(content):
    assert refusal("data.xml", content).code == "xml_active"


@pytest.mark.parametrize(
    "content",
    [
        b'<?xml version="1.0"?><!DOCTYPE sak SYSTEM "http://example.invalid/x.dtd">'
        b"<sak/>",
        b'<!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        b"<lol>&lol2;</lol>",
        b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>',
    ],
)
def test_xml_with_a_doctype_or_entities_is_refused(content):
    assert refusal("data.xml", content).code == "xml_doctype"


@pytest.mark.parametrize("content", [b"<sak><a></sak>", b"not xml", b"<a/><b/>"])
def test_malformed_xml_is_refused(content):
    assert refusal("data.xml", content).code == "xml"


@pytest.mark.parametrize("content", [b'{"sak": ', b"{'a': 1}", b"[" * 100_000])
def test_invalid_json_is_refused(content):
    assert refusal("data.json", content).code == "json"


@pytest.mark.parametrize(
    "content",
    [b"hei\x00der", "Blåbær".encode("latin-1"), b"\xff\xfeh\x00i\x00"],
)
def test_text_that_is_not_plain_utf8_is_refused(content):
    assert refusal("notat.txt", content).code == "text"


def test_text_that_is_not_utf8_is_refused_as_csv_xml_and_json_too():
    for name in ("liste.csv", "data.xml", "data.json"):
        assert refusal(name, "«Æ»".encode("latin-1")).code == "text"


def test_csv_with_a_field_beyond_the_field_limit_is_refused():
    content = b'a,"' + b"x" * 200_000 + b'"\n'

    assert refusal("liste.csv", content).code == "csv"


def test_text_split_between_chunks_is_read_whole(monkeypatch):
    monkeypatch.setattr("apps.correspondences.uploads.CHUNK_SIZE", 3)
    content = '{"navn": "Åse Ødegård"}'.encode()

    assert check_upload(upload("data.json", content)).size == len(content)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("program.exe", "type"),
        ("arkiv.zip", "type"),
        ("side.html", "type"),
        ("makro.docm", "type"),
        ("uten-endelse", "no_extension"),
    ],
)
def test_file_of_a_type_outside_the_allow_list_is_refused(name, code):
    error = refusal(name, b"anything")

    assert error.code == code
    assert ".pdf" in error.messages[0]


def test_empty_file_is_refused():
    assert refusal("tomt.txt", b"").code == "empty"


def test_file_over_25_mb_is_refused():
    error = refusal("stor.txt", b"a" * (MAX_FILE_SIZE + 1))

    assert error.code == "too_large"
    assert "25 MB" in error.messages[0]


def test_file_of_exactly_25_mb_is_accepted():
    assert check_upload(upload("stor.txt", b"a" * MAX_FILE_SIZE)).size == MAX_FILE_SIZE


def test_file_larger_than_its_declared_size_is_refused_while_read():
    uploaded = upload("stor.txt", b"a" * (MAX_FILE_SIZE + 1))
    uploaded.size = 10

    with pytest.raises(ValidationError) as error:
        check_upload(uploaded)

    assert error.value.code == "too_large"


def test_message_with_more_than_20_attachments_is_refused():
    files = [upload(f"{n}.txt", b"x") for n in range(MAX_FILES + 1)]

    with pytest.raises(ValidationError) as error:
        check_uploads(files)

    assert error.value.messages == ["A message can have at most 20 attachments."]


def test_message_of_20_attachments_is_accepted():
    files = [upload(f"{n}.txt", b"x") for n in range(MAX_FILES)]

    assert len(check_uploads(files)) == MAX_FILES


def test_message_over_100_mb_together_is_refused():
    files = [upload(f"{n}.txt", b"x") for n in range(5)]
    for uploaded in files:
        uploaded.size = 21 * MB

    with pytest.raises(ValidationError) as error:
        check_uploads(files)

    assert error.value.messages == [
        "The attachments of a message can be at most 100 MB together."
    ]


def test_message_refusal_names_every_bad_file():
    files = [
        upload("ok.pdf", pdf()),
        upload("kart.pdf", png()),
        upload("logo.svg", b"<svg/>"),
    ]

    with pytest.raises(ValidationError) as error:
        check_uploads(files)

    messages = error.value.messages
    assert len(messages) == 2
    assert "kart.pdf" in messages[0]
    assert "logo.svg" in messages[1]


def test_message_check_returns_each_checked_file_in_order():
    checked = check_uploads([upload("a.pdf", pdf()), upload("b.png", png())])

    assert [c.name for c in checked] == ["a.pdf", "b.png"]


@pytest.mark.parametrize(
    ("given_name", "clean"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\kari\\Vedtak.pdf", "Vedtak.pdf"),
        ("..\\..//x/..\\rapport.pdf", "rapport.pdf"),
        (".htaccess", "attachment.htaccess"),
        ("...pdf", "attachment.pdf"),
        (".pdf", "attachment.pdf"),
        ("", "attachment"),
        ("/", "attachment"),
        ("  . .rapport.pdf", "rapport.pdf"),
        ("rapport.pdf. . ", "rapport.pdf"),
        ("rap\x00port\n\t.pdf", "rapport.pdf"),
        ("faktura\u202efdp.exe", "fakturafdp.exe"),
        ("zero\u200bwidth.txt", "zerowidth.txt"),
        ("linje\u2028skift.txt", "linje skift.txt"),
        ('a<b>c:d"e|f?g*h.txt', "a_b_c_d_e_f_g_h.txt"),
        ("CON.txt", "_CON.txt"),
        ("con", "_con"),
        ("nul.tar.gz", "_nul.tar.gz"),
        ("Com1 .pdf", "_Com1.pdf"),
        ("LPT9.pdf", "_LPT9.pdf"),
        ("COM¹.pdf", "_COM¹.pdf"),
        ("CONSOLE.pdf", "CONSOLE.pdf"),
        ("COM10.pdf", "COM10.pdf"),
        ("Søknad.pdf", "Søknad.pdf"),
    ],
)
def test_file_name_is_cleaned_for_display(given_name, clean):
    assert clean_file_name(given_name) == clean


def test_file_name_is_normalised_to_nfc():
    decomposed = "Sa\u030ak.pdf"  # "Såk" with a combining ring

    assert clean_file_name(decomposed) == "S\u00e5k.pdf"


def test_long_file_name_is_cut_to_255_bytes_keeping_the_extension():
    name = "ø" * 300 + ".pdf"

    clean = clean_file_name(name)

    assert clean.endswith("ø.pdf")
    assert len(clean.encode()) <= 255
    assert len(clean.encode()) >= 254


def test_cut_never_splits_a_character():
    clean = clean_file_name("a" + "€" * 100 + ".pdf")

    assert clean.encode().decode() == clean
    assert clean.endswith("€.pdf")


def test_hostile_file_name_is_cleaned_and_the_file_checked():
    checked = check_upload(upload("../../..\\CON.pdf", pdf()))

    assert checked.name == "_CON.pdf"


@given(st.text())
def test_clean_name_is_always_safe_to_show_and_save(name):
    clean = clean_file_name(name)

    assert clean
    assert "/" not in clean and "\\" not in clean
    assert not any(unicodedata.category(c).startswith("C") for c in clean)
    assert not clean.startswith(".")
    assert clean.split(".")[0].rstrip(" ").upper() not in RESERVED_NAMES
    assert len(clean.encode()) <= 255
    assert unicodedata.is_normalized("NFC", clean)


@given(st.text(), st.sampled_from(["pdf", "docx", "PNG", "json"]))
def test_clean_name_keeps_the_extension(stem, extension):
    clean = clean_file_name(f"{stem}.{extension}")

    assert clean.endswith(f".{extension}")


@given(
    st.sampled_from(sorted(RESERVED_NAMES)),
    st.sampled_from(["", ".pdf", ".tar.gz", " .txt"]),
    st.booleans(),
)
def test_reserved_name_is_never_returned(reserved, suffix, lower):
    name = (reserved.lower() if lower else reserved) + suffix

    clean = clean_file_name(name)

    assert clean.split(".")[0].rstrip(" ").upper() not in RESERVED_NAMES
