"""Shared Click options."""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from disputekit.kinds import KINDS
from disputekit.models.evidence import TAGS

case_arg = click.argument(
    "case_dir", metavar="CASE", type=click.Path(file_okay=False, path_type=Path)
)
json_opt = click.option("--json", "as_json", is_flag=True, help="Print JSON (for scripts).")
now_opt = click.option(
    "--now", default=None, metavar="ISO",
    help="Reason as of this moment (ISO 8601; default: SOURCE_DATE_EPOCH or the clock).",
)
as_opt = click.option(
    "--as", "as_kind", type=click.Choice(list(KINDS)), default=None,
    help="Treat the file(s) as this kind instead of detecting it from the content.",
)
profile_opt = click.option(
    "--profile", "profile_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None, help="A shop's TOML file overriding values of the platform profile.",
)
tag_opt = click.option(
    "--tag", type=click.Choice(list(TAGS)), default=None,
    help="What the evidence shows (e.g. before_shipment, returned_item, return).",
)


def by_opt(help_text: str = "Who does this (default: DISPUTEKIT_USER or the login name).") -> Callable[..., Any]:
    return click.option("--by", "actor", default=None, metavar="NAME", help=help_text)


def resolve_actor(actor: str | None) -> str:
    if actor:
        return actor
    env = os.environ.get("DISPUTEKIT_USER")
    if env:
        return env
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
