"""The knowledge commons: assets members share openly under an SPDX licence, with attribution.

Each reuse of an asset in an initiative is recorded once and credited to the asset's authors,
so an actor's credits are the reuses of the assets they made.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session, undefer

from .. import clock
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..i18n import _
from ..schemas.outcomes import (
    AssetCreditOut,
    AssetIn,
    AssetOut,
    AuthorOut,
    CreditsOut,
    ReuseIn,
    ReuseOut,
)
from ..store.tables import Actor, Network
from ..store.tables_outcomes import AssetAuthor, AssetReuse, KnowledgeAsset
from .access import Caller, load_readable, require_role
from .directory import ensure_same_network, get_actor_row
from .initiatives import initiative_titles, load_initiative, require_convenor
from .outcomes import initiative_member_ids, visible_names


def _load_asset(
    db: Session, caller: Caller, asset_id: int, *, content: bool = False
) -> KnowledgeAsset:
    options = [undefer(KnowledgeAsset.content)] if content else []
    return load_readable(db, caller, KnowledgeAsset, asset_id, options=options)


def _authors(db: Session, caller: Caller, asset_ids: list[int]) -> dict[int, list[AuthorOut]]:
    rows = db.execute(
        select(AssetAuthor.asset_id, AssetAuthor.actor_id)
        .where(AssetAuthor.asset_id.in_(asset_ids))
        .order_by(AssetAuthor.asset_id, AssetAuthor.position)
    ).all()
    names = visible_names(db, caller, [actor_id for _, actor_id in rows])
    out: dict[int, list[AuthorOut]] = defaultdict(list)
    for asset_id, actor_id in rows:
        out[asset_id].append(AuthorOut(actor_id=actor_id, name=names.get(actor_id)))
    return out


def _reuse_views(db: Session, caller: Caller, rows: list[AssetReuse]) -> list[ReuseOut]:
    asset_ids = list({r.asset_id for r in rows})
    titles = dict(
        db.execute(
            select(KnowledgeAsset.id, KnowledgeAsset.title).where(KnowledgeAsset.id.in_(asset_ids))
        ).all()
    )
    initiatives = initiative_titles(db, {r.initiative_id for r in rows})
    authors = _authors(db, caller, asset_ids)
    return [
        ReuseOut(
            id=r.id,
            asset_id=r.asset_id,
            asset_title=titles.get(r.asset_id, ""),
            initiative_id=r.initiative_id,
            initiative_title=initiatives.get(r.initiative_id, ""),
            reused_on=r.reused_on,
            note=r.note,
            recorded_by_id=r.recorded_by_id,
            authors=authors.get(r.asset_id, []),
        )
        for r in rows
    ]


def _asset_views(db: Session, caller: Caller, assets: list[KnowledgeAsset]) -> list[AssetOut]:
    ids = [a.id for a in assets]
    slugs = dict(
        db.execute(
            select(Network.id, Network.slug).where(Network.id.in_({a.network_id for a in assets}))
        ).all()
    )
    authors = _authors(db, caller, ids)
    reuse_rows = db.scalars(
        select(AssetReuse)
        .where(AssetReuse.asset_id.in_(ids))
        .order_by(AssetReuse.reused_on, AssetReuse.id)
    ).all()
    reuses: dict[int, list[ReuseOut]] = defaultdict(list)
    for view in _reuse_views(db, caller, list(reuse_rows)):
        reuses[view.asset_id].append(view)
    return [
        AssetOut(
            id=a.id,
            network=slugs.get(a.network_id, ""),
            title=a.title,
            description=a.description,
            link=a.link,
            file_name=a.file_name,
            media_type=a.media_type,
            size_bytes=a.size_bytes,
            download_url=f"/api/assets/{a.id}/file" if a.file_name else None,
            licence=a.licence,
            authors=authors.get(a.id, []),
            shared_by_id=a.shared_by_id,
            shared_on=a.shared_on,
            reuses=reuses.get(a.id, []),
        )
        for a in assets
    ]


def share_asset(db: Session, caller: Caller, network: Network, data: AssetIn) -> AssetOut:
    """Add an asset to the commons of ``network`` (a member, sharing as an actor they own)."""
    require_role(caller, network, "member")
    ensure_same_network(db, network, list(data.authors), field="authors")
    shared_by = data.shared_by_id
    if shared_by is None:
        own = [a for a in data.authors if caller.owns(a) and not caller.system]
        shared_by = own[0] if own else None
    if shared_by is not None:
        ensure_same_network(db, network, [shared_by], field="shared_by_id")
        if not caller.owns(shared_by):
            raise Forbidden(_("you may share only as an actor of your own"))
    elif not caller.system:
        raise Invalid(_("say which of your actors shares this asset"), field="shared_by_id")
    content = data.file.content() if data.file else None
    asset = KnowledgeAsset(
        network_id=network.id,
        title=data.title,
        description=data.description,
        link=data.link,
        file_name=data.file.name if data.file else None,
        media_type=data.file.media_type if data.file else None,
        size_bytes=len(content) if content is not None else 0,
        content=content,
        licence=data.licence,
        shared_by_id=shared_by,
        shared_on=data.shared_on or clock.today(),
    )
    db.add(asset)
    db.flush()
    for position, actor_id in enumerate(data.authors):
        db.add(AssetAuthor(asset_id=asset.id, actor_id=actor_id, position=position))
    db.flush()
    return _asset_views(db, caller, [asset])[0]


def list_assets(
    db: Session, caller: Caller, network: Network, *, author_id: int | None = None
) -> list[AssetOut]:
    require_role(caller, network, "member")
    stmt = select(KnowledgeAsset).where(KnowledgeAsset.network_id == network.id)
    if author_id is not None:
        stmt = stmt.where(
            KnowledgeAsset.id.in_(
                select(AssetAuthor.asset_id).where(AssetAuthor.actor_id == author_id)
            )
        )
    rows = db.scalars(stmt.order_by(KnowledgeAsset.shared_on.desc(), KnowledgeAsset.id)).all()
    return _asset_views(db, caller, list(rows))


def get_asset(db: Session, caller: Caller, asset_id: int) -> AssetOut:
    return _asset_views(db, caller, [_load_asset(db, caller, asset_id)])[0]


def asset_file(db: Session, caller: Caller, asset_id: int) -> tuple[str, str, bytes]:
    """The uploaded file of an asset: (name, media type, bytes)."""
    asset = _load_asset(db, caller, asset_id, content=True)
    if asset.content is None or asset.file_name is None:
        raise NotFound(
            _("asset %(asset_id)s is a link, not an uploaded file") % {"asset_id": asset_id}
        )
    return asset.file_name, asset.media_type or "application/octet-stream", asset.content


def record_reuse(db: Session, caller: Caller, asset_id: int, data: ReuseIn) -> ReuseOut:
    """Record that an initiative reused an asset; credited to the asset's authors.

    Recorded by someone on the initiative (as ``recorded_by_id``, an actor they own) or by
    its convenor; the asset and the initiative must belong to the same network.
    """
    asset = _load_asset(db, caller, asset_id)
    initiative = load_initiative(db, caller, data.initiative_id)
    if initiative.network_id != asset.network_id:
        raise Invalid(
            _("the asset and the initiative belong to different networks"), field="initiative_id"
        )
    recorder = data.recorded_by_id
    if recorder is not None:
        if not caller.owns(recorder):
            raise Forbidden(_("you may record a reuse only as an actor of your own"))
        if recorder not in initiative_member_ids(db, initiative):
            raise Invalid(
                _("actor %(recorder)s is not on initiative %(id)s")
                % {"recorder": recorder, "id": initiative.id},
                field="recorded_by_id",
            )
    else:
        require_convenor(db, caller, initiative)
    taken = db.scalar(
        select(func.count()).where(
            AssetReuse.asset_id == asset.id, AssetReuse.initiative_id == initiative.id
        )
    )
    if taken:
        raise Conflict(
            _("the reuse of asset %(id)s in this initiative is recorded already") % {"id": asset.id}
        )
    row = AssetReuse(
        network_id=asset.network_id,
        asset_id=asset.id,
        initiative_id=initiative.id,
        recorded_by_id=recorder,
        reused_on=data.reused_on or clock.today(),
        note=data.note,
    )
    db.add(row)
    db.flush()
    return _reuse_views(db, caller, [row])[0]


def initiative_reuses(db: Session, caller: Caller, initiative_id: int) -> list[ReuseOut]:
    initiative = load_initiative(db, caller, initiative_id)
    rows = db.scalars(
        select(AssetReuse)
        .where(AssetReuse.initiative_id == initiative.id)
        .order_by(AssetReuse.reused_on, AssetReuse.id)
    ).all()
    return _reuse_views(db, caller, list(rows))


def credits(db: Session, caller: Caller, actor_id: int) -> CreditsOut:
    """The reuses of the assets ``actor_id`` authored: their credit in the commons."""
    actor: Actor = get_actor_row(db, caller, actor_id)
    network = db.get_one(Network, actor.network_id)
    require_role(caller, network, "member")
    asset_rows = db.execute(
        select(KnowledgeAsset.id, KnowledgeAsset.title, KnowledgeAsset.licence)
        .join(AssetAuthor, AssetAuthor.asset_id == KnowledgeAsset.id)
        .where(AssetAuthor.actor_id == actor.id)
        .order_by(KnowledgeAsset.id)
    ).all()
    reuse_rows = db.scalars(
        select(AssetReuse)
        .where(AssetReuse.asset_id.in_([r[0] for r in asset_rows]))
        .order_by(AssetReuse.reused_on, AssetReuse.id)
    ).all()
    counts: dict[int, int] = defaultdict(int)
    for r in reuse_rows:
        counts[r.asset_id] += 1
    return CreditsOut(
        actor_id=actor.id,
        name=actor.name,
        total_reuses=len(reuse_rows),
        assets=[
            AssetCreditOut(asset_id=i, title=t, licence=lic, reuse_count=counts[i])
            for i, t, lic in asset_rows
        ],
        reuses=_reuse_views(db, caller, list(reuse_rows)),
    )


__all__ = [
    "asset_file",
    "credits",
    "get_asset",
    "initiative_reuses",
    "list_assets",
    "record_reuse",
    "share_asset",
]
