"""The OCR seam: an ``OcrEngine`` protocol and the bundled, fully offline RapidOCR engine.

RapidOCR 3.x ships PP-OCRv6 small detection/recognition models inside its wheel. Left to its
defaults it resolves model files through a download table (and would fetch anything missing),
logs to the terminal and runs the detector on the whole image. Here every model path is given
explicitly (nothing is resolved or downloaded), its logger is silenced, and the detector input
is sized per image (``det_scale``). Importing this module is cheap: rapidocr, onnxruntime and
numpy load on the first ``RapidOcrEngine()``.

Tuning, measured on a 2-core machine (benchmarks/bench_ocr.py):

* detector input area capped at ``DET_MAX_PIXELS`` (the default ``limit_type: min`` left a
  1080×2160 page at 1000×2000, ~650 MB peak); scroll captures are read in strips;
  recognition crops come from the full-resolution image;
* our own onnxruntime sessions (rapidocr's custom-session hook): ``intra_op_num_threads = 2``
  (the machine's cores), workers that sleep instead of spin (spinning cost ~40 % more CPU
  for the same wall time), no memory arena;
* no angle classifier: screenshots are upright (EXIF orientation is applied first);
* recognition in batches of ``REC_BATCH`` crops: memory, not speed, decides (see there);
* the models load in ``__init__`` (a warm-up read), so load time is paid once, up front.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import threading
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from disputekit.errors import DisputekitError
from disputekit.models.screen import OcrLine

if TYPE_CHECKING:
    from PIL import Image

logger = logging.getLogger(__name__)

THREADS = 2
DET_MAX_PIXELS = 500_000
"""Detector input area (its peak memory grows ~250 MB per megapixel): 1080×2160 → 520×1039,
1366×768 → 943×530; a phone page's 32 px time stamps stay ≥ 15 px high, a desktop page's 17 px
text ≥ 11 px: enough for PP-OCRv6 (600k: same text, +25 MB peak)."""
DET_MIN_SIDE = 480
"""Shortest detector side: narrow strips are not shrunk below it."""
STRIP_RATIO = 2.3
"""Images taller than this × their width (scroll captures; phones are ≤ 2.22) are read in overlapping strips of
``STRIP_RATIO`` × width, so each strip keeps phone-page resolution and bounded memory."""
STRIP_OVERLAP = 0.25
"""Overlap between strips, as a fraction of the width: more than the tallest text line."""
REC_BATCH = 1
"""Crops per recognition call. A batch is padded to its widest crop and long lines make each
crop costly: on a 1080×2160 page batch 8 peaked at ~650 MB, 4 at 462, 2 at 438, 1 at 381, with
no speed difference (0.86–0.94 s wall each)."""
TEXT_SCORE = 0.5
"""Lines recognised with less confidence are dropped by RapidOCR (its default)."""
MODEL_FILES = {
    "Det": "PP-OCRv6_det_small.onnx",
    "Rec": "PP-OCRv6_rec_small.onnx",
    "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
}


class OcrFailed(DisputekitError):
    """The OCR engine could not load or could not read an image."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"文字识别（OCR）失败：{detail}。",
            f"Text recognition (OCR) failed: {detail}.",
            fix_zh="该文件仍可作为普通图片保存，但其中的文字未被读取。",
            fix_en="The file can still be kept as a plain image; its text was not read.",
        )
        self.detail = detail


@runtime_checkable
class OcrEngine(Protocol):
    """Anything that turns an upright RGB image into text lines."""

    name: str
    """Engine, versions and settings: part of the cache key of every result."""

    def read(self, image: Image.Image) -> list[OcrLine]: ...


def det_scale(width: int, height: int) -> float:
    """Factor applied to the image for text detection (≤ 1; recognition uses full pixels)."""
    if width <= 0 or height <= 0:
        return 1.0
    by_area = math.sqrt(DET_MAX_PIXELS / (width * height))
    floor = DET_MIN_SIDE / min(width, height)
    return min(1.0, max(by_area, floor))


def model_dir() -> Path:
    """The models folder inside the installed rapidocr package (found without importing it)."""
    spec = importlib.util.find_spec("rapidocr")
    folder = Path(spec.origin).parent / "models" if spec and spec.origin else None
    if folder is None or not all((folder / name).is_file() for name in MODEL_FILES.values()):
        raise OcrFailed("rapidocr 的模型文件缺失 / rapidocr's bundled model files are missing")
    return folder


class RapidOcrEngine:
    """RapidOCR on onnxruntime with the models bundled in its wheel; never touches the network."""

    def __init__(self, *, threads: int = THREADS) -> None:
        try:
            self._ocr = _load_rapidocr(model_dir(), threads)
        except OcrFailed:
            raise
        except Exception as exc:  # any import or model error → one clear type
            raise OcrFailed(f"{type(exc).__name__}: {exc}") from exc
        self._lock = threading.Lock()
        self.name = engine_name()
        self._warm_up()

    def _warm_up(self) -> None:
        """Load the detector and recogniser now (rapidocr loads them on first use)."""
        from PIL import Image, ImageDraw, ImageFont

        sample = Image.new("RGB", (240, 64), "white")
        ImageDraw.Draw(sample).text((16, 12), "OCR 2025", fill="black",
                                    font=ImageFont.load_default(size=32))
        self.read(sample)

    def read(self, image: Image.Image) -> list[OcrLine]:
        import numpy as np

        rgb = image if image.mode == "RGB" else image.convert("RGB")
        lines: list[OcrLine] = []
        for top, own_from, own_to in strips(*rgb.size):
            part = rgb.crop((0, top, rgb.width, min(rgb.height, top + _strip_height(rgb.width))))
            for line in self._read_one(np.asarray(part)[:, :, ::-1]):  # rapidocr wants BGR
                x0, y0, x1, y1 = line.box
                if own_from <= top + (y0 + y1) / 2 < own_to:
                    lines.append(line.model_copy(update={"box": (x0, y0 + top, x1, y1 + top)}))
        return lines

    def _read_one(self, bgr: Any) -> list[OcrLine]:
        height, width = bgr.shape[:2]
        limit = max(32, round(max(width, height) * det_scale(width, height)))
        with self._lock:
            try:
                _set_det_limit(self._ocr, limit)
                result = self._ocr(bgr)
            except Exception as exc:
                raise OcrFailed(f"{type(exc).__name__}: {exc}") from exc
        return _lines(result)


def _strip_height(width: int) -> int:
    return max(1, round(width * STRIP_RATIO))


def strips(width: int, height: int) -> list[tuple[int, float, float]]:
    """(top, own_from, own_to) per strip: a line belongs to the strip its centre is owned by."""
    size = _strip_height(width)
    if height <= size:
        return [(0, 0.0, float(height))]
    overlap = round(width * STRIP_OVERLAP)
    count = math.ceil((height - overlap) / max(1, size - overlap))
    tops = [round(i * (height - size) / (count - 1)) for i in range(count)]
    bounds = [0.0] + [(tops[i] + size + tops[i + 1]) / 2 for i in range(len(tops) - 1)]
    return [(top, bounds[i], bounds[i + 1] if i + 1 < len(tops) else float(height))
            for i, top in enumerate(tops)]


def engine_name() -> str:
    versions = " ".join(f"{p} {metadata.version(p)}" for p in ("rapidocr", "onnxruntime"))
    return (
        f"{versions} PP-OCRv6-small det{DET_MAX_PIXELS // 1000}k/{DET_MIN_SIDE} "
        f"strip{STRIP_RATIO} score{TEXT_SCORE}"
    )


@cache
def default_engine() -> OcrEngine:
    """The one engine of this process, loaded on first use (≈ 1 s, ~150 MB)."""
    return RapidOcrEngine()


# ------------------------------------------------------------------------------ rapidocr glue
def _load_rapidocr(models: Path, threads: int) -> Any:
    silence_rapidocr()
    from omegaconf import flag_override
    from rapidocr import RapidOCR

    params: dict[str, Any] = {f"{k}.model_path": str(models / f) for k, f in MODEL_FILES.items()}
    params |= {
        "Global.log_level": "critical",
        "Global.use_cls": False,
        "Global.text_score": TEXT_SCORE,
        "Global.max_side_len": 100_000,  # no global shrink: crops keep full resolution
        "Det.limit_type": "max",
        "Rec.rec_batch_num": REC_BATCH,
    }
    engine = RapidOCR(params=params)
    silence_rapidocr()  # RapidOCR() resets its logger's level
    # rapidocr's custom-session hook (``cfg.<task>.session``): our own session options.
    with flag_override(engine.cfg, "allow_objects", True):
        engine.cfg.Det.session = _session(models / MODEL_FILES["Det"], threads)
        engine.cfg.Rec.session = _session(models / MODEL_FILES["Rec"], threads)
    return engine


def _session(path: Path, threads: int) -> Any:
    """An onnxruntime session on the CPU: ``threads`` workers that sleep instead of spinning
    (spinning burned ~40 % more CPU for no gain on 2 cores), no memory arena, quiet."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    options.enable_cpu_mem_arena = False
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def silence_rapidocr() -> None:
    """RapidOCR logs to its own stderr handler at INFO; route it into a NullHandler."""
    rapid = logging.getLogger("RapidOCR")
    for handler in list(rapid.handlers):
        rapid.removeHandler(handler)
    rapid.addHandler(logging.NullHandler())
    rapid.propagate = False
    rapid.setLevel(logging.CRITICAL + 1)


def _set_det_limit(ocr: Any, limit: int) -> None:
    ocr.cfg.Det.limit_side_len = limit  # used when the detector loads (first call)
    if getattr(ocr, "text_det", None) is not None:
        ocr.text_det.limit_side_len = limit


def _lines(result: Any) -> list[OcrLine]:
    boxes, texts, scores = (getattr(result, k, None) for k in ("boxes", "txts", "scores"))
    if boxes is None or texts is None or scores is None:
        return []
    lines = []
    for quad, text, score in zip(boxes, texts, scores, strict=True):
        xs = [float(p[0]) for p in quad]
        ys = [float(p[1]) for p in quad]
        box = (math.floor(min(xs)), math.floor(min(ys)), math.ceil(max(xs)), math.ceil(max(ys)))
        confidence = min(1.0, max(0.0, float(score)))
        lines.append(OcrLine(text=str(text), box=box, confidence=round(confidence, 4)))
    return lines
