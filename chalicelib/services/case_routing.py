"""Which station handles a service request (reassignment: services/cases.py `reassign`).

The rule, in order: the station the worker chose in the form (it must be in service); else the
default of the worker's city - its first station still in service (the earliest opened, usually
its main service point; ties by code); else the union-wide queue,
which only admins see (and route from). The handling station's names are copied onto the request,
so showing a request or a queue reads no station.

Round trips: GetItem station (chosen, or the target of a reassignment), or GetItem member + Query
city index + BatchGet stations (city default; the last two only when the member has a city).
"""

from __future__ import annotations

from chalicelib.domain import case_errors as err
from chalicelib.domain.access import Caller
from chalicelib.domain.cases import HandlingStation
from chalicelib.domain.stations import Station
from chalicelib.store import accounts, stations


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
