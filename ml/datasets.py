"""Training data: synthetic populations turned into feature matrices by chalicelib.scoring.features.

Everything is a function of a Config (seed and sizes), so a run is reproducible and a small
Config gives a quick retrain for the tests.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np

from chalicelib.scoring import features as F
from ml import synth


@dataclass(frozen=True)
class Config:
    seed: int = 20261130
    members: int = 100000
    employers: int = 80000
    stations: int = 400
    station_weeks: int = 9  # the first 4 weeks are history only; the rest are forecast targets

    def describe(self) -> dict[str, int]:
        return asdict(self)


FULL = Config()
SMALL = Config(members=12000, employers=8000, stations=80)


@dataclass(frozen=True)
class Split:
    train: np.ndarray
    valid: np.ndarray
    test: np.ndarray

    def sizes(self) -> dict[str, int]:
        return {"train": len(self.train), "valid": len(self.valid), "test": len(self.test)}


def split(n: int, seed: int, shares: tuple[float, float] = (0.6, 0.2)) -> Split:
    order = np.random.default_rng([seed, 99]).permutation(n)
    a, b = int(n * shares[0]), int(n * (shares[0] + shares[1]))
    return Split(order[:a], order[a:b], order[b:])


def data_hash(*arrays: np.ndarray) -> str:
    digest = hashlib.sha256()
    for arr in arrays:
        digest.update(np.ascontiguousarray(arr).tobytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=4)
def employers(cfg: Config) -> tuple[np.ndarray, synth.Employers]:
    pop = synth.make_employers(cfg.employers, cfg.seed)
    return F.employer_matrix(pop.items, pop.records, synth.AS_OF), pop


@lru_cache(maxsize=4)
def members(cfg: Config) -> tuple[np.ndarray, synth.Members]:
    _, employer_pool = employers(cfg)
    pop = synth.make_members(cfg.members, cfg.seed, employer_pool)
    return F.member_matrix(pop.items, pop.records, synth.AS_OF), pop


@dataclass(frozen=True)
class StationRows:
    x: np.ndarray
    booked: np.ndarray  # label: bookings per slot in the forecast week
    expected: np.ndarray  # truth: E[bookings] the generator knew
    station: np.ndarray  # row -> station index (splits are by station)
    seats: np.ndarray


@lru_cache(maxsize=4)
def stations(cfg: Config) -> tuple[StationRows, synth.Stations]:
    """One row per (station, slot) of each forecast week, featurized as of that week's Monday 00:00."""
    pop = synth.make_stations(cfg.stations, cfg.seed, weeks=cfg.station_weeks)
    history = synth.slot_history(pop.slot_items)
    per_week = len(pop.starts) // cfg.station_weeks
    xs, ys, ex, st = [], [], [], []
    for week in range(F.LAG_WEEKS, cfg.station_weeks):
        cols = np.arange(week * per_week, (week + 1) * per_week)
        starts = [pop.starts[j] for j in cols]
        for i, item in enumerate(pop.items):
            xs.append(F.station_matrix(item, starts, history.get(item["station_id"], {}), pop.week_starts[week]))
            ys.append(pop.booked[i, cols])
            ex.append(pop.expected[i, cols])
            st.append(np.full(len(cols), i))
    x = np.vstack(xs)
    return StationRows(
        x, np.concatenate(ys), np.concatenate(ex), np.concatenate(st), x[:, F.STATION_FEATURES.index("seats")]
    ), pop
