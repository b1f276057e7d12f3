"""Why a score is what it is, and what would raise it.

A :class:`Reason` is built from the top contributing components; every part carries a message id
and parameters so the web layer can render it in Korean as well as English. A :class:`Hint` is a
concrete profile change whose gain is measured by re-scoring the changed profile, never estimated.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .profiles import City, Company, RequestProfile, Signals
from .scoring import (
    Score,
    ScoringContext,
    score_peer,
    score_request_company,
    tags,
)
from .text import normalize_tag

MIN_GAIN = 1e-9  # below this a "gain" is floating-point noise, not advice


@dataclass(frozen=True)
class ReasonPart:
    """One translatable piece of an explanation (of a score or of a peer pairing):
    ``message_id`` and ``params`` for the interface's catalogue, ``text`` in plain English."""

    message_id: str
    params: Mapping[str, Any]
    text: str


@dataclass(frozen=True)
class Reason:
    """``top``: the components explained (largest contribution first); ``text``: one line."""

    top: tuple[str, ...]
    parts: tuple[ReasonPart, ...]
    text: str


@dataclass(frozen=True)
class Hint:
    """A change (``action`` with ``value``) that raises the score by exactly ``gain``."""

    action: str
    value: str | int
    gain: float
    new_score: float
    message_id: str
    text: str


@dataclass(frozen=True)
class Match:
    """A scored, explained candidate."""

    subject: str
    candidate: str
    score: float
    components: Mapping[str, float]
    values: Mapping[str, float]
    reason: Reason
    hints: tuple[Hint, ...]


def _list(items: list[str]) -> str:
    return ", ".join(items)


def _request_part(name: str, request: RequestProfile, company: Company, s: Score) -> ReasonPart:
    if name == "sector_overlap":
        have = tags(company.sectors)
        shared = [x for x in request.sectors if normalize_tag(x) in have]
        return ReasonPart("reason.sector_overlap", {"sectors": shared}, f"works in {_list(shared)}")
    if name == "need_capability_fit":
        offered = tags(company.capabilities)
        wanted = list(dict.fromkeys(request.technologies))
        got = [t for t in wanted if normalize_tag(t) in offered]
        if got:
            return ReasonPart(
                "reason.capabilities",
                {"matched": got, "sought": len(tags(request.technologies))},
                f"offers {len(got)} of {len(tags(request.technologies))} technologies sought "
                f"({_list(got)})",
            )
        return ReasonPart("reason.text_fit", {}, "its capabilities match the challenge described")
    if name == "stage_fit":
        exact = request.stage in company.stages_served
        msg = "serves stage {s} cities" if exact else "serves cities near stage {s}"
        return ReasonPart(
            "reason.stage_exact" if exact else "reason.stage_near",
            {"stage": request.stage},
            msg.format(s=request.stage),
        )
    if name == "track_record":
        n = len(company.track_record)
        avg = sum(t.outcome for t in company.track_record) / n if n else 0.0
        return ReasonPart(
            "reason.track_record",
            {"partnerships": n, "average_outcome": avg},
            f"track record of {n} completed partnership{'s' if n != 1 else ''} "
            f"(average outcome {avg:.0%})",
        )
    if name == "shared_language":
        have = tags(company.languages)
        shared = [x for x in request.languages if normalize_tag(x) in have]
        return ReasonPart(
            "reason.shared_language", {"languages": shared}, f"speaks {_list(shared)}"
        )
    if name == "region":
        return ReasonPart("reason.region", {"region": request.region}, f"serves {request.region}")
    if name == "mutual_interest":
        both = s.values[name] >= 1.0
        return ReasonPart(
            "reason.mutual_interest" if both else "reason.one_sided_interest",
            {},
            "both sides showed interest" if both else "interest already shown",
        )
    hops = round(1 / s.values[name])
    if hops == 1:
        return ReasonPart("reason.connected", {}, "already connected in the network")
    return ReasonPart("reason.network", {"hops": hops}, f"{hops} steps apart in the network")


def _peer_part(name: str, city: City, other: City, s: Score) -> ReasonPart:
    if name == "challenge_similarity":
        mine = tags(city.challenges)
        shared = [c for c in other.challenges if normalize_tag(c) in mine]
        if shared:
            return ReasonPart(
                "reason.shared_challenges", {"challenges": shared}, f"also faces {_list(shared)}"
            )
        return ReasonPart("reason.similar_challenges", {}, "faces similar challenges")
    if name == "complementary_strengths":
        mine = tags(city.sectors)
        extra = [x for x in other.sectors if normalize_tag(x) not in mine]
        return ReasonPart(
            "reason.complementary", {"sectors": extra}, f"is strong in {_list(extra)}"
        )
    if name == "shared_language":
        have = tags(other.languages)
        shared = [x for x in city.languages if normalize_tag(x) in have]
        return ReasonPart(
            "reason.shared_language", {"languages": shared}, f"speaks {_list(shared)}"
        )
    return ReasonPart(
        "reason.stage_proximity", {"stage": other.stage}, f"is at development stage {other.stage}"
    )


def _reason(s: Score, part: Callable[..., ReasonPart], *profiles: object) -> Reason:
    order = list(s.components)
    ranked = sorted(
        (n for n in order if s.components[n] > MIN_GAIN),
        key=lambda n: (-s.components[n], order.index(n)),
    )[:2]
    if not ranked:
        none = ReasonPart("reason.none", {}, "no overlap in sectors, needs, stage or language yet")
        return Reason((), (none,), none.text[0].upper() + none.text[1:])
    parts = tuple(part(n, *profiles, s) for n in ranked)
    text = "; ".join(p.text for p in parts)
    return Reason(tuple(ranked), parts, text[0].upper() + text[1:])


def _request_candidates(request: RequestProfile, company: Company) -> list[tuple[str, str | int]]:
    out: list[tuple[str, str | int]] = []
    have = tags(company.capabilities)
    for t in dict.fromkeys(request.technologies):
        if normalize_tag(t) and normalize_tag(t) not in have:
            out.append(("add_capability", t))
    have = tags(company.sectors)
    out += [
        ("add_sector", s) for s in dict.fromkeys(request.sectors) if normalize_tag(s) not in have
    ]
    if request.stage not in company.stages_served:
        out.append(("serve_stage", request.stage))
    if request.languages and not tags(request.languages) & tags(company.languages):
        out.append(("add_language", request.languages[0]))
    if request.region and normalize_tag(request.region) not in tags(company.regions_served):
        out.append(("serve_region", request.region))
    out.append(("express_interest", request.id))
    return out


HINT_TEXT = {
    "add_capability": "add capability '{v}'",
    "add_sector": "add sector '{v}'",
    "serve_stage": "serve stage {v} cities",
    "add_language": "add language '{v}'",
    "serve_region": "serve region '{v}'",
    "express_interest": "express interest in request {v}",
}


def apply_hint(
    hint: Hint, company: Company, ctx: ScoringContext, request: RequestProfile
) -> tuple[Company, ScoringContext]:
    """The company profile and context after following ``hint`` (for checks and previews)."""
    a, v = hint.action, hint.value
    if a == "express_interest":
        sig = ctx.signals
        signals = Signals(
            sig.company_interest | {(request.id, company.id)},
            sig.city_interest,
            sig.declined,
            sig.peer_declined,
        )
        return company, dataclasses.replace(ctx, signals=signals, _hops=ctx._hops)
    field_name = {
        "add_capability": "capabilities",
        "add_sector": "sectors",
        "serve_stage": "stages_served",
        "add_language": "languages",
        "serve_region": "regions_served",
    }[a]
    changed = dataclasses.replace(company, **{field_name: (*getattr(company, field_name), v)})
    return changed, ctx


def _rank(hints: list[Hint], limit: int) -> tuple[Hint, ...]:
    hints = [h for h in hints if h.gain > MIN_GAIN]
    hints.sort(key=lambda h: (-h.gain, h.action, str(h.value)))
    return tuple(hints[:limit])


def explain_request_company(
    request: RequestProfile, company: Company, ctx: ScoringContext, hint_limit: int = 5
) -> Match:
    """Score, reason and hints for ``company`` as a partner for ``request``."""
    s = score_request_company(request, company, ctx)
    hints = []
    for action, value in _request_candidates(request, company):
        probe = Hint(action, value, 0.0, 0.0, "", "")
        changed, changed_ctx = apply_hint(probe, company, ctx, request)
        new = score_request_company(request, changed, changed_ctx).score
        text = HINT_TEXT[action].format(v=value) + f" (+{new - s.score:.3f})"
        hints.append(Hint(action, value, new - s.score, new, f"hint.{action}", text))
    reason = _reason(s, _request_part, request, company)
    return Match(
        s.subject, s.candidate, s.score, s.components, s.values, reason, _rank(hints, hint_limit)
    )


def explain_peer(city: City, other: City, ctx: ScoringContext, hint_limit: int = 5) -> Match:
    """Score, reason and hints for ``other`` as a peer of ``city``; hints change ``city``."""
    s = score_peer(city, other, ctx)
    hints = []
    if other.languages and not tags(city.languages) & tags(other.languages):
        value = other.languages[0]
        changed = dataclasses.replace(city, languages=(*city.languages, value))
        new = score_peer(changed, other, ctx).score
        text = HINT_TEXT["add_language"].format(v=value) + f" (+{new - s.score:.3f})"
        hints.append(Hint("add_language", value, new - s.score, new, "hint.add_language", text))
    reason = _reason(s, _peer_part, city, other)
    return Match(
        s.subject, s.candidate, s.score, s.components, s.values, reason, _rank(hints, hint_limit)
    )
