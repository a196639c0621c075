"""The malformed-input corpus (``tests/data/malformed/<importer>/``, written by its
``make_corpus.py``, plus the large cases built here) through each importer's real path:

* map files (Kumu JSON, GEXF, GraphML, CSV zip, XLSX): the import service, then the API
  upload route;
* JSON bundles: ``coalition import bundle``, then the API import route;
* GML expert networks: ``coalition import graph`` in a child process, as igraph's C core
  once aborted the whole process on such files.

Every case: refused with a message naming its line or element (``cases.json`` says which
and why), nothing imported, no traceback, a 4xx (never a 500) over HTTP, the process alive.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from coalition.config import Settings
from coalition.io.graph_model import FormatError
from coalition.services.access import Caller
from coalition.services.map_exchange import import_map
from coalition.store.session import session_scope
from coalition.store.tables import Actor, Network, Tie
from tests.conftest import _wipe, make_client
from tests.io.bombs import zip_bomb

CORPUS = Path(__file__).resolve().parents[1] / "data" / "malformed"
MAP_FORMATS = ("kumu", "gexf", "graphml", "csv", "xlsx")
SECONDS = 10.0  # every refusal, the large ones included, is quick
HUGE = 20 * 1024 * 1024


def _valid(importer: str) -> bytes:
    return next((CORPUS / importer).glob("valid.*")).read_bytes()


def _replace(importer: str, old: bytes, new: bytes) -> bytes:
    data = _valid(importer)
    assert old in data
    return data.replace(old, new, 1)


# Cases too large to keep in the repository: (build, where, why)
GENERATED: dict[str, dict[str, tuple[Callable[[], bytes], str, str]]] = {
    "kumu": {
        "huge_label": (
            lambda: _replace("kumu", b'"Ada"', b'"' + b"x" * HUGE + b'"'),
            "line 5",
            "a field of 20,971,520 characters",
        ),
    },
    "gexf": {
        "huge_label": (
            lambda: _replace("gexf", b'label="Ada"', b'label="' + b"x" * (HUGE // 4) + b'"'),
            "line 6 <node> attribute label",
            "a field of 5,242,880 characters",
        ),
    },
    "graphml": {
        "huge_label": (
            lambda: _replace("graphml", b">Ada<", b">" + b"x" * (HUGE // 4) + b"<"),
            "line 9 <data>",
            "a field of 5,242,880 characters",
        ),
    },
    "csv": {
        "huge_field": (
            lambda: _csv_zip_with(b"ID,Label\r\na," + b"x" * HUGE + b"\r\n"),
            "elements.csv line 2",
            "field larger than field limit",
        ),
        "zip_bomb": (
            lambda: zip_bomb(_valid("csv"), "elements.csv"),
            "archive member elements.csv",
            "unpacks to more than 256 MB",
        ),
    },
    "xlsx": {
        "one_gigabyte_sheet": (
            lambda: zip_bomb(_valid("xlsx"), "xl/worksheets/sheet1.xml"),
            "archive member xl/worksheets/sheet1.xml",
            "unpacks to more than 256 MB",
        ),
    },
    "bundle": {
        "huge_bio": (
            lambda: _replace("bundle", b'"Ada"', b'"' + b"x" * HUGE + b'"'),
            "line 17 column 12",
            "a field of 20,971,520 characters",
        ),
    },
    "gml": {
        "huge_label": (
            lambda: _replace("gml", b'"Ada"', b'"' + b"x" * HUGE + b'"'),
            "line 6",
            "a field of 20,971,522 characters",
        ),
    },
}


def _csv_zip_with(elements: bytes) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("elements.csv", elements)
    return buf.getvalue()


def _cases(importer: str) -> list[Any]:
    table = json.loads((CORPUS / importer / "cases.json").read_text())
    found = [pytest.param(importer, name, id=f"{importer}/{name}") for name in table]
    found += [pytest.param(importer, name, id=f"{importer}/{name}") for name in GENERATED[importer]]
    return found


def _expected(importer: str, name: str) -> tuple[str, str]:
    """What the refusal of a case must name (where) and say (why)."""
    if name in GENERATED[importer]:
        return GENERATED[importer][name][1:]
    expected = json.loads((CORPUS / importer / "cases.json").read_text())[name]
    return expected["where"], expected["why"]


def _case(importer: str, name: str) -> tuple[bytes, str, str]:
    if name in GENERATED[importer]:
        data = GENERATED[importer][name][0]()
    else:
        data = (CORPUS / importer / name).read_bytes()
    return (data, *_expected(importer, name))


def _named(problems: object, where: str, why: str) -> bool:
    assert isinstance(problems, list) and problems, problems
    return any(
        where in p["where"] and why in (p.get("why") or p.get("reason") or "") for p in problems
    )


def test_the_corpus_has_at_least_ten_cases_per_importer() -> None:
    for importer in (*MAP_FORMATS, "bundle", "gml"):
        assert len(_cases(importer)) >= 10, importer


# ---------------------------------------------------------------- map files


@pytest.fixture(scope="module")
def target(db_url: str) -> Iterator[tuple[str, int, TestClient]]:
    """An empty network to import into, and an operator's client; shared by the cases."""
    _wipe(db_url)
    with session_scope(db_url) as db:
        network = Network(slug="target", name="Target")
        db.add(network)
        db.flush()
        nid = network.id
    settings = Settings(database_url=db_url, secret_key="test-secret")
    yield db_url, nid, make_client(settings, Caller.operator())
    _wipe(db_url)


def _rows(url: str, network_id: int) -> tuple[int, int]:
    with session_scope(url) as db:
        actors = db.scalar(select(func.count()).where(Actor.network_id == network_id))
        ties = db.scalar(select(func.count()).where(Tie.network_id == network_id))
    return actors or 0, ties or 0


@pytest.mark.parametrize("fmt", MAP_FORMATS)
def test_each_corpus_was_cut_from_a_file_that_imports(
    target: tuple[str, int, TestClient], fmt: str
) -> None:
    url, _, _ = target
    with session_scope(url) as db:
        db.add(Network(slug=f"control-{fmt}", name="Control"))
        db.flush()
        report = import_map(db, Caller.operator(), f"control-{fmt}", fmt, _valid(fmt))
        assert report["actors_created"] == 2 and report["ties_created"] == 1


@pytest.mark.parametrize(("fmt", "name"), [c for f in MAP_FORMATS for c in _cases(f)])
def test_map_import_refuses_each_malformed_file(
    target: tuple[str, int, TestClient], fmt: str, name: str
) -> None:
    url, network_id, client = target
    data, where, why = _case(fmt, name)
    started = time.perf_counter()
    with session_scope(url) as db, pytest.raises(FormatError) as refused:
        import_map(db, Caller.operator(), "target", fmt, data)
    assert time.perf_counter() - started < SECONDS
    assert _named(refused.value.details, where, why), refused.value.details
    r = client.post(f"/api/networks/target/map/import?format={fmt}", content=data)
    assert r.status_code == 422, r.text[:500]
    assert _named(r.json()["problems"], where, why)
    assert "Traceback" not in r.text
    assert _rows(url, network_id) == (0, 0)


# ---------------------------------------------------------------- JSON bundles


@pytest.mark.parametrize(("importer", "name"), _cases("bundle"))
def test_bundle_import_refuses_each_malformed_file(
    target: tuple[str, int, TestClient],
    importer: str,
    name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from coalition.cli import app

    url, _, client = target
    data, where, why = _case(importer, name)
    path = tmp_path / "bundle.json"
    path.write_bytes(data)
    monkeypatch.setenv("COALITION_DATABASE_URL", url)
    monkeypatch.setenv("COLUMNS", "2000")  # one problem, one line
    started = time.perf_counter()
    r = CliRunner().invoke(app, ["import", "bundle", str(path)])
    assert time.perf_counter() - started < SECONDS
    assert r.exit_code == 1 and isinstance(r.exception, SystemExit), r.output
    # the console may wrap a long line (a long temporary path): compare the words
    said = " ".join(r.output.split())
    assert " ".join(where.split()) in said and " ".join(why.split()) in said, r.output
    assert "Traceback" not in r.output
    r = client.post(
        "/api/networks/import", content=data, headers={"content-type": "application/json"}
    )
    # FastAPI parses the body itself and refuses what it cannot read (400 or 422 with its
    # own message); what it reads goes to the same checks as the CLI's
    assert r.status_code in (400, 422) and "Traceback" not in r.text, r.text[:500]
    body = r.json()
    if not where.startswith("line"):
        assert _named(body["problems"], where, why), body
    elif "problems" in body:  # parsed, then refused: the element is named by its path
        assert all(p["where"] and (p.get("why") or p.get("reason")) for p in body["problems"])
    with session_scope(url) as db:
        assert db.scalar(select(Network.id).where(Network.slug == "corpus")) is None


def test_the_bundle_corpus_was_cut_from_a_bundle_that_imports(
    target: tuple[str, int, TestClient], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coalition.cli import app

    url, _, _ = target
    path = tmp_path / "bundle.json"
    path.write_bytes(_valid("bundle"))
    monkeypatch.setenv("COALITION_DATABASE_URL", url)
    r = CliRunner().invoke(app, ["import", "bundle", str(path), "--slug", "control-bundle"])
    assert r.exit_code == 0, r.output


# ---------------------------------------------------------------- GML, in a child process

_CHILD = textwrap.dedent(
    """
    import json, os, sys, time
    from sqlalchemy import create_engine, text
    from typer.testing import CliRunner
    from coalition.cli import app
    from coalition.store.migrate import upgrade

    url = os.environ["COALITION_DATABASE_URL"]
    upgrade(url, "heads")
    runner = CliRunner()
    results = {}
    for path in sys.argv[1:]:
        print("RUNNING", path, flush=True)  # the last one printed is the one that killed us
        started = time.perf_counter()
        slug = "control" if path.endswith("valid.gml") else "corpus"
        r = runner.invoke(app, ["import", "graph", path, "--network", slug])
        results[os.path.basename(path)] = {
            "exit": r.exit_code,
            "output": r.output,
            "exception": type(r.exception).__name__,
            "seconds": time.perf_counter() - started,
        }
    with create_engine(url).connect() as c:
        rows = c.execute(text(
            "SELECT count(*) FROM actors a JOIN networks n ON n.id = a.network_id"
            " WHERE n.slug = 'corpus'"
        )).scalar()
    print("RESULTS " + json.dumps({"cases": results, "corpus_actors": rows}))
    """
)


@pytest.fixture(scope="module")
def gml_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("gml")
    paths = [str(CORPUS / "gml" / "valid.gml")]
    for name in json.loads((CORPUS / "gml" / "cases.json").read_text()):
        paths.append(str(CORPUS / "gml" / name))
    for name, (build, _, _) in GENERATED["gml"].items():
        path = folder / name
        path.write_bytes(build())
        paths.append(str(path))
    env = {**os.environ, "COALITION_DATABASE_URL": f"sqlite:///{folder / 'g.db'}"}
    env["COLUMNS"] = "2000"
    env["COALITION_LANG"] = "en"  # the messages checked are the English ones
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, *paths],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    last = [line for line in done.stdout.splitlines() if line.startswith("RUNNING")][-1:]
    assert done.returncode == 0, f"the process died (code {done.returncode}) on {last}"
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULTS "))
    results: dict[str, Any] = json.loads(line[len("RESULTS ") :])
    return results


def test_the_gml_corpus_was_cut_from_a_file_that_imports(gml_results: dict[str, Any]) -> None:
    valid = gml_results["cases"]["valid.gml"]
    assert valid["exit"] == 0, valid["output"]
    assert "imported into 'control': 2 people, 1 tie" in valid["output"], valid["output"]


@pytest.mark.parametrize(("importer", "name"), _cases("gml"))
def test_gml_import_refuses_each_malformed_file(
    gml_results: dict[str, Any], importer: str, name: str
) -> None:
    where, why = _expected(importer, name)
    result = gml_results["cases"][name]
    assert result["exit"] == 1 and result["exception"] == "SystemExit", result
    assert where in result["output"] and why in result["output"], result["output"]
    assert "Traceback" not in result["output"]
    assert result["seconds"] < SECONDS
    assert gml_results["corpus_actors"] == 0
