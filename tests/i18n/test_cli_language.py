"""The CLI in the reader's language (issue 19): ``--lang``, else COALITION_LANG, else
LC_ALL / LC_MESSAGES / LANG, else English; its help, its output and the services' errors.
Numbers and dates of human output follow the locale; ``--json`` stays locale-neutral."""

from __future__ import annotations

import datetime as dt
import json
import shlex
from collections.abc import Iterator

import pytest
from babel.messages.pofile import read_po
from click.testing import Result
from typer.testing import CliRunner

from coalition import formatting, i18n
from coalition.cli import app
from coalition.store.session import session_scope
from tests.factories import outcomes_world

from .test_catalogs import LOCALES

# No language from the machine running the tests: each test says which it wants.
NEUTRAL = {
    "COALITION_LANG": "",
    "LC_ALL": "",
    "LC_MESSAGES": "",
    "LANG": "C.UTF-8",
    "COLUMNS": "250",
}
SPANISH = NEUTRAL | {"LANG": "es_ES.UTF-8"}


def cli(line: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, shlex.split(line), env=env or NEUTRAL, terminal_width=200)


def said(result: Result) -> str:
    return " ".join(result.output.split())  # rich wraps long lines


def test_help_is_english_by_default() -> None:
    r = cli("--help")
    assert r.exit_code == 0, r.output
    text = said(r)
    assert "Coalition: inter-independent collaboration." in text
    assert "Show this message and exit." in text and "Commands" in text
    assert "Outcomes of initiatives: metrics and measurements." in text


def test_help_in_spanish_from_lang() -> None:
    r = cli("--help", SPANISH)
    assert r.exit_code == 0, r.output
    text = said(r)
    assert "Coalition: colaboración entre independientes." in text
    assert "Mostrar este mensaje y salir." in text and "Comandos" in text
    assert "Resultados de las iniciativas: indicadores y mediciones." in text
    assert "Outcomes of initiatives" not in text and "Show this message" not in text
    # a command's own help and its options' help, two levels down
    text = said(cli("outcomes add --help", SPANISH))
    assert "Definir un indicador de resultado de una iniciativa." in text
    assert "Qué se mide." in text and "Opciones" in text and "What is measured" not in text


def test_lang_option_wins_over_the_environment() -> None:
    text = said(cli("--lang fr outcomes --help", SPANISH))
    assert "Résultats des initiatives : indicateurs et mesures." in text
    assert "Le registre des contributions" not in text  # that is the contributions group
    assert "Afficher ce message et quitter." in text
    text = said(cli("--lang fr --help", SPANISH))  # --lang before --help: the help follows it
    assert "Coalition : la collaboration entre indépendants." in text
    r = cli("--lang tlh --help")
    assert r.exit_code == 2 and "'tlh'" in r.output
    r = cli("--help", NEUTRAL | {"COALITION_LANG": "fr", "LANG": "es_ES.UTF-8"})
    assert "Coalition : la collaboration entre indépendants." in said(r)


@pytest.fixture
def wide() -> Iterator[None]:
    """Tables on one line each, so that a cell is read whole."""
    from coalition.cli import console

    before = console.width
    console.width = 250
    yield
    console.width = before


@pytest.mark.usefixtures("wide")
def test_output_and_errors_in_the_chosen_language(clean_url: str) -> None:
    with session_scope(clean_url) as db:
        initiative = outcomes_world(db).initiative
    env = {"COALITION_DATABASE_URL": clean_url}
    r = cli(
        f"outcomes add -i {initiative} --name Homes --unit homes --baseline 1200 "
        "--baseline-date 2026-01-01 --target 2500.5 --direction increase --due-date 2026-04-11",
        SPANISH | env,
    )
    assert r.exit_code == 0, r.output
    assert f"«Homes» añadido a la iniciativa {initiative}" in r.output
    outcome = r.output.split()[1]

    r = cli(f"outcomes measure {outcome} --value 1500 --unit homes --on 2026-02-20", SPANISH | env)
    assert r.exit_code == 0 and "«Homes» está ahora: desviado" in said(r), r.output
    r = cli(f"--lang fr outcomes measure {outcome} --value 3 --unit kg --on 2026-02-20", env)
    assert r.exit_code == 1
    assert "« Homes » se mesure en homes, pas en kg" in said(r), r.output

    # human output: the locale's numbers and dates; English by default
    r = cli(f"outcomes list -i {initiative}", SPANISH | env)
    text = said(r)
    assert "1 resultado de la iniciativa" in text and "referencia" in text, r.output
    assert formatting.decimal(2500.5, locale="es") in text  # "2500,5"
    assert formatting.date(dt.date(2026, 4, 11), locale="es") in text  # "11 abr 2026"
    text = said(cli(f"--lang fr outcomes list -i {initiative}", env))
    assert "1 500" in text.replace("\u202f", " ").replace("\xa0", " ")
    assert formatting.date(dt.date(2026, 4, 11), locale="fr") in text
    text = said(cli(f"outcomes list -i {initiative}", env))
    assert "1 outcome of initiative" in text and "2,500.5" in text
    assert formatting.date(dt.date(2026, 4, 11), locale="en") in text  # "Apr 11, 2026"

    # machine output stays locale-neutral
    r = cli(f"--lang fr outcomes list -i {initiative} --json", env)
    item = json.loads(r.stdout)[0]
    assert item["target"] == 2500.5 and item["due_date"] == "2026-04-11"


def test_a_run_leaves_the_callers_language_alone() -> None:
    with i18n.use_locale("en"):
        assert cli("--lang es --help").exit_code == 0
        assert i18n.current_locale() == "en"


@pytest.mark.parametrize("locale", ["es", "fr"])
def test_every_help_text_is_translated(locale: str) -> None:
    """Walk the whole command tree: no help stays English in Spanish or French."""
    import typer.main

    def texts(command: object) -> list[str]:
        found = [getattr(command, "help", None) or ""]
        found += [getattr(p, "help", None) or "" for p in getattr(command, "params", [])]
        for name, sub in getattr(command, "commands", {}).items():
            if name != "actors":  # the directory search is being rewritten (its own filters)
                found += texts(sub)
        return [t for t in found if t]

    english = texts(typer.main.get_command(app))
    assert len(english) > 200
    with (LOCALES / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    untranslated = [t for t in english if not (catalog.get(t) and catalog.get(t).string)]
    assert not untranslated, untranslated[:10]
