"""Organisations (cities, companies, institutions), their tags, and awards."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import db, str_enum, utcnow
from . import search_index

if TYPE_CHECKING:
    from ..accounts.models import User


class OrgKind(enum.StrEnum):
    CITY = "city"
    COMPANY = "company"
    INSTITUTION = "institution"


class OrgStatus(enum.StrEnum):
    PENDING = "pending"  # applied to join, not yet vetted
    ACTIVE = "active"
    DECLINED = "declined"


class Region(enum.StrEnum):
    AFRICA = "africa"
    ASIA = "asia"
    EUROPE = "europe"
    LATIN_AMERICA = "latin_america"
    MIDDLE_EAST = "middle_east"
    NORTH_AMERICA = "north_america"
    OCEANIA = "oceania"


class Sector(enum.StrEnum):
    MOBILITY = "mobility"
    SAFETY = "safety"
    WELFARE = "welfare"
    ENVIRONMENT = "environment"
    ENERGY = "energy"
    CULTURE = "culture"
    GOVERNANCE = "governance"


class CompanySize(enum.StrEnum):
    STARTUP = "startup"
    SME = "sme"
    LARGE = "large"


class AwardCategory(enum.StrEnum):
    TECH_INNOVACITY = "tech_innovacity"
    HUMAN_CENTRICITY = "human_centricity"
    LEADERSHIP = "leadership"
    SPECIAL_MENTION = "special_mention"


class Organization(db.Model):
    __tablename__ = "organizations"
    __table_args__ = (
        CheckConstraint(
            "development_stage IS NULL OR (development_stage BETWEEN 1 AND 5)", name="stage_range"
        ),
        CheckConstraint("population IS NULL OR population >= 0", name="population_nonnegative"),
        Index("ix_organizations_kind_status", "kind", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OrgKind] = mapped_column(str_enum(OrgKind, "org_kind"))
    name: Mapped[str] = mapped_column(String(160))
    # Folded name (case and accents): the directory's sort order.
    name_key: Mapped[str] = mapped_column(String(160), index=True)
    # Digest of the name's look-alike skeleton (text.skeleton_hash), for every organisation:
    # officials see pending applications that collide with another organisation.
    name_skeleton: Mapped[str] = mapped_column(String(64), index=True, default="")
    # The same digest while the organisation holds its name (active), else NULL: unique, so
    # two active "Odense"s (or look-alikes) cannot exist; pending and declined applications
    # reserve nothing (NULLs do not collide on SQLite or PostgreSQL).
    name_claim: Mapped[str | None] = mapped_column(String(64), unique=True)
    country: Mapped[str] = mapped_column(String(2), index=True)  # ISO 3166-1 alpha-2
    region: Mapped[Region] = mapped_column(str_enum(Region, "region"), index=True)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    website: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    challenges: Mapped[list[str]] = mapped_column(JSON, default=list)  # cities
    development_stage: Mapped[int | None] = mapped_column(Integer)  # cities, 1-5
    population: Mapped[int | None] = mapped_column(Integer)  # cities
    size: Mapped[CompanySize | None] = mapped_column(str_enum(CompanySize, "company_size"))
    status: Mapped[OrgStatus] = mapped_column(
        str_enum(OrgStatus, "org_status"), default=OrgStatus.ACTIVE
    )
    is_demo: Mapped[bool] = mapped_column(default=False)
    # Where the facts on a real organisation come from when it was loaded from a public
    # record (e.g. the 2023 prize announcement); empty for profiles written by members.
    public_source: Mapped[str] = mapped_column(String(200), default="")
    # Normalised text of everything searchable, maintained by members.services.
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    sectors: Mapped[list[OrganizationSector]] = relationship(
        cascade="all, delete-orphan", order_by="OrganizationSector.sector"
    )
    technologies: Mapped[list[OrganizationTechnology]] = relationship(
        cascade="all, delete-orphan", order_by="OrganizationTechnology.technology"
    )
    # The database deletes an organisation's awards (ON DELETE CASCADE); the ORM must not
    # try to null them first, which the has_recipient check would refuse.
    awards: Mapped[list[Award]] = relationship(
        back_populates="organization", order_by="Award.year.desc()", passive_deletes=True
    )
    people: Mapped[list[User]] = relationship(back_populates="organization")

    @property
    def sector_values(self) -> list[str]:
        return [s.sector.value for s in self.sectors]

    @property
    def technology_values(self) -> list[str]:
        return [t.technology for t in self.technologies]


# The text-search index (FTS5 on SQLite, pg_trgm on PostgreSQL) is created with the table.
search_index.install(Organization.__table__)


class OrganizationSector(db.Model):
    __tablename__ = "organization_sectors"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    sector: Mapped[Sector] = mapped_column(str_enum(Sector, "sector"), primary_key=True, index=True)


class OrganizationTechnology(db.Model):
    __tablename__ = "organization_technologies"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    technology: Mapped[str] = mapped_column(String(60), primary_key=True, index=True)


class Award(db.Model):
    """A prize won by an organisation's project or by a person (Leadership)."""

    __tablename__ = "awards"
    __table_args__ = (
        CheckConstraint("year BETWEEN 2023 AND 2100", name="year_range"),
        CheckConstraint("organization_id IS NOT NULL OR laureate_name != ''", name="has_recipient"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    # None: the category is not stated in the source (e.g. the 2023 announcement for Odense).
    category: Mapped[AwardCategory | None] = mapped_column(
        str_enum(AwardCategory, "award_category"), index=True
    )
    project_title: Mapped[str] = mapped_column(String(200), default="")
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    # For Leadership prizes: the laureate's name as awarded (they may have no account).
    laureate_name: Mapped[str] = mapped_column(String(160), default="")
    laureate_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    partner: Mapped[str] = mapped_column(String(120), default="")  # Special Mentions: GGGI, IMD
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organization: Mapped[Organization | None] = relationship(back_populates="awards")
