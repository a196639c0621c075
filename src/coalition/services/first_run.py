"""The first run of a fresh install (no demo): while the database holds no account, one form
creates the first steward's account, their profile and the first network; then never again.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import Conflict, NotFound
from ..i18n import _
from ..schemas.directory import NetworkIn
from ..schemas.first_run import FirstRunIn
from ..schemas.networks import NetworkSettingsPatch
from ..store.tables import Network
from ..store.tables_auth import Account
from .access import Caller


def is_fresh(db: Session) -> bool:
    """Whether the server has no account yet (the first-run page is offered then only)."""
    return not db.scalar(select(func.count()).select_from(Account))


def first_run(db: Session, data: FirstRunIn) -> tuple[Account, Network]:
    """Create the first account (steward of the new network, with a profile in it)."""
    from . import identity, memberships, network_settings, networks

    if not is_fresh(db):
        raise NotFound(_("this server is set up already: sign in instead"))
    account = Account(
        email=identity.normalise_email(data.email),
        display_name=data.display_name,
        password_hash=identity.hash_password(data.password),
    )
    db.add(account)
    db.flush()
    if db.scalar(select(func.count()).select_from(Account)) != 1:
        # Two first runs at once: only one may set the server up.
        raise Conflict(_("the server was set up meanwhile: sign in instead"))
    steward = Caller(account_id=account.id)
    network = networks.create_network(db, steward, NetworkIn(slug=data.slug, name=data.name))
    profile = memberships.new_profile(db, network, data.display_name, "person", "independent")
    memberships.add_membership(db, account.id, network.id, "steward", actor_id=profile.id)
    patch = NetworkSettingsPatch.model_validate(
        {
            "purpose": data.purpose,
            "visibility": data.visibility.value,
            "join_policy": data.join_policy.value,
        }
    )
    network_settings.update_settings(db, Caller.operator(), network, patch)
    return account, network
