"""The CLI's language: ``--lang``, else ``COALITION_LANG``, else ``LC_ALL`` / ``LC_MESSAGES`` /
``LANG``, else English; and its help in that language.

Typer builds its commands from help texts fixed when the modules are imported, before anyone
has said which language they read. So every help text is declared with ``lazy`` (extracted for
the catalogs, left as English) and :class:`LocalizedGroup`, the root command's class, puts the
whole tree into the chosen language just before help is shown or a command runs. Typer builds
a fresh tree for every run, so translating it in place never translates twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import typer
from typer._click import Context
from typer.core import TyperArgument, TyperGroup

from .. import i18n
from ..i18n import _, lazy

LANG_HELP = lazy(
    "The language of messages and help: en, es, fr or ar (default: COALITION_LANG, else the "
    "locale of LC_ALL / LC_MESSAGES / LANG)."
)
ARGUMENTS = lazy("Arguments")
OPTIONS = lazy("Options")
COMMANDS = lazy("Commands")
HELP_OPTION = lazy("Show this message and exit.")
# Typer's own options, by their English help, so that localize() finds them in the catalogs.
TYPER_HELP = (
    lazy("Install completion for the current shell."),
    lazy("Show completion for the current shell, to copy it or customize the installation."),
)


def choose_language(value: str | None) -> str | None:
    """``--lang``'s callback (eager: it runs before ``--help`` when written before it)."""
    if value is None:
        return None
    chosen = i18n.supported(value)
    if chosen is None:
        raise typer.BadParameter(
            _("%(value)s is not one of the languages: %(choices)s")
            % {"value": repr(value), "choices": ", ".join(i18n.LOCALES)}
        )
    i18n.set_locale(chosen)
    return chosen


def localize(command: Any, ctx: Context) -> None:
    """``command`` and every command below it, help and panel titles, in the current locale."""
    for name in ("help", "short_help", "epilog"):
        text = getattr(command, name, None)
        if text:
            setattr(command, name, _(text))
    helper = command.get_help_option(ctx)
    if helper is not None:
        helper.help = _(HELP_OPTION)
    for param in [*command.params, *([helper] if helper is not None else [])]:
        if getattr(param, "help", None) and param is not helper:
            param.help = _(param.help)
        if not getattr(param, "rich_help_panel", None):
            panel = ARGUMENTS if isinstance(param, TyperArgument) else OPTIONS
            param.rich_help_panel = _(panel)
    for sub in getattr(command, "commands", {}).values():
        if not getattr(sub, "rich_help_panel", None):
            sub.rich_help_panel = _(COMMANDS)
        localize(sub, ctx)


class LocalizedGroup(TyperGroup):
    """The root command: runs in the CLI's language and shows its help in it."""

    _localized = False

    def main(self, args: Sequence[str] | None = None, *rest: Any, **extra: Any) -> Any:
        # The language of the environment until --lang says otherwise; reset after the run, so
        # a run inside a test leaves the test's own language as it was.
        with i18n.use_locale(i18n.locale_from_environment()):
            return super().main(args, *rest, **extra)

    def _localize(self, ctx: Context) -> None:
        if not self._localized:
            self._localized = True
            localize(self, ctx)

    def format_help(self, ctx: Context, formatter: Any) -> None:
        self._localize(ctx)
        super().format_help(ctx, formatter)

    def resolve_command(self, ctx: Context, args: list[str]) -> tuple[str | None, Any, list[str]]:
        self._localize(ctx)
        return super().resolve_command(ctx, args)
