"""One exception base for every expected failure, carrying an exit code and a remedy.

Exit codes are a stable contract (see docs/exit-codes.md):

0 ok · 1 unexpected error · 2 usage · 3 evidence fails blocking rules ·
4 output failed verification · 5 file access / bad input file · 6 case busy (lock timeout) ·
130 interrupted.
"""

from __future__ import annotations

from enum import IntEnum

from disputekit.i18n import current_lang


class ExitCode(IntEnum):
    OK = 0
    UNEXPECTED = 1
    USAGE = 2
    BLOCKING = 3
    VERIFY_FAILED = 4
    INPUT = 5
    BUSY = 6
    INTERRUPTED = 130


class DisputekitError(Exception):
    """Base of every error the CLI reports as a message (no traceback).

    ``zh`` and ``en`` are complete sentences; ``fix_zh``/``fix_en`` say what to do.
    """

    exit_code: ExitCode = ExitCode.UNEXPECTED

    def __init__(self, zh: str, en: str, *, fix_zh: str = "", fix_en: str = "") -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en
        self.fix_zh = fix_zh
        self.fix_en = fix_en

    def message(self, lang: str | None = None) -> str:
        lang = lang or current_lang()
        text, fix = (self.zh, self.fix_zh) if lang == "zh" else (self.en, self.fix_en)
        if not fix:
            return text
        return f"{text}{fix}" if lang == "zh" else f"{text} {fix}"


class UsageError(DisputekitError):
    exit_code = ExitCode.USAGE


class InputFileError(DisputekitError):
    """A file given to disputekit cannot be read or is not acceptable evidence."""

    exit_code = ExitCode.INPUT


class CaseError(DisputekitError):
    """The case folder or case.toml is missing or invalid."""

    exit_code = ExitCode.INPUT


class ProfileError(DisputekitError):
    exit_code = ExitCode.INPUT


class BlockingFindings(DisputekitError):
    exit_code = ExitCode.BLOCKING


class VerificationFailed(DisputekitError):
    exit_code = ExitCode.VERIFY_FAILED


class CaseBusy(DisputekitError):
    exit_code = ExitCode.BUSY
