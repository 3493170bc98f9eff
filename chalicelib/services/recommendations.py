"""What a worker sees first: services and stations they may use, ranked by predicted demand, each with
a short "why". A member who opted out of profiling gets the same lists ranked without personal data
(services by how often workers use them overall, stations by their forecast demand).

Services are the live scenarios the worker may use (the catalogue filtered by each scenario's
audience, as the scenario list does). Stations are those of the worker's city plus the ones they booked
recently, active and open to them. Reads: GetItem member/activity/privacy at once, one Query for the
scenario catalogue, one Query for past bookings, one city-index Query, one BatchGet of stations, and
one slots Query per candidate station (at most MAX_STATIONS, issued at once).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.access import Caller
from chalicelib.domain.audience import admits
from chalicelib.domain.scoring_models import SERVICE_DEMAND
from chalicelib.domain.stations import Station
from chalicelib.scoring import model
from chalicelib.scoring.predict import per_output
from chalicelib.scoring.reasons import CATEGORY_NAMES, MEMBER_FAMILIES
from chalicelib.scoring.views import RecommendationsOut, RecommendedService, RecommendedStation
from chalicelib.services.member_scores import member_inputs, member_row
from chalicelib.services.station_forecast import expected, upcoming_slots
from chalicelib.store import scenarios as scenario_store
from chalicelib.store import scoring_inputs
from chalicelib.store import stations as station_store
from chalicelib.store.parallel import concurrently

MAX_STATIONS = 5
VISIT_WINDOW = timedelta(weeks=8)


def _pick(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def _services(caller: Caller, x: Any | None, lang: str) -> list[RecommendedService]:
    m = model.get(SERVICE_DEMAND)
    if x is not None:
        scored = dict(zip(m.card["outputs"], per_output(m, x, MEMBER_FAMILIES, k=1), strict=True))
    else:
        scored = {c: (rate, []) for c, rate in m.card["population_rates"].items()}
    out = []
    offered = [
        s for s in scenario_store.catalogue() if s.admits(is_member=caller.is_member, worker_group=caller.worker_group)
    ]
    for s in offered:
        p, reasons = scored.get(s.category, (0.0, []))
        zh, en = CATEGORY_NAMES.get(s.category, (s.category, s.category))
        if reasons:
            why = reasons[0].en if lang == "en" else reasons[0].zh
        elif x is None:
            why = _pick(lang, f"职工常用的{zh}服务", f"A {en} service workers often use")
        else:
            why = _pick(lang, f"可能适合你的{zh}服务", f"A {en} service that may suit you")
        out.append(
            RecommendedService(
                key=s.key, title=_pick(lang, s.title_zh, s.title_en), category=s.category, score=round(p, 4), why=why
            )
        )
    return sorted(out, key=lambda r: (-r.score, r.key))


def _candidates(caller: Caller, city: str | None, now: datetime, personal: bool) -> tuple[list[Station], Counter[str]]:
    visits: Counter[str] = Counter()
    if personal:
        visits = scoring_inputs.station_visits(caller.member_id, now, since=now - VISIT_WINDOW)
    ids = list(dict.fromkeys([*visits, *(station_store.station_ids_in_city(city) if city else [])]))
    found = station_store.stations_by_id(ids[:25]) if ids else []
    usable = [
        s
        for s in found
        if s.active and admits(s.audience, is_member=caller.is_member, worker_group=caller.worker_group)
    ]
    usable.sort(key=lambda s: (-visits[s.station_id], s.station_id))
    return usable[:MAX_STATIONS], visits


def _stations(caller: Caller, city: str | None, now: datetime, personal: bool, lang: str) -> list[RecommendedStation]:
    stations, visits = _candidates(caller, city, now, personal)
    totals = concurrently(lambda s: float(sum(expected(s, upcoming_slots(s, now, 7), now))), stations)
    out = []
    for s, total in zip(stations, totals, strict=True):
        n = visits[s.station_id]
        why = (
            _pick(lang, f"近 8 周你来过 {n} 次", f"You visited {n} times in the last 8 weeks")
            if n
            else _pick(
                lang,
                f"未来 7 天预计约 {round(total)} 人次预约",
                f"About {round(total)} bookings expected in the next 7 days",
            )
        )
        out.append(
            RecommendedStation(
                station_id=s.station_id,
                name=_pick(lang, s.name_zh, s.name_en),
                city=s.city,
                score=round(n + total / 1000, 4),
                expected_bookings_next_7_days=round(total, 1),
                why=why,
            )
        )
    return sorted(out, key=lambda r: (-r.score, r.station_id))


def recommend(caller: Caller, now: datetime, lang: str) -> RecommendationsOut:
    member, record, allowed = member_inputs(caller.member_id)
    x = member_row(member, record, now) if allowed else None
    return RecommendationsOut(
        personalised=allowed,
        services=_services(caller, x, lang),
        stations=_stations(caller, member.city, now, allowed, lang),
    )
