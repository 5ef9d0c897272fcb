"""Build small TrueType fonts that reportlab can embed, from the fonts we ship or depend on.

reportlab's ``TTFont`` reads only TrueType (``glyf``) outlines, and Noto Sans CJK is CFF. For
each document we therefore draw just the glyphs it uses, convert their cubic outlines to
quadratic ones (``cu2qu``), and assemble a fresh TTF in memory with ``FontBuilder``. The
result has unitsPerEm 1000 (reportlab writes wrong widths otherwise) and a PostScript name
made from a hash of its character set (reportlab aliases fonts by that name).

Sources:

* Noto Sans CJK SC, the "SC" face of the OTC in the ``noto-cjk-sans-otc`` package (OFL-1.1).
* Noto Emoji (monochrome, OFL-1.1), a static instance committed in ``disputekit/fonts``;
  :func:`derive_emoji_font` is how that file was made from Google's variable font.

Everything here is deterministic: the same characters give the same bytes.
"""

from __future__ import annotations

import atexit
import copy
import functools
import hashlib
import io
import json
import logging
import struct
import time
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import fontTools
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont
from fontTools.ttLib.tables._g_l_y_f import Glyph

from disputekit.assemble.pdf.glyph_cache import GlyphCache
from disputekit.errors import DisputekitError

logger = logging.getLogger(__name__)

#: Bump when the bytes this module produces change for the same input (it is part of names).
BUILD_VERSION = "1"
#: Units per em of every font we build (reportlab's hmtx bug bites only when this is not 1000).
TARGET_UPEM = 1000
#: Maximum deviation (font units at 1000 upem) allowed when approximating cubic curves.
CU2QU_MAX_ERR = 1.0

CJK_SC_PS_NAME = "NotoSansCJKsc-Regular"
EMOJI_FILE = "NotoEmoji-Regular.ttf"
_FONTS_PACKAGE = "disputekit"
_FONTS_FOLDER = "fonts"


class FontSourceError(DisputekitError):
    """A font file we depend on is missing or is not what we expect (a broken install)."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"找不到生成 PDF 所需的字体：{detail}",
            f"A font needed to make the PDF is missing: {detail}",
            fix_zh="请重新安装 disputekit（pip install --force-reinstall disputekit）。",
            fix_en="Reinstall disputekit (pip install --force-reinstall disputekit).",
        )


@dataclass(frozen=True, eq=False)
class SourceFace:
    """A parsed font face that subsets are derived from.

    ``key`` is a short stable label ("cjk", "emoji"); ``ps_name`` the face's PostScript name;
    ``cmap`` maps code points to glyph names; ``emoji`` marks a face preferred for characters
    followed by U+FE0F; ``path`` is the font file, whose hash keys the on-disk glyph cache
    (None: no cache).
    """

    key: str
    ps_name: str
    version: str
    font: TTFont
    cmap: dict[int, str]
    emoji: bool = False
    path: Path | None = None
    gids: dict[str, int] | None = None  # glyph id of each cmap'ed glyph (None: ask ``font``)
    advances: dict[str, int] | None = None  # its advance width (None: ask ``font``)

    @functools.cached_property
    def codepoints(self) -> frozenset[int]:
        return frozenset(self.cmap)

    @property
    def is_cff(self) -> bool:
        return "CFF " in self.font


def _face(key: str, font: TTFont, *, emoji: bool = False, path: Path | None = None) -> SourceFace:
    name = font["name"]
    ps_name = str(name.getDebugName(6))
    cmap, gids, advances = face_index(font, path, ps_name)
    return SourceFace(
        key=key,
        ps_name=ps_name,
        version=str(name.getDebugName(5)),
        font=font,
        cmap=cmap,
        emoji=emoji,
        path=path,
        gids=gids,
        advances=advances,
    )


#: Converter label of the face index in the user cache (bump when its content changes).
FACE_INDEX = "face-index-1"
FaceIndex = tuple[dict[int, str], dict[str, int], dict[str, int]]  # cmap, glyph ids, advances


def face_index(font: TTFont, path: Path | None, ps_name: str) -> FaceIndex:
    """The face's cmap, and the glyph id and advance of each glyph it maps (and .notdef).

    Reading them from Noto CJK (a 65,000-glyph cmap, hmtx and CFF charset) costs ~0.25 s per
    process, so they are kept in the user cache beside the glyphs, keyed by the font file's hash.
    """
    cache = GlyphCache.for_font(path, ps_name, FACE_INDEX) if path else None
    stored = cache.load().get("index") if cache else None
    index = _decode_index(stored) if stored else None
    if index is None:
        index = _make_index(font)
        if cache:
            cache.save({"index": _encode_index(index)})
    return index


def _make_index(font: TTFont) -> FaceIndex:
    cmap = dict(font.getBestCmap())
    names = sorted({*cmap.values(), ".notdef"})
    metrics = font["hmtx"].metrics
    return cmap, {n: font.getGlyphID(n) for n in names}, {n: metrics[n][0] for n in names}


def _encode_index(index: FaceIndex) -> bytes:
    cmap, gids, advances = index
    names = sorted(gids)
    data = {"cmap": [[cp, gids[name]] for cp, name in sorted(cmap.items())], "names": names,
            "gids": [gids[n] for n in names], "advances": [advances[n] for n in names]}
    return json.dumps(data, separators=(",", ":")).encode()


def _decode_index(data: bytes) -> FaceIndex | None:
    """The index in ``data``, or None if it is not a well-formed one."""
    try:
        raw = json.loads(data)
        names, ids, widths = raw["names"], raw["gids"], raw["advances"]
        if not len(names) == len(ids) == len(widths):
            return None
        by_gid = dict(zip(ids, names, strict=True))
        cmap = {int(cp): by_gid[gid] for cp, gid in raw["cmap"]}
        return cmap, dict(zip(names, ids, strict=True)), dict(zip(names, widths, strict=True))
    except (ValueError, KeyError, TypeError):
        return None


def cjk_font_path() -> Path:
    """Path of the Noto Sans CJK OTC installed by the ``noto-cjk-sans-otc`` package."""
    try:
        import noto_cjk_sans_otc
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise FontSourceError("Python package noto-cjk-sans-otc") from exc
    path = Path(str(noto_cjk_sans_otc.FONT_PATH))
    if not path.is_file():  # pragma: no cover
        raise FontSourceError(f"Noto Sans CJK ({path})")
    return path


def emoji_font_path() -> Path:
    """Path of the monochrome Noto Emoji shipped in ``disputekit/fonts``."""
    path = Path(str(resources.files(_FONTS_PACKAGE).joinpath(_FONTS_FOLDER).joinpath(EMOJI_FILE)))
    if not path.is_file():  # pragma: no cover
        raise FontSourceError(f"Noto Emoji ({path})")
    return path


@functools.cache
def cjk_source() -> SourceFace:
    """The Simplified Chinese face of Noto Sans CJK, picked from the collection by name."""
    collection = TTCollection(str(cjk_font_path()), lazy=True)
    atexit.register(collection.close)  # lazy: the file stays open while the process may subset
    for font in collection.fonts:
        if font["name"].getDebugName(6) == CJK_SC_PS_NAME:
            return _face("cjk", font, path=cjk_font_path())
    raise FontSourceError(f"{CJK_SC_PS_NAME} in {cjk_font_path()}")


@functools.cache
def emoji_source() -> SourceFace:
    """The monochrome emoji fallback face."""
    font = TTFont(str(emoji_font_path()), lazy=True)
    atexit.register(font.close)  # lazy: the file stays open while the process may subset
    return _face("emoji", font, emoji=True, path=emoji_font_path())


def subset_name(source: SourceFace, codepoints: Iterable[int]) -> str:
    """PostScript name for the subset of ``source`` holding ``codepoints``.

    Different character sets give different names; the same set always gives the same name.
    """
    digest = hashlib.sha256()
    digest.update(f"{BUILD_VERSION}|{source.ps_name}|{source.version}|".encode())
    digest.update(",".join(f"{cp:X}" for cp in sorted(set(codepoints))).encode())
    return f"{source.ps_name}-DK{digest.hexdigest()[:12]}"


def build_subset(source: SourceFace, codepoints: Iterable[int], ps_name: str) -> bytes:
    """A TrueType font with the glyphs of ``source`` for ``codepoints``, named ``ps_name``.

    Code points the source does not map are left out. The result has unitsPerEm 1000.
    """
    cmap = {cp: source.cmap[cp] for cp in sorted(set(codepoints)) if cp in source.cmap}
    font = source.font
    gid = source.gids.__getitem__ if source.gids is not None else font.getGlyphID
    glyph_order = [".notdef", *sorted(set(cmap.values()) - {".notdef"}, key=gid)]
    stored = _convert_glyphs(source, glyph_order)
    if font["head"].unitsPerEm == TARGET_UPEM:
        glyphs: dict[str, Glyph] = {name: _StoredGlyph(data) for name, data in stored.items()}
    else:  # scale_upem rewrites the outlines: they must be decoded
        glyphs = {name: _decompile(data) for name, data in stored.items()}
    advances = source.advances or {gn: font["hmtx"].metrics[gn][0] for gn in glyph_order}
    metrics = {gn: (advances[gn], _xmin(glyphs[gn])) for gn in glyph_order}

    builder = FontBuilder(font["head"].unitsPerEm, isTTF=True)
    builder.font.recalcTimestamp = False
    builder.setupGlyphOrder(glyph_order)
    builder.setupCharacterMap(cmap)
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics(metrics)
    _setup_tables(builder, source, ps_name)
    if font["head"].unitsPerEm != TARGET_UPEM:
        from fontTools.ttLib.scaleUpem import scale_upem  # rarely needed, slow to import

        scale_upem(builder.font, TARGET_UPEM)
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()


#: What the glyph cache's entries depend on besides the font file (see ``glyph_cache``).
CONVERTER = f"fontTools {fontTools.version}|cu2qu max err {CU2QU_MAX_ERR}"


def _convert_glyphs(source: SourceFace, glyph_order: list[str]) -> dict[str, bytes]:
    """Compiled TrueType glyphs for ``glyph_order``: components decomposed, cubics made
    quadratic.

    Converted glyphs are kept in the per-user glyph cache (``glyph_cache``). Every glyph, cached
    or not, is used as its compiled bytes, so a cached build gives exactly the bytes of an
    uncached one.
    """
    cache = GlyphCache.for_font(source.path, source.ps_name, CONVERTER) if source.path else None
    stored = cache.load() if cache else {}
    fresh = {name: _compile(_convert(source, name)) for name in glyph_order if name not in stored}
    if cache:
        cache.save(fresh)
    return {name: stored[name] if name in stored else fresh[name] for name in glyph_order}


def _convert(source: SourceFace, name: str) -> Glyph:
    glyph_set = _glyph_set(source)
    recording = DecomposingRecordingPen(glyph_set)
    glyph_set[name].draw(recording)
    tt_pen = TTGlyphPen(None)
    if source.is_cff:
        # PostScript contours run counter-clockwise, TrueType ones clockwise.
        recording.replay(Cu2QuPen(tt_pen, CU2QU_MAX_ERR, reverse_direction=True))
    else:
        recording.replay(tt_pen)
    return tt_pen.glyph()


@functools.cache
def _glyph_set(source: SourceFace):  # type: ignore[no-untyped-def]
    return source.font.getGlyphSet()


def _compile(glyph: Glyph) -> bytes:
    return bytes(glyph.compile(None))  # simple glyphs (components are decomposed): no table needed


def _decompile(data: bytes) -> Glyph:
    glyph = Glyph(data)
    glyph.expand(None)
    return glyph


_HEADER = struct.Struct(">hhhhh")


class _StoredGlyph(Glyph):
    """A compiled simple glyph used as it is: its header is read, its outline never decoded.

    Decoding and re-encoding the points of thousands of glyphs costs about as much as
    converting them. What ``FontBuilder`` and the ``maxp``/``hhea``/``head`` recalculations
    read of a glyph is its header (contour count, bounds) and its point count, so that is
    all this class provides; ``compile`` returns the bytes unchanged (their header already
    holds the bounds ``compile`` computed when the glyph was converted).
    """

    def __init__(self, data: bytes) -> None:  # no super().__init__: nothing to decode
        self._compiled = data
        if data:
            self.numberOfContours, self.xMin, self.yMin, self.xMax, self.yMax = _HEADER.unpack_from(data)
        else:
            self.numberOfContours = 0

    def expand(self, glyfTable) -> None:
        return None

    def recalcBounds(self, glyfTable, *, boundsDone=None) -> None:
        return None

    def compile(self, glyfTable, recalcBBoxes=True, *, boundsDone=None, optimizeSize=True) -> bytes:
        return self._compiled

    @property
    def flags(self) -> tuple[int, ...]:
        """No cubic-curve flags to find (``FontBuilder.setupGlyf`` looks): TTGlyphPen output."""
        return ()

    def isComposite(self) -> bool:
        return False

    def getMaxpValues(self) -> tuple[int, int]:
        contours = self.numberOfContours
        (last,) = struct.unpack_from(">H", self._compiled, _HEADER.size + 2 * (contours - 1))
        return last + 1, contours


def _xmin(glyph: Glyph) -> int:
    if glyph.numberOfContours == 0:
        return 0
    if isinstance(glyph, _StoredGlyph):
        return int(glyph.xMin)
    return int(glyph.coordinates.calcIntBounds()[0])


def _setup_tables(builder: FontBuilder, source: SourceFace, ps_name: str) -> None:
    """Copy the source's metrics, license and vertical metrics; give the font its new name."""
    font = source.font
    names = font["name"]
    family = str(names.getDebugName(1))
    name_strings = {
        "familyName": family,
        "styleName": "Regular",
        "uniqueFontIdentifier": ps_name,
        "fullName": ps_name,
        "psName": ps_name,
        "version": str(names.getDebugName(5)),
    }
    for key, name_id in (
        ("copyright", 0),
        ("trademark", 7),
        ("licenseDescription", 13),
        ("licenseInfoURL", 14),
    ):
        value = names.getDebugName(name_id)
        if value:
            name_strings[key] = str(value)
    builder.setupNameTable(name_strings, mac=False)

    head = font["head"]
    builder.setupHead(
        unitsPerEm=head.unitsPerEm,
        fontRevision=head.fontRevision,
        created=head.created,
        modified=head.modified,
        macStyle=head.macStyle,
        lowestRecPPEM=head.lowestRecPPEM,
    )
    hhea = font["hhea"]
    builder.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent, lineGap=hhea.lineGap)
    builder.font["OS/2"] = copy.deepcopy(font["OS/2"])
    post = font["post"]
    builder.setupPost(
        keepGlyphNames=False,
        italicAngle=post.italicAngle,
        underlinePosition=post.underlinePosition,
        underlineThickness=post.underlineThickness,
        isFixedPitch=post.isFixedPitch,
    )
    builder.setupMaxp()


def derive_emoji_font(variable_font: Path, destination: Path) -> None:
    """Make the shipped ``NotoEmoji-Regular.ttf`` from Google's ``NotoEmoji[wght].ttf``.

    A maintainer's tool, not used at run time: instance at weight 400, keep every glyph the
    cmap reaches (no layout features: reportlab does not shape), drop hinting and vertical
    tables, scale to unitsPerEm 1000 and keep the original timestamps.
    """
    from fontTools import subset as ft_subset
    from fontTools.ttLib.scaleUpem import scale_upem
    from fontTools.varLib import instancer

    font = TTFont(str(variable_font))
    static = instancer.instantiateVariableFont(font, {"wght": 400})
    options = ft_subset.Options()
    options.layout_features = []
    options.hinting = False
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "STAT", "vhea", "vmtx", "gasp"]
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=static.getBestCmap().keys())
    subsetter.subset(static)
    scale_upem(static, TARGET_UPEM)
    static.recalcTimestamp = False
    tmp = destination.with_suffix(".tmp")
    static.save(str(tmp))
    tmp.replace(destination)


def benchmark(counts: Iterable[int] = (100, 3000)) -> dict[int, float]:
    """Milliseconds to build a CJK subset of ``n`` distinct ideographs, for each ``n``."""
    source = cjk_source()
    ideographs = [cp for cp in sorted(source.cmap) if 0x4E00 <= cp <= 0x9FFF]
    timings = {}
    for count in counts:
        chosen = ideographs[:count]
        start = time.perf_counter()
        build_subset(source, chosen, subset_name(source, chosen))
        timings[count] = (time.perf_counter() - start) * 1000
    return timings
