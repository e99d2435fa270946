"""
Attachment checks: an allow-list of types recognised by their content, size
limits, and display names that are safe to show and to save.

Nothing here stores a file; a file that passes is rewound for whoever does.
"""

import codecs
import csv
import hashlib
import io
import json
import re
import unicodedata
import xml.parsers.expat
import zipfile
import zlib
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MB = 1024 * 1024
MAX_FILE_SIZE = 25 * MB
MAX_MESSAGE_SIZE = 100 * MB
MAX_FILES = 20
MAX_NAME_BYTES = 255
CHUNK_SIZE = MB

# The parts of an office file that are read to tell what it is; a part that
# unpacks to more than this is not an honest document.
MAX_ZIP_MEMBERS = 10_000
MAX_ZIP_DIRECTORY = 2 * MB
MAX_PART_SIZE = MB

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OOXML = "application/vnd.openxmlformats-officedocument."
ODF = "application/vnd.oasis.opendocument."


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class AllowedType:
    content_type: str
    label: str


ALLOWED_TYPES = {
    "pdf": AllowedType("application/pdf", _("a PDF document")),
    "docx": AllowedType(f"{OOXML}wordprocessingml.document", _("a Word document")),
    "xlsx": AllowedType(f"{OOXML}spreadsheetml.sheet", _("an Excel workbook")),
    "pptx": AllowedType(
        f"{OOXML}presentationml.presentation", _("a PowerPoint presentation")
    ),
    "odt": AllowedType(f"{ODF}text", _("an OpenDocument text")),
    "ods": AllowedType(f"{ODF}spreadsheet", _("an OpenDocument spreadsheet")),
    "odp": AllowedType(f"{ODF}presentation", _("an OpenDocument presentation")),
    "doc": AllowedType("application/msword", _("a Word 97–2003 document")),
    "xls": AllowedType("application/vnd.ms-excel", _("an Excel 97–2003 workbook")),
    "png": AllowedType("image/png", _("a PNG image")),
    "jpg": AllowedType("image/jpeg", _("a JPEG image")),
    "gif": AllowedType("image/gif", _("a GIF image")),
    "webp": AllowedType("image/webp", _("a WebP image")),
    "txt": AllowedType("text/plain", _("plain text")),
    "csv": AllowedType("text/csv", _("CSV text")),
    "xml": AllowedType("application/xml", _("XML")),
    "json": AllowedType("application/json", _("JSON")),
}
EXTENSION_ALIASES = {"jpeg": "jpg"}
TEXT_TYPES = {"txt", "csv", "xml", "json"}
ALLOWED_EXTENSIONS = ", ".join(
    sorted(f".{e}" for e in [*ALLOWED_TYPES, *EXTENSION_ALIASES])
)

OTHER_LABELS = {
    "zip": _("a ZIP archive"),
    "ole2": _("an Office 97–2003 file"),
    "ppt": _("a PowerPoint 97–2003 presentation"),
}
UNKNOWN_LABEL = _("of a type that is not allowed")

MESSAGES = {
    "no_extension": _("“%(name)s” has no file extension. Allowed types: %(allowed)s."),
    "type": _(
        "“%(name)s”: files of type .%(extension)s are not allowed. Allowed "
        "types: %(allowed)s."
    ),
    "svg": _(
        "“%(name)s”: SVG images are not allowed, as they can carry scripts. "
        "Send the image as PNG or PDF instead."
    ),
    "too_large": _("“%(name)s” is larger than %(limit)s MB."),
    "empty": _("“%(name)s” is empty."),
    "mismatch": _(
        "“%(name)s” is named .%(extension)s, but its content is %(detected)s."
    ),
    "macros": _("“%(name)s” contains macros, which are not allowed."),
    "damaged": _(
        "“%(name)s” cannot be read as %(expected)s: it is damaged, encrypted "
        "or of an unusual kind."
    ),
    "text": _("“%(name)s” is not plain UTF-8 text."),
    "csv": _("“%(name)s” is not valid CSV."),
    "xml": _("“%(name)s” is not well-formed XML."),
    "xml_doctype": _(
        "“%(name)s” declares a DOCTYPE or entities, which XML attachments may not."
    ),
    "xml_active": _(
        "“%(name)s” is XML that a browser would run as a page, an image or a "
        "style sheet (XHTML, SVG or XSLT), which is not allowed."
    ),
    "json": _("“%(name)s” is not valid JSON."),
    "too_many": _("A message can have at most %(limit)s attachments."),
    "message_too_large": _(
        "The attachments of a message can be at most %(limit)s MB together."
    ),
}


class _Refusal(Exception):
    def __init__(self, code, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def check_upload(uploaded_file):
    """Return the CheckedUpload of `uploaded_file`, or raise ValidationError
    saying why it is refused. The name is for display only.
    """
    name = clean_file_name(uploaded_file.name or "")
    extension = file_extension(name)
    try:
        content_type, size, sha256 = _inspect(uploaded_file, extension)
    except _Refusal as refusal:
        params = {
            "name": name,
            "extension": extension,
            "allowed": ALLOWED_EXTENSIONS,
            "limit": MAX_FILE_SIZE // MB,
            **refusal.params,
        }
        raise ValidationError(
            MESSAGES[refusal.code], code=refusal.code, params=params
        ) from None
    finally:
        uploaded_file.seek(0)
    return CheckedUpload(name=name, content_type=content_type, size=size, sha256=sha256)


def check_uploads(files):
    """Return the CheckedUpload of each file of one message, or raise one
    ValidationError with every reason to refuse them.
    """
    files = list(files)
    if len(files) > MAX_FILES:
        raise _message_error("too_many", MAX_FILES)
    # Sizes as the upload handler counted them, to refuse before reading.
    if sum(f.size or 0 for f in files) > MAX_MESSAGE_SIZE:
        raise _message_error("message_too_large", MAX_MESSAGE_SIZE // MB)

    checked, errors = [], []
    for uploaded_file in files:
        try:
            checked.append(check_upload(uploaded_file))
        except ValidationError as error:
            errors.extend(error.error_list)
    if sum(c.size for c in checked) > MAX_MESSAGE_SIZE:
        errors.append(_message_error("message_too_large", MAX_MESSAGE_SIZE // MB))
    if errors:
        raise ValidationError(errors)
    return checked


def _message_error(code, limit):
    return ValidationError(MESSAGES[code], code=code, params={"limit": limit})


def _inspect(uploaded_file, extension):
    if extension == "svg":
        raise _Refusal("svg")
    if not extension:
        raise _Refusal("no_extension")
    kind = EXTENSION_ALIASES.get(extension, extension)
    if kind not in ALLOWED_TYPES:
        raise _Refusal("type")
    if (uploaded_file.size or 0) > MAX_FILE_SIZE:
        raise _Refusal("too_large")

    size, sha256, head = _digest(uploaded_file)
    if size == 0:
        raise _Refusal("empty")

    if kind in TEXT_TYPES:
        _check_text(uploaded_file, kind, head)
    else:
        detected = _detect_binary(uploaded_file, head, expected=kind)
        if detected != kind:
            raise _Refusal("mismatch", detected=_label(detected))
    return ALLOWED_TYPES[kind].content_type, size, sha256


def _digest(uploaded_file):
    sha256, size, head = hashlib.sha256(), 0, b""
    for chunk in uploaded_file.chunks(CHUNK_SIZE):
        size += len(chunk)
        if size > MAX_FILE_SIZE:
            raise _Refusal("too_large")
        sha256.update(chunk)
        if len(head) < 8192:
            head += chunk[: 8192 - len(head)]
    return size, sha256.hexdigest(), head


def _label(kind):
    if kind in ALLOWED_TYPES:
        return ALLOWED_TYPES[kind].label
    return OTHER_LABELS.get(kind, UNKNOWN_LABEL)


def _expected(kind):
    return {"expected": ALLOWED_TYPES[kind].label}


def _signature(head):
    if head.startswith(OLE2_SIGNATURE):
        return "ole2"
    guess = filetype.guess(head)
    if guess is None:
        return None
    if guess.mime == "application/zip" or guess.extension in ZIP_BASED:
        return "zip"
    return EXTENSION_ALIASES.get(guess.extension, guess.extension)


def _detect_binary(uploaded_file, head, *, expected):
    signature = _signature(head)
    if signature == "ole2":
        return _ole2_kind(uploaded_file)
    if signature == "zip":
        return _zip_kind(uploaded_file, expected)
    return signature


# Zip-based office files. filetype only looks at the first few members, so
# the archive itself is opened and its own declaration read: the
# [Content_Types].xml of Office Open XML, the "mimetype" member of ODF.
ZIP_BASED = {"docx", "xlsx", "pptx", "odt", "ods", "odp", "epub"}
OOXML_MAIN_TYPES = {
    f"{ALLOWED_TYPES[kind].content_type}.main+xml": (kind, folder)
    for kind, folder in (("docx", "word/"), ("xlsx", "xl/"), ("pptx", "ppt/"))
}
ODF_TYPES = {ALLOWED_TYPES[kind].content_type: kind for kind in ("odt", "ods", "odp")}


def _zip_kind(uploaded_file, expected):
    if not _zip_directory_is_small(uploaded_file):
        raise _Refusal("damaged", **_expected(expected))
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            names = archive.namelist()
            if any(_is_macro_part(n) for n in names):
                raise _Refusal("macros")
            if "[Content_Types].xml" in names:
                types = _content_types(_read_part(archive, "[Content_Types].xml"))
                return _ooxml_kind(types, names, expected)
            if "mimetype" in names:
                mimetype = _read_part(archive, "mimetype").decode("ascii").strip()
                return ODF_TYPES.get(mimetype)
            return "zip"
    # NotImplementedError is an unsupported compression method, RuntimeError
    # an encrypted member.
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        UnicodeError,
        NotImplementedError,
        RuntimeError,
    ):
        raise _Refusal("damaged", **_expected(expected)) from None


def _zip_directory_is_small(uploaded_file):
    # zipfile makes an object of every entry of the central directory before
    # anything can be counted, and 25 MB of directory is half a million
    # entries, so the end record is read first. Office files never need the
    # 64-bit form of it.
    uploaded_file.seek(0, io.SEEK_END)
    uploaded_file.seek(max(0, uploaded_file.tell() - 22 - 65535))
    tail = uploaded_file.read()
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or len(tail) < end + 22:
        return False
    members = int.from_bytes(tail[end + 10 : end + 12], "little")
    directory = int.from_bytes(tail[end + 12 : end + 16], "little")
    zip64 = end >= 20 and tail[end - 20 : end - 16] == b"PK\x06\x07"
    return not zip64 and members <= MAX_ZIP_MEMBERS and directory <= MAX_ZIP_DIRECTORY


def _is_macro_part(name):
    lowered = name.lower()
    return lowered.endswith("vbaproject.bin") or lowered.startswith(
        ("basic/", "scripts/")
    )


def _read_part(archive, name):
    with archive.open(name) as part:
        data = part.read(MAX_PART_SIZE + 1)
    if len(data) > MAX_PART_SIZE:
        raise zipfile.BadZipFile(name)
    return data


def _content_types(data):
    found = set()

    def start(_name, attributes):
        if "ContentType" in attributes:
            found.add(attributes["ContentType"])

    parser = _xml_parser()
    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except (xml.parsers.expat.ExpatError, _Refusal):
        raise zipfile.BadZipFile("[Content_Types].xml") from None
    return found


def _ooxml_kind(types, names, expected):
    if any("macroenabled" in t.lower() or "vbaproject" in t.lower() for t in types):
        raise _Refusal("macros")
    kinds = [OOXML_MAIN_TYPES[t] for t in types if t in OOXML_MAIN_TYPES]
    if len(kinds) != 1:
        return None
    kind, folder = kinds[0]
    if not any(n.startswith(folder) for n in names):
        raise _Refusal("damaged", **_expected(expected))
    return kind


# A legacy Office file is an OLE2 compound file: a small file system whose
# directory entries, 128 bytes each and aligned to 128 bytes, name the
# streams inside. The stream names tell a Word file from an Excel file and
# from an installer package, which has the same signature.
OLE2_STREAM_KINDS = {
    "WordDocument": "doc",
    "Workbook": "xls",
    "Book": "xls",
    "PowerPoint Document": "ppt",
}
OLE2_MACRO_STORAGES = {"Macros", "_VBA_PROJECT_CUR", "VBA"}


def _ole2_kind(uploaded_file):
    names = _ole2_entry_names(uploaded_file)
    if names & OLE2_MACRO_STORAGES:
        raise _Refusal("macros")
    kinds = {OLE2_STREAM_KINDS[n] for n in names if n in OLE2_STREAM_KINDS}
    return kinds.pop() if len(kinds) == 1 else None


def _ole2_entry_names(uploaded_file):
    names, pending = set(), b""
    for chunk in uploaded_file.chunks(CHUNK_SIZE):
        pending += chunk
        usable = len(pending) - len(pending) % 128
        for offset in range(0, usable, 128):
            name = _ole2_entry_name(pending[offset : offset + 128])
            if name:
                names.add(name)
        pending = pending[usable:]
    return names


def _ole2_entry_name(entry):
    # The name is UTF-16 with its terminating NUL counted in its length;
    # the entry type is 1 for a storage, 2 for a stream.
    length = int.from_bytes(entry[64:66], "little")
    if entry[66] not in (1, 2) or not 2 <= length <= 64 or length % 2:
        return None
    if entry[length - 2 : length] != b"\0\0" or entry[length:64].strip(b"\0"):
        return None
    return entry[: length - 2].decode("utf-16-le", errors="replace")


def _check_text(uploaded_file, kind, head):
    # Text has no signature, but a document or an image renamed .txt has.
    # Other signatures are not trusted here: filetype takes any text that
    # begins with "MZ" for a Windows program.
    signature = _signature(head)
    if signature in ALLOWED_TYPES or signature in ("zip", "ole2"):
        raise _Refusal("mismatch", detected=_label(signature))

    pieces = _text_pieces(uploaded_file)
    if kind == "txt":
        for _piece in pieces:
            pass
    elif kind == "csv":
        _check_csv(pieces)
    elif kind == "xml":
        _check_xml(pieces)
    else:
        _check_json(pieces)


def _text_pieces(uploaded_file):
    # Decoded one chunk at a time; the decoder keeps a character that is
    # split between two chunks. "utf-8-sig" accepts a leading BOM.
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        for chunk in uploaded_file.chunks(CHUNK_SIZE):
            yield _without_nul(decoder.decode(chunk))
        yield _without_nul(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        raise _Refusal("text") from None


def _without_nul(text):
    if "\0" in text:
        raise _Refusal("text")
    return text


def _check_csv(pieces):
    try:
        for _row in csv.reader(_lines(pieces)):
            pass
    except csv.Error:
        raise _Refusal("csv") from None


def _lines(pieces):
    # Lines end in \n, \r\n or a lone \r (spreadsheets on a Mac), which is
    # what StringIO with newline="" splits on without changing them.
    pending = ""
    for piece in pieces:
        lines = list(io.StringIO(pending + piece, newline=""))
        complete = lines and lines[-1].endswith(("\n", "\r"))
        pending = "" if complete or not lines else lines.pop()
        yield from lines
    if pending:
        yield pending


# XML is parsed with expat directly, so that a DOCTYPE stops the parse the
# moment it starts: without one there are no entity declarations, and so
# neither entity expansion bombs nor external entities.
ACTIVE_NAMESPACES = {
    "http://www.w3.org/1999/xhtml",
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/1999/XSL/Transform",
}


def _xml_parser():
    # The encoding is fixed: the text is known to be UTF-8 whatever the
    # declaration says.
    parser = xml.parsers.expat.ParserCreate(encoding="utf-8", namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    return parser


def _refuse_doctype(*_args):
    raise _Refusal("xml_doctype")


def _check_xml(pieces):
    def start(name, _attributes):
        if name.partition(" ")[0] in ACTIVE_NAMESPACES:
            raise _Refusal("xml_active")

    def instruction(target, _data):
        if target.lower() == "xml-stylesheet":
            raise _Refusal("xml_active")

    parser = _xml_parser()
    parser.StartElementHandler = start
    parser.ProcessingInstructionHandler = instruction
    try:
        for piece in pieces:
            parser.Parse(piece, False)
        parser.Parse("", True)
    except xml.parsers.expat.ExpatError:
        raise _Refusal("xml") from None


def _check_json(pieces):
    try:
        json.loads("".join(pieces))
    except (ValueError, RecursionError):
        raise _Refusal("json") from None


# File names. Windows refuses these as a name's first part whatever follows
# it ("con.pdf", "NUL.tar.gz"), and counts superscript digits as digits.
RESERVED_NAMES = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{port}{n}" for port in ("COM", "LPT") for n in "123456789¹²³"
}
EXTENSION_PATTERN = re.compile(r"[A-Za-z0-9]{1,16}")
WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*]')


def clean_file_name(name):
    """Return `name` as a safe display name: no folders, no control or
    format characters, no leading dot, no name that Windows reserves, NFC,
    at most 255 bytes of UTF-8 with the extension kept, never empty.
    """
    name = unicodedata.normalize("NFC", str(name))
    name = re.split(r"[/\\]", name)[-1]
    # Control and format characters go: a right-to-left override would
    # show "invoice\u202efdp.exe" as "invoiceexe.pdf". Line and paragraph
    # separators become spaces.
    name = "".join(
        " " if unicodedata.category(c).startswith("Z") else c
        for c in name
        if not unicodedata.category(c).startswith("C")
    )
    name = unicodedata.normalize("NFC", name)
    name = WINDOWS_FORBIDDEN.sub("_", name).strip()

    stem, extension = _split_extension(name)
    stem = stem.strip(" .")
    if stem.split(".")[0].rstrip(" ").upper() in RESERVED_NAMES:
        stem = f"_{stem}"
    stem = stem or "attachment"
    room = MAX_NAME_BYTES - len(extension.encode())
    stem = stem.encode()[:room].decode(errors="ignore")
    return stem + extension


def file_extension(name):
    """Return the extension of `name`, lower case and without the dot."""
    return _split_extension(name)[1][1:].lower()


def _split_extension(name):
    stem, dot, extension = name.rpartition(".")
    if dot and EXTENSION_PATTERN.fullmatch(extension):
        return stem, f".{extension}"
    return name, ""
