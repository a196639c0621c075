"""The demo: a generated network (:mod:`.network`, words from :mod:`.vocab`) and each area's
demo data on top of it (accounts, a conversation, invitations, outcomes), all deterministic.

``coalition demo`` builds the bundle, imports it, then runs :func:`enrich_demo`.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..demo_together import build_together
from . import accounts, deliberation, fields, invitations, networks, offers, outcomes
from .network import DEMO_TODAY, build_demo_bundle

__all__ = ["DEMO_TODAY", "build_demo_bundle", "enrich_demo"]


def enrich_demo(db: Session, slug: str) -> None:
    """Each area's demo data for network ``slug``, always in this order (a later step may read
    what an earlier one made, e.g. outcomes read the engagements that invitations open)."""
    accounts.enrich_demo(db, slug)
    deliberation.enrich_demo(db, slug)
    invitations.enrich_demo(db, slug)
    outcomes.enrich_demo(db, slug)
    networks.enrich_demo(db, slug)
    fields.enrich_demo(db, slug)  # custom profile fields in both networks
    build_together(db, slug)  # threads and decisions on the initiatives made above
    offers.enrich_demo(db, slug)  # open calls with offers on forming initiatives
