"""Team and coalition pages their convenor has published: readable by anyone, not only members."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from .tables import Base, _now


class Publication(Base):
    """An initiative whose team page (project) or coalition page is public.

    Without a row the page is read by the network's members only; with one, anyone may read
    it, and members whose profile is not public are counted there but not named.
    """

    __tablename__ = "publications"
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    )
    published_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    # The account that published (no foreign key: accounts may be deleted, the fact stays).
    published_by: Mapped[int | None] = mapped_column(Integer, default=None)
