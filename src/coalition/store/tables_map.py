"""The interdependence map's cache: derived analyses and layouts, per network data version.

Every write that changes actors or ties moves ``networks.data_version``; a cached entry is
only read back for the version it was computed from, and older versions are dropped when a
newer one is stored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .tables import Base, _now


class MapCache(Base):
    """One derived result (an analysis, a layout, a comparison) of a network at a version."""

    __tablename__ = "map_cache"
    __table_args__ = (
        UniqueConstraint("network_id", "data_version", "key", name="map_cache_version_key"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("networks.id", ondelete="CASCADE"), index=True
    )
    data_version: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(400))
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
