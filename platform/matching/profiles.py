"""Typed inputs of the matcher: pilot requests, companies, cities, and interaction signals.

Profiles are frozen and validated on creation, so the scorer never meets a stage of 7 or an
outcome of NaN. Lists are accepted and stored as tuples; a bare string where a list belongs is an
error (it would otherwise be read as a list of letters).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

STAGES = (1, 2, 3, 4, 5)  # smart-city development (maturity) stages
REQUEST_KINDS = (
    "feasibility_study",
    "pilot_implementation",
    "triangular_cooperation",
    "collaborative_demonstration",
)


class ProfileError(ValueError):
    """A profile field has an impossible value; the message names the field."""


def _freeze_tuples(obj: object) -> None:
    for f in fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, f.name)
        if "tuple" in str(f.type) and not isinstance(value, tuple):
            if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
                raise ProfileError(f"{type(obj).__name__}.{f.name} must be a list, got {value!r}")
            object.__setattr__(obj, f.name, tuple(value))


def _check_stage(owner: str, value: object) -> None:
    if isinstance(value, bool) or value not in STAGES:
        raise ProfileError(f"{owner}: development stage must be 1-5, got {value!r}")


@dataclass(frozen=True)
class TrackRecord:
    """A completed partnership: the partner city's stage and sectors, and the outcome in [0, 1]."""

    city_stage: int
    sectors: tuple[str, ...]
    outcome: float

    def __post_init__(self) -> None:
        _freeze_tuples(self)
        _check_stage("TrackRecord", self.city_stage)
        ok = isinstance(self.outcome, int | float) and not isinstance(self.outcome, bool)
        if not ok or not 0.0 <= self.outcome <= 1.0:
            raise ProfileError(f"TrackRecord: outcome must be in [0, 1], got {self.outcome!r}")


@dataclass(frozen=True)
class RequestProfile:
    """A city's pilot request. ``city_id`` is the city's node in the collaboration graph."""

    id: str
    city_id: str
    stage: int
    sectors: tuple[str, ...] = ()
    technologies: tuple[str, ...] = ()
    challenge: str = ""
    policy_needs: str = ""
    kind: str = "feasibility_study"
    languages: tuple[str, ...] = ()
    region: str = ""
    target_groups: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _freeze_tuples(self)
        _check_stage(f"request {self.id}", self.stage)
        if self.kind not in REQUEST_KINDS:
            raise ProfileError(f"request {self.id}: unknown kind {self.kind!r}")

    @property
    def text(self) -> str:
        """What the request needs, in words: matched against companies' descriptions."""
        return " ".join([self.challenge, self.policy_needs, *self.target_groups])


@dataclass(frozen=True)
class Company:
    """A company (or institution) offering capabilities. ``id`` is its graph node."""

    id: str
    name: str = ""
    sectors: tuple[str, ...] = ()
    capabilities: tuple[str, ...] = ()
    description: str = ""  # capability description, matched against request text
    stages_served: tuple[int, ...] = ()
    languages: tuple[str, ...] = ()
    regions_served: tuple[str, ...] = ()
    size: str = "sme"  # startup / sme / large: shown and filterable, not scored
    track_record: tuple[TrackRecord, ...] = ()

    def __post_init__(self) -> None:
        _freeze_tuples(self)
        for s in self.stages_served:
            _check_stage(f"company {self.id}", s)


@dataclass(frozen=True)
class City:
    """A city looking for peers: its challenges, stage, strong sectors, languages, region."""

    id: str
    name: str = ""
    challenges: tuple[str, ...] = ()
    stage: int = 3
    sectors: tuple[str, ...] = ()  # where the city is strong (awards, completed pilots)
    languages: tuple[str, ...] = ()
    region: str = ""

    def __post_init__(self) -> None:
        _freeze_tuples(self)
        _check_stage(f"city {self.id}", self.stage)

    @property
    def text(self) -> str:
        return " . ".join(self.challenges)


@dataclass(frozen=True)
class Signals:
    """Who showed interest in whom, and who said "no thanks".

    Pairs are (request id, company id) for requests and companies, (city id, city id) for peers.
    """

    company_interest: frozenset[tuple[str, str]] = frozenset()  # the company expressed interest
    city_interest: frozenset[tuple[str, str]] = frozenset()  # the city shortlisted the company
    declined: frozenset[tuple[str, str]] = frozenset()  # "no thanks" from either side
    peer_declined: frozenset[tuple[str, str]] = frozenset()

    def __post_init__(self) -> None:
        for f in fields(self):
            object.__setattr__(self, f.name, frozenset(getattr(self, f.name)))
