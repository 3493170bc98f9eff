"""Which station handles a service request (reassignment: services/cases.py `reassign`).

The rule, in order: the station the worker chose in the form (it must be in service); else the
default of the worker's city - its first station still in service (the earliest opened, usually
its main service point; ties by code); else the union-wide queue,
which only admins see (and route from). The handling station's names are copied onto the request,
so showing a request or a queue reads no station.

Requests filed before routing existed are routed by `route_unrouted` (a batch job: one Scan, then per
request the city default's reads and one TransactWriteItems with a history line and an audit entry).

Round trips: GetItem station (chosen, or the target of a reassignment), or GetItem member + Query
city index + BatchGet stations (city default; the last two only when the member has a city).
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain import case_errors as err
from chalicelib.domain.access import Caller
from chalicelib.domain.cases import HandlingStation, Step
from chalicelib.domain.stations import Station
from chalicelib.store import accounts, stations
from chalicelib.store import cases as store
from chalicelib.store.unit_of_work import unit_of_work


def _handling(station: Station) -> HandlingStation:
    return HandlingStation(station.station_id, station.name_zh, station.name_en)


def in_service(station_id: str) -> HandlingStation:
    """The station, if it exists and is active; else 400 on `station_id`."""
    found = stations.get_station(station_id)
    if found is None or not found[0].active:
        raise err.UnknownHandlingStation()
    return _handling(found[0])


def city_default(member_id: str) -> HandlingStation | None:
    """The member's city's first station in service; None without a city or such a station."""
    member = accounts.member(member_id)
    if member is None or not member.city:
        return None
    ids = stations.station_ids_in_city(member.city)
    active = (
        sorted((s for s in stations.stations_by_id(ids) if s.active), key=lambda s: (s.created_at, s.code))
        if ids
        else []
    )
    return _handling(active[0]) if active else None


def handling_station(caller: Caller, chosen: str | None) -> HandlingStation | None:
    """Where a request the caller files goes (the rule in the module docstring)."""
    return in_service(chosen) if chosen else city_default(caller.member_id)


def route_unrouted(now: datetime) -> int:
    """Route every open request that has no station yet to its owner's city default (those without
    one stay in the union-wide queue); how many were routed. Safe to run again."""
    routed = 0
    for case in store.open_unrouted():
        station = city_default(case.member_id)
        if station is None:
            continue
        step = Step(case.status, "reassigned", now, "system", None, moved_from=None, moved_to=station)
        try:
            with unit_of_work(now, refuse={store.REQUEST_AS_READ: err.RequestChanged}) as uow:
                store.reassign_in(uow, case, step)
                uow.audit(
                    "system",
                    "request_route",
                    target=f"request#{case.request_id}",
                    detail={"to_station": station.station_id},
                )
        except err.RequestChanged:
            continue  # moved or routed meanwhile: it is no longer unrouted as read
        routed += 1
    return routed
