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
        for sub in getattr(command, "commands", {}).values():
            found += texts(sub)
        return [t for t in found if t]

    english = texts(typer.main.get_command(app))
    assert len(english) > 200
    with (LOCALES / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    untranslated = [t for t in english if not (catalog.get(t) and catalog.get(t).string)]
    assert not untranslated, untranslated[:10]


# -- every area's output: English by default, and no English left in Spanish ---------------


def both(line: str, env: dict[str, str], english: tuple[str, ...], spanish: tuple[str, ...]) -> str:
    """Run ``line`` in English (the default) and in Spanish: each has its own words, and none
    of the English ones is left in the Spanish output. Returns the Spanish output."""
    en, es = cli(line, NEUTRAL | env), cli(line, SPANISH | env)
    assert en.exit_code == 0 and es.exit_code == 0, (en.output, es.output)
    in_english, in_spanish = said(en), said(es)
    assert [e for e in english if e not in in_english] == [], in_english
    assert [s for s in spanish if s not in in_spanish] == [], in_spanish
    assert [e for e in english if e in in_spanish] == [], in_spanish
    return in_spanish


@pytest.fixture
def small(clean_url: str) -> dict[str, str]:
    from coalition.io.bundle import import_bundle
    from tests.conftest import small_bundle

    with session_scope(clean_url) as db:
        import_bundle(db, small_bundle())
    return {"COALITION_DATABASE_URL": clean_url}


@pytest.mark.usefixtures("wide")
def test_networks_vocabulary_and_fields_in_spanish(small: dict[str, str]) -> None:
    both(
        "networks settings -n small",
        small,
        ("settings of 'small'", "join policy", "approval", "new members' privacy: Day rate"),
        ("configuración de «small»", "política de admisión", "con aprobación",
         "privacidad de los nuevos miembros: Tarifa diaria", "privado"),
    )  # fmt: skip
    both(
        "vocabulary list -n small",
        small,
        ("89 terms", "category", "profiles"),
        ("89 términos", "categoría", "perfiles"),
    )
    r = cli("networks settings -n small --visibility secret", SPANISH | small)
    assert r.exit_code == 1 and "El campo «Visibilidad» debe ser uno de" in said(r), r.output
    r = cli("fields add depth Depth --kind number -n small", SPANISH | small)
    assert r.exit_code == 0 and "campo «depth» añadido (número)" in said(r), r.output
    both(
        "fields list -n small",
        small,
        ("1 field", "default audience", "number", "network"),
        ("1 campo", "público por defecto", "número", "red"),
    )


@pytest.mark.usefixtures("wide")
def test_map_and_fairness_in_spanish(small: dict[str, str]) -> None:
    text = both(
        "map analyze -n small --top 3",
        small,
        ("actors", "linked pairs", "density", "Most central actors", "betweenness", "community"),
        ("actores", "pares vinculados", "densidad", "Actores más centrales", "intermediación"),
    )
    assert "0," in text and "0." not in text  # decimals for the locale
    both(
        "map changes -n small",
        small,
        ("the map by year", "rose in PageRank", "communities: formed"),
        ("el mapa por año", "suben en PageRank", "comunidades: nuevas"),
    )
    text = both(
        "fairness report small",
        small,
        ("Gini of opportunity", "over time", "Opportunity by group", "share engaged", "newcomer"),
        ("Gini de oportunidades", "a lo largo del tiempo", "Oportunidades por grupo",
         "proporción comprometida", "recién llegado/a", "antigüedad"),
    )  # fmt: skip
    assert formatting.date(dt.date.today(), locale="es") in text
    both(
        "settle --today 2026-01-01",
        small,
        ("0 engagements ended; their hours are free again",),
        ("0 compromisos terminados; sus horas vuelven a estar libres",),
    )


@pytest.mark.usefixtures("wide")
def test_conversations_in_spanish(clean_url: str) -> None:
    from coalition.schemas.deliberation import ConversationIn, StatementIn
    from coalition.services import conversations
    from tests.factories import deliberation_world

    with session_scope(clean_url) as db:
        w = deliberation_world(db)
        convenor = w.caller(w.cleo, "convenor")
        cid = conversations.create_conversation(db, convenor, w.slug, ConversationIn(topic="T")).id
        sids = [
            conversations.submit_statement(db, w.caller(w.ada), cid, StatementIn(text=text)).id
            for text in ("Meet on Sundays", "Share the minutes")
        ]
    env = {
        "COALITION_DATABASE_URL": clean_url,
        "COALITION_DEVELOPMENT": "1",
        "COALITION_SECRET_KEY": "x" * 40,
    }
    both(
        f"moderation queue {cid}",
        env,
        ("2 awaiting moderation (open moderation)", "statement", "awaiting", "reason"),
        ("2 pendientes de moderación (moderación abierta)", "afirmación", "motivo"),
    )
    r = cli(f"moderation decide {sids[0]} meta", SPANISH | env)
    assert r.exit_code == 0 and "marcada como meta" in said(r), r.output
    assert cli(f"conversation link create {cid} --label Flyer", env).exit_code == 0
    both(
        f"conversation link list {cid}",
        env,
        ("1 link", "participants", "expires", "open"),
        ("1 enlace", "participantes", "caduca", "abierta"),
    )
    r = cli(f"conversation link revoke {cid} 1", SPANISH | env)
    assert r.exit_code == 0 and "enlace 1 retirado" in said(r), r.output


GML = """graph [
  node [ id 0 label "a" skills "policy,data" ]
  node [ id 1 label "b" skills "design" ]
  node [ id 2 label "c" skills "data" ]
  edge [ source 0 target 1 cc 2 ]
  edge [ source 1 target 2 cc 1 ]
]
"""


def test_formation_in_spanish(clean_url: str, tmp_path: object) -> None:
    from pathlib import Path

    graph = Path(str(tmp_path)) / "experts.gml"
    graph.write_text(GML, encoding="utf-8")
    env = {"COALITION_DATABASE_URL": clean_url}
    r = cli(f"import graph {graph} --network experts", SPANISH | env)
    assert r.exit_code == 0, r.output
    assert "importado en «experts»: 3 personas, 2 vínculos, 3 competencias" in said(r)
    both(
        "form --network experts --skills policy,design",
        env,
        ("a team of 2: a, b", "cost 1 (", "least possible"),
        ("un equipo de 2: a, b", "policy → a", "coste 1 (", "menor posible"),
    )


def test_foundation_lines_in_spanish(tmp_path: object) -> None:
    """db, worker, bundles: on a database of its own (the worker line needs SQLite)."""
    from pathlib import Path

    folder = Path(str(tmp_path))
    env = {"COALITION_DATABASE_URL": f"sqlite:///{folder / 'own.db'}"}
    both("db upgrade", env, ("schema at heads on",), ("esquema en heads en",))
    both(
        "worker",
        env,
        ("No worker is needed here", "background jobs"),
        ("Aquí no hace falta ningún worker", "tareas en segundo plano"),
    )
    with session_scope(env["COALITION_DATABASE_URL"]) as db:
        from coalition.io.bundle import import_bundle
        from tests.conftest import small_bundle

        import_bundle(db, small_bundle())
    r = cli(f"export bundle -n small -o {folder / 'b.json'}", SPANISH | env)
    assert r.exit_code == 0 and "escrito: " in said(r) and "40 actores" in said(r), r.output
    r = cli(f"import bundle {folder / 'b.json'} --slug copia", SPANISH | env)
    assert r.exit_code == 0 and "red «copia» importada" in said(r), r.output
