"""A network's logo: an uploaded image kept in the database, checked before it is stored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from .tables import Base, _now


class NetworkLogo(Base):
    """One image per network (PNG, JPEG, GIF or WebP), served at /n/{slug}/logo."""

    __tablename__ = "network_logos"
    network_id: Mapped[int] = mapped_column(
        ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True
    )
    media_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(default=_now)


class OnboardingMark(Base):
    """A checklist step a member marked done themselves (the others are read off the profile)."""

    __tablename__ = "onboarding_marks"
    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True
    )
    step: Mapped[str] = mapped_column(String(30), primary_key=True)
    done_at: Mapped[datetime] = mapped_column(default=_now)
