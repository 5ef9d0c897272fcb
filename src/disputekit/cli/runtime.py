"""The one place where library errors become CLI messages and exit codes."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

import click
from pydantic import ValidationError

from disputekit.errors import DisputekitError, ExitCode
from disputekit.i18n import current_lang, pick
from disputekit.text.cli_zh import CLICK
from disputekit.text.printable import printable

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class CliContext:
    """Typed ``ctx.obj``: global options."""

    lang: str
    verbose: bool


def click_gettext(message: str) -> str:
    """Click's messages in the user's language (Click looks them up through gettext)."""
    return CLICK.get(message, message) if current_lang() == "zh" else message


def click_ngettext(singular: str, plural: str, n: int) -> str:
    return click_gettext(singular if n == 1 else plural)


def install_click_translations() -> None:
    """Point the ``_``/``ngettext`` that Click's modules imported from gettext at our catalog,
    as a gettext translation would: usage errors ("No such option", "Missing argument"),
    "Usage:", "Options" and the --help option's own text follow the user's language."""
    import gettext

    for name, module in list(sys.modules.items()):
        if not (name == "click" or name.startswith("click.")):
            continue
        if getattr(module, "_", None) in (gettext.gettext, click_gettext):
            module._ = click_gettext  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = click_ngettext  # type: ignore[attr-defined]


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def fail(exc: DisputekitError) -> None:
    message = printable(exc.message(current_lang()), multiline=True)
    click.echo(pick("错误：", "Error: ") + message, err=True)
    sys.exit(int(exc.exit_code))


def handle_errors(func: F) -> F:
    """Turn expected errors into a message on stderr and the documented exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        verbose = bool(ctx.find_root().params.get("verbose"))
        try:
            return func(*args, **kwargs)
        except DisputekitError as exc:
            if verbose:
                logging.exception("details")
            fail(exc)
        except ValidationError as exc:
            lines = "\n".join(
                f"  {'.'.join(str(p) for p in e['loc'])} → {e['msg']}" for e in exc.errors()
            )
            click.echo(pick("错误：输入值无效\n", "Error: invalid value\n") + lines, err=True)
            sys.exit(int(ExitCode.USAGE))
        except KeyboardInterrupt:
            click.echo(pick("已中断。", "Interrupted."), err=True)
            sys.exit(int(ExitCode.INTERRUPTED))
        except click.exceptions.Exit:
            raise
        except BrokenPipeError:  # e.g. `disputekit list CASE | head`
            sys.exit(0)
        except OSError as exc:
            if verbose:
                logging.exception("details")
            click.echo(pick("错误：文件操作失败：", "Error: file access failed: ") + str(exc), err=True)
            sys.exit(int(ExitCode.INPUT))
        except Exception as exc:  # the one catch-all: unexpected bugs get exit 1, not a trace
            if verbose:
                raise
            click.echo(pick(f"意外错误：{type(exc).__name__}: {exc}(加 --verbose 查看详情并报告此问题)",
                            f"Unexpected error: {type(exc).__name__}: {exc} (rerun with --verbose and report it)"),
                       err=True)
            sys.exit(int(ExitCode.UNEXPECTED))
        return None

    return wrapper  # type: ignore[return-value]
