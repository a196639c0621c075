"""CLI of networks (``coalition networks …``): create, list, settings, logo, requests to join,
onboarding; and of their vocabulary (``coalition vocabulary …``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import formatting as fmt
from ..i18n import _, lazy, ngettext
from ..labels import vocab
from .common import counted, table

networks_app = typer.Typer(
    help=lazy("Networks: create them, their settings and logo, requests to join."),
    no_args_is_help=True,
)


def _cli() -> Any:
    from .. import cli

    return cli


def _privacy(pairs: list[str] | None) -> dict[str, str] | None:
    if not pairs:
        return None
    out: dict[str, str] = {}
    for pair in pairs:
        field, sep, audience = pair.partition("=")
        if not sep:
            raise _cli().fail(
                _("--privacy takes FIELD=AUDIENCE, such as contact=private: %(pair)s")
                % {"pair": repr(pair)}
            )
        out[field.strip()] = audience.strip()
    return out


def _print_settings(out: Any, as_json: bool) -> None:
    from ..web.pages.networks import FIELD_LABELS

    cli = _cli()
    if as_json:
        cli.emit_json(out.model_dump(mode="json"))
        return
    shown = table(_("settings of '%(slug)s'") % {"slug": out.slug}, ("", ""), show_header=False)
    shown.add_row(_("name"), out.name)
    shown.add_row(_("purpose"), out.purpose)
    shown.add_row(_("description"), out.description)
    shown.add_row(_("visibility"), vocab(out.visibility))
    shown.add_row(_("join policy"), vocab(out.join_policy))
    shown.add_row(_("welcome text"), out.welcome_text)
    for field, audience in out.default_privacy.items():
        named = _(FIELD_LABELS[field]) if field in FIELD_LABELS else field
        shown.add_row(_("new members' privacy: %(field)s") % {"field": named}, vocab(audience))
    shown.add_row(_("logo"), out.logo_url or _("none"))
    cli.console.print(shown)


@networks_app.command(
    "list", help=lazy("Every network on this server, with its visibility and join policy.")
)
def networks_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    from ..services.network_settings import directory_of_networks

    cli = _cli()
    items = cli.run_service(lambda db: directory_of_networks(db, cli.OPERATOR))
    if as_json:
        cli.emit_json([i.model_dump(mode="json") for i in items])
        return
    shown = table(
        None,
        (_("slug"), _("name"), _("visibility"), _("join policy"), _("members"), _("profiles")),
    )
    for i in items:
        shown.add_row(
            i.slug,
            i.name,
            vocab(i.visibility),
            vocab(i.join_policy),
            fmt.number(i.counts.members),
            fmt.number(i.counts.actors),
        )
    cli.console.print(shown)


@networks_app.command(
    "create",
    help=lazy("Open a new network (on a fresh install too); optionally name its first steward."),
)
def networks_create(
    slug: str,
    name: str,
    purpose: str = "",
    visibility: str = "public",
    join_policy: Annotated[str, typer.Option("--join-policy")] = "approval",
    steward: Annotated[
        str | None,
        typer.Option(help=lazy("E-mail of an existing account to make its first steward.")),
    ] = None,
) -> None:
    from ..schemas.directory import NetworkIn
    from ..schemas.networks import NetworkSettingsPatch
    from ..services import memberships, network_settings, networks
    from .auth import _find_account

    cli = _cli()
    data = cli.parse_input(NetworkIn, {"slug": slug, "name": name})
    patch = cli.parse_input(
        NetworkSettingsPatch,
        {"purpose": purpose, "visibility": visibility, "join_policy": join_policy},
    )

    def create(db: Session) -> Any:
        network = networks.create_network(db, cli.OPERATOR, data)
        if steward:
            memberships.add_membership(db, _find_account(db, steward).id, network.id, "steward")
        return network_settings.update_settings(db, cli.OPERATOR, network, patch)

    _print_settings(cli.run_service(create), as_json=False)


@networks_app.command(
    "settings", help=lazy("Show a network's settings, changing those given first.")
)
def networks_settings(
    network: Annotated[str, typer.Option("--network", "-n")] = "demo",
    name: str | None = None,
    purpose: str | None = None,
    description: str | None = None,
    visibility: Annotated[
        str | None, typer.Option(help=lazy("public, unlisted or private"))
    ] = None,
    join_policy: Annotated[
        str | None, typer.Option("--join-policy", help=lazy("open, approval or invitation"))
    ] = None,
    welcome: Annotated[
        str | None, typer.Option(help=lazy("The welcome text of new members."))
    ] = None,
    privacy: Annotated[
        list[str] | None,
        typer.Option(help=lazy("FIELD=AUDIENCE for new members' profiles, e.g. contact=private.")),
    ] = None,
    logo: Annotated[
        Path | None, typer.Option(help=lazy("An image file to use as the logo."))
    ] = None,
    no_logo: Annotated[bool, typer.Option("--no-logo", help=lazy("Remove the logo."))] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    from ..schemas.networks import NetworkSettingsPatch
    from ..services import network_settings
    from ..services.networks import get_network

    cli = _cli()
    given = {
        "name": name,
        "purpose": purpose,
        "description": description,
        "visibility": visibility,
        "join_policy": join_policy,
        "welcome_text": welcome,
        "default_privacy": _privacy(privacy),
    }
    patch = cli.parse_input(NetworkSettingsPatch, {k: v for k, v in given.items() if v is not None})
    image = None
    if logo is not None:
        try:
            image = logo.read_bytes()
        except OSError as exc:
            raise cli.fail(f"{logo}: {exc.strerror or exc}") from None

    def apply(db: Session) -> Any:
        found = get_network(db, cli.OPERATOR, network)
        out = network_settings.update_settings(db, cli.OPERATOR, found, patch)
        if image is not None:
            out = network_settings.set_logo(db, cli.OPERATOR, found, image)
        if no_logo:
            out = network_settings.remove_logo(db, cli.OPERATOR, found)
        return out

    _print_settings(cli.run_service(apply), as_json)


@networks_app.command(
    "requests",
    help=lazy("List the requests to join waiting for a decision; admit or decline some first."),
)
def networks_requests(
    network: Annotated[str, typer.Option("--network", "-n")] = "demo",
    approve: Annotated[
        list[int] | None, typer.Option(help=lazy("Admit this request (by id)."))
    ] = None,
    decline: Annotated[list[int] | None, typer.Option(help=lazy("Decline this request."))] = None,
) -> None:
    from ..services import joining
    from ..services.networks import get_network

    cli = _cli()
    base_url = cli.load_settings().base_url

    def run(db: Session) -> Any:
        found = get_network(db, cli.OPERATOR, network)
        for request_id in approve or []:
            joining.decide(db, cli.OPERATOR, found, request_id, approve=True, base_url=base_url)
        for request_id in decline or []:
            joining.decide(db, cli.OPERATOR, found, request_id, approve=False, base_url=base_url)
        return joining.list_join_requests(db, cli.OPERATOR, found)

    shown = table(
        _("requests to join waiting for a decision"),
        (_("id"), _("name"), _("e-mail"), _("as"), _("message"), _("since")),
    )
    shown.columns[2].no_wrap = True  # an address is copied from here: never cut or folded
    for r in cli.run_service(run):
        shown.add_row(
            str(r.id),
            r.display_name,
            r.email or "",
            f"{vocab(r.kind)}, {vocab(r.sector)}",
            r.message,
            fmt.datetime(r.created_at),
        )
    cli.console.print(shown)


@networks_app.command(
    "onboarding",
    help=lazy("How far each profile of a network is through the onboarding checklist."),
)
def networks_onboarding(
    network: Annotated[str, typer.Option("--network", "-n")] = "demo",
    below: Annotated[
        int, typer.Option(min=0, max=101, help=lazy("Only profiles less complete than this (%)."))
    ] = 101,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    from ..services.networks import get_network
    from ..services.onboarding import network_completeness

    cli = _cli()
    rows = cli.run_service(
        lambda db: network_completeness(db, get_network(db, cli.OPERATOR, network))
    )
    rows = [r for r in rows if r["completeness"] < below]
    if as_json:
        cli.emit_json(rows)
        return
    n = len(rows)
    shown = table(
        counted(ngettext("%(n)s profile", "%(n)s profiles", n), n),
        (_("id"), _("name"), _("complete")),
    )
    for r in rows:
        shown.add_row(str(r["actor_id"]), r["name"], fmt.percent(r["completeness"] / 100))
    cli.console.print(shown)


vocabulary_app = typer.Typer(
    help=lazy("A network's capability vocabulary: list, rename, describe, merge, retire."),
    no_args_is_help=True,
)


def _term_id(db: Session, network: Any, term: str) -> int:
    from ..errors import NotFound
    from ..store.tables import Capability

    found = db.scalar(
        select(Capability.id).where(Capability.network_id == network.id, Capability.term == term)
    )
    if found is None:
        raise NotFound(
            _("no capability '%(term)s' in network '%(slug)s'")
            % {"term": term, "slug": network.slug}
        )
    return int(found)


@vocabulary_app.command(
    "list", help=lazy("Every term with how many profiles and role requirements use it.")
)
def vocabulary_list(
    network: Annotated[str, typer.Option("--network", "-n")] = "demo",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    from ..services import vocabulary
    from ..services.networks import get_network

    cli = _cli()
    terms = cli.run_service(
        lambda db: vocabulary.vocabulary(db, cli.OPERATOR, get_network(db, cli.OPERATOR, network))
    )
    if as_json:
        cli.emit_json([t.model_dump(mode="json") for t in terms])
        return
    n = len(terms)
    shown = table(
        counted(ngettext("%(n)s term", "%(n)s terms", n), n),
        (_("id"), _("term"), _("category"), _("profiles"), _("roles")),
    )
    for t in terms:
        shown.add_row(
            str(t.id), t.term, t.category, fmt.number(t.actors), fmt.number(t.requirements)
        )
    cli.console.print(shown)


@vocabulary_app.command("edit", help=lazy("Rename or describe a term."))
def vocabulary_edit(
    term: str,
    network: Annotated[str, typer.Option("--network", "-n")] = "demo",
    rename: Annotated[str | None, typer.Option(help=lazy("The new name of the term."))] = None,
    description: str | None = None,
    esco_uri: Annotated[str | None, typer.Option("--esco-uri")] = None,
) -> None:
    from ..schemas.networks import CapabilityPatch
    from ..services import vocabulary
    from ..services.networks import get_network

    cli = _cli()
    given = {"term": rename, "description": description, "esco_uri": esco_uri}
    patch = cli.parse_input(CapabilityPatch, {k: v for k, v in given.items() if v is not None})

    def run(db: Session) -> str:
        found = get_network(db, cli.OPERATOR, network)
        row = vocabulary.update_term(db, cli.OPERATOR, found, _term_id(db, found, term), patch)
        return str(row.term)

    cli.console.print(_("saved '%(name)s'") % {"name": cli.run_service(run)})


@vocabulary_app.command(
    "merge",
    help=lazy("Fold TERM into INTO: every profile and role re-pointed, the best level kept."),
)
def vocabulary_merge(
    term: str,
    into: str,
    network: Annotated[str, typer.Option("--network", "-n")] = "demo",
) -> None:
    from ..services import vocabulary
    from ..services.networks import get_network

    cli = _cli()

    def run(db: Session) -> Any:
        found = get_network(db, cli.OPERATOR, network)
        source, target = _term_id(db, found, term), _term_id(db, found, into)
        return vocabulary.merge_terms(db, cli.OPERATOR, found, source, target)

    out = cli.run_service(run)
    moved = counted(
        ngettext("%(n)s profile moved", "%(n)s profiles moved", out.actors_moved),
        out.actors_moved,
    )
    raised = counted(
        ngettext(
            "%(n)s profile raised to a higher level",
            "%(n)s profiles raised to a higher level",
            out.actors_raised,
        ),
        out.actors_raised,
    )
    repointed = counted(
        ngettext(
            "%(n)s role requirement re-pointed",
            "%(n)s role requirements re-pointed",
            out.requirements_moved,
        ),
        out.requirements_moved,
    )
    cli.console.print(
        _(
            "merged '%(merged)s' into '%(into)s': %(moved)s, %(raised)s, %(repointed)s "
            "(undo: %(undo)s)"
        )
        % {
            "merged": out.merged,
            "into": out.into,
            "moved": moved,
            "raised": raised,
            "repointed": repointed,
            "undo": f"coalition vocabulary undo {out.merge_id} -n {network}",
        }
    )


@vocabulary_app.command(
    "retire", help=lazy("Remove a term nobody uses (merge a term in use instead).")
)
def vocabulary_retire(
    term: str, network: Annotated[str, typer.Option("--network", "-n")] = "demo"
) -> None:
    from ..services import vocabulary
    from ..services.networks import get_network

    cli = _cli()

    def run(db: Session) -> None:
        found = get_network(db, cli.OPERATOR, network)
        vocabulary.retire_term(db, cli.OPERATOR, found, _term_id(db, found, term))

    cli.run_service(run)
    cli.console.print(_("retired '%(term)s'") % {"term": term})


@vocabulary_app.command(
    "merges",
    help=lazy("The history of merges, the latest first (undo one with `vocabulary undo ID`)."),
)
def vocabulary_merges(network: Annotated[str, typer.Option("--network", "-n")] = "demo") -> None:
    from ..services import vocabulary_history
    from ..services.networks import get_network

    cli = _cli()
    rows = cli.run_service(
        lambda db: vocabulary_history.merge_history(
            db, cli.OPERATOR, get_network(db, cli.OPERATOR, network)
        )
    )
    n = len(rows)
    shown = table(
        counted(ngettext("%(n)s merge", "%(n)s merges", n), n),
        (_("id"), _("merged term"), _("into"), _("profiles"), _("roles"), _("when"), _("state")),
    )
    for r in rows:
        state = _("undone") if r.undone_at else (_("undoable") if r.undoable else _("kept"))
        shown.add_row(
            str(r.id),
            r.merged,
            r.into,
            fmt.number(r.actors),
            fmt.number(r.requirements),
            fmt.datetime(r.merged_at),
            state,
        )
    cli.console.print(shown)


@vocabulary_app.command(
    "undo", help=lazy("Undo a merge: the merged term comes back with every use it had.")
)
def vocabulary_undo(
    merge_id: Annotated[int, typer.Argument(min=1, max=2**31 - 1)],
    network: Annotated[str, typer.Option("--network", "-n")] = "demo",
) -> None:
    from ..services import vocabulary_history
    from ..services.networks import get_network

    cli = _cli()
    out = cli.run_service(
        lambda db: vocabulary_history.undo_merge(
            db, cli.OPERATOR, get_network(db, cli.OPERATOR, network), merge_id
        )
    )
    cli.console.print(
        _("undid the merge of '%(merged)s' into '%(into)s'")
        % {"merged": out.merged, "into": out.into}
    )


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    app.add_typer(vocabulary_app, name="vocabulary")
    app.add_typer(networks_app, name="networks")
