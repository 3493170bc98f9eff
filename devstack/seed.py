"""Demo data for the local stack. Idempotent: running it twice leaves the same data.

The data are the tables at the top; the code below only loops over them. Everything goes
through the service layer (accounts are created with grant_by_phone, names are set with
update_profile so they are sealed and masked by the privacy layer): nothing here writes
personal data directly. Only the employer list, which is reference data, is saved as is.

To add demo data for another area, write a `seed_<area>() -> str` (returning a one-line
summary) and append it to SEED_STEPS; steps run in order, so later ones can rely on earlier
ones (stations before bookings, ...).

Import this module only after `devstack.configure_environment()` (it imports chalicelib).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from chalicelib.domain.access import Caller
from chalicelib.domain.members import CITIES, ProfileUpdate
from chalicelib.services.members import grant_by_phone, update_profile
from chalicelib.store.employer_tables import EmployerRecord
from devstack.seed_services import seed_scenarios
from devstack.seed_stations import seed_stations, station_id

SEED_ACTOR = "devstack-seed"


class DemoEmployer(NamedTuple):
    employer_id: str
    city: str
    industry: str
    has_union: bool
    name_zh: str
    name_en: str


class DemoPerson(NamedTuple):
    phone: str
    name: str
    role: str  # worker | staff | admin
    station_code: str | None  # staff only: the code of a demo station (devstack/seed_stations.py)
    worker_group: str | None
    city: str | None
    employer_id: str | None
    language: str = "zh-CN"


# Fictional companies (invented names, so that no real firm shows up in labour-risk demos),
# three per city, in the industries WorkerHome's members work in.
EMPLOYERS: list[DemoEmployer] = [
    DemoEmployer(
        "emp-bj-01",
        "beijing",
        "delivery_platform",
        True,
        "京速达即时配送（北京）有限公司",
        "Jingsuda Instant Delivery (Beijing) Co., Ltd.",
    ),
    DemoEmployer(
        "emp-bj-02",
        "beijing",
        "construction",
        True,
        "北京城建恒泰建设工程有限公司",
        "Beijing Chengjian Hengtai Construction Engineering Co., Ltd.",
    ),
    DemoEmployer(
        "emp-bj-03",
        "beijing",
        "sanitation",
        True,
        "北京洁城环境卫生服务有限公司",
        "Beijing Jiecheng Environmental Sanitation Services Co., Ltd.",
    ),
    DemoEmployer("emp-sh-01", "shanghai", "logistics", True, "沪通快递有限公司", "Hutong Express Co., Ltd."),
    DemoEmployer(
        "emp-sh-02",
        "shanghai",
        "manufacturing",
        True,
        "上海浦江精密电子有限公司",
        "Shanghai Pujiang Precision Electronics Co., Ltd.",
    ),
    DemoEmployer(
        "emp-sh-03",
        "shanghai",
        "domestic_services",
        False,
        "上海申城家政服务有限公司",
        "Shanghai Shencheng Domestic Services Co., Ltd.",
    ),
    DemoEmployer(
        "emp-sz-01",
        "shenzhen",
        "ride_hailing",
        False,
        "深圳鹏程网约车科技有限公司",
        "Shenzhen Pengcheng Ride-Hailing Technology Co., Ltd.",
    ),
    DemoEmployer(
        "emp-sz-02",
        "shenzhen",
        "manufacturing",
        True,
        "深圳华南电子制造有限公司",
        "Shenzhen Huanan Electronics Manufacturing Co., Ltd.",
    ),
    DemoEmployer(
        "emp-sz-03",
        "shenzhen",
        "logistics",
        False,
        "深圳前海供应链物流有限公司",
        "Shenzhen Qianhai Supply Chain Logistics Co., Ltd.",
    ),
    DemoEmployer(
        "emp-gz-01", "guangzhou", "logistics", True, "广州羊城速递有限公司", "Guangzhou Yangcheng Express Co., Ltd."
    ),
    DemoEmployer(
        "emp-gz-02",
        "guangzhou",
        "manufacturing",
        False,
        "广州珠江服装制造有限公司",
        "Guangzhou Zhujiang Garment Manufacturing Co., Ltd.",
    ),
    DemoEmployer(
        "emp-gz-03",
        "guangzhou",
        "sanitation",
        True,
        "广州穗洁城市环境服务有限公司",
        "Guangzhou Suijie Urban Environmental Services Co., Ltd.",
    ),
    DemoEmployer(
        "emp-hz-01",
        "hangzhou",
        "delivery_platform",
        True,
        "杭州西子外卖配送服务有限公司",
        "Hangzhou Xizi Food Delivery Services Co., Ltd.",
    ),
    DemoEmployer(
        "emp-hz-02",
        "hangzhou",
        "logistics",
        False,
        "杭州钱塘电商仓储有限公司",
        "Hangzhou Qiantang E-commerce Warehousing Co., Ltd.",
    ),
    DemoEmployer(
        "emp-hz-03",
        "hangzhou",
        "construction",
        True,
        "浙江之江建设集团有限公司",
        "Zhejiang Zhijiang Construction Group Co., Ltd.",
    ),
    DemoEmployer(
        "emp-cd-01",
        "chengdu",
        "delivery_platform",
        False,
        "成都天府即送科技有限公司",
        "Chengdu Tianfu Jisong Technology Co., Ltd.",
    ),
    DemoEmployer(
        "emp-cd-02",
        "chengdu",
        "construction",
        True,
        "四川蜀建工程建设有限公司",
        "Sichuan Shujian Engineering Construction Co., Ltd.",
    ),
    DemoEmployer(
        "emp-cd-03",
        "chengdu",
        "sanitation",
        True,
        "成都锦城环卫服务有限公司",
        "Chengdu Jincheng Sanitation Services Co., Ltd.",
    ),
    DemoEmployer(
        "emp-wh-01",
        "wuhan",
        "manufacturing",
        True,
        "武汉江城汽车零部件有限公司",
        "Wuhan Jiangcheng Auto Parts Co., Ltd.",
    ),
    DemoEmployer(
        "emp-wh-02",
        "wuhan",
        "construction",
        True,
        "湖北楚天建设工程有限公司",
        "Hubei Chutian Construction Engineering Co., Ltd.",
    ),
    DemoEmployer(
        "emp-wh-03",
        "wuhan",
        "logistics",
        False,
        "武汉九省通冷链物流有限公司",
        "Wuhan Jiushengtong Cold Chain Logistics Co., Ltd.",
    ),
    DemoEmployer(
        "emp-xa-01",
        "xian",
        "ride_hailing",
        False,
        "西安古城出行科技有限公司",
        "Xi'an Gucheng Mobility Technology Co., Ltd.",
    ),
    DemoEmployer(
        "emp-xa-02",
        "xian",
        "manufacturing",
        True,
        "陕西秦岭机械制造有限公司",
        "Shaanxi Qinling Machinery Manufacturing Co., Ltd.",
    ),
    DemoEmployer(
        "emp-xa-03",
        "xian",
        "sanitation",
        True,
        "西安雁塔环境卫生服务有限公司",
        "Xi'an Yanta Environmental Sanitation Services Co., Ltd.",
    ),
    DemoEmployer(
        "emp-cq-01",
        "chongqing",
        "delivery_platform",
        False,
        "重庆山城快送有限公司",
        "Chongqing Shancheng Express Delivery Co., Ltd.",
    ),
    DemoEmployer(
        "emp-cq-02",
        "chongqing",
        "manufacturing",
        True,
        "重庆两江摩托车制造有限公司",
        "Chongqing Liangjiang Motorcycle Manufacturing Co., Ltd.",
    ),
    DemoEmployer(
        "emp-cq-03",
        "chongqing",
        "domestic_services",
        False,
        "重庆渝州家政服务有限公司",
        "Chongqing Yuzhou Domestic Services Co., Ltd.",
    ),
    DemoEmployer(
        "emp-nj-01",
        "nanjing",
        "logistics",
        True,
        "南京金陵货运物流有限公司",
        "Nanjing Jinling Freight Logistics Co., Ltd.",
    ),
    DemoEmployer(
        "emp-nj-02",
        "nanjing",
        "construction",
        True,
        "江苏钟山建筑工程有限公司",
        "Jiangsu Zhongshan Construction Engineering Co., Ltd.",
    ),
    DemoEmployer(
        "emp-nj-03",
        "nanjing",
        "sanitation",
        False,
        "南京秦淮环境服务有限公司",
        "Nanjing Qinhuai Environmental Services Co., Ltd.",
    ),
]

# Demo accounts. Staff are bound to demo stations by code (seed_stations runs first).
PEOPLE: list[DemoPerson] = [
    DemoPerson("13800000000", "王芳", "admin", None, None, "beijing", None),
    DemoPerson("13800000001", "刘洋", "staff", "BJ-WJ-01", None, "beijing", None),
    DemoPerson("13800000002", "陈静", "staff", "SH-LJZ-01", None, "shanghai", None),
    DemoPerson("13800000010", "张伟", "worker", None, "delivery_rider", "beijing", "emp-bj-01"),
    DemoPerson("13800000011", "李娜", "worker", None, "courier", "shanghai", "emp-sh-01"),
    DemoPerson("13800000012", "王强", "worker", None, "ride_hailing_driver", "shenzhen", "emp-sz-01"),
    DemoPerson("13800000013", "刘秀英", "worker", None, "factory_worker", "guangzhou", "emp-gz-02"),
    DemoPerson("13800000014", "陈杰", "worker", None, "construction_worker", "chengdu", "emp-cd-02"),
    DemoPerson("13800000015", "杨丽", "worker", None, "sanitation_worker", "xian", "emp-xa-03", "en"),
]


def seed_employers() -> str:
    unknown = {e.city for e in EMPLOYERS} - CITIES.keys()
    if unknown:
        raise ValueError(f"demo employers in unknown cities: {sorted(unknown)}")
    for e in EMPLOYERS:
        EmployerRecord(
            e.employer_id, name_zh=e.name_zh, name_en=e.name_en, city=e.city, industry=e.industry, has_union=e.has_union
        ).save()
    return f"{len(EMPLOYERS)} employers in {len({e.city for e in EMPLOYERS})} cities"


def seed_people() -> str:
    for p in PEOPLE:
        roles = {p.role} - {"worker"}
        stations = {station_id(p.station_code)} if p.station_code else set()
        member = grant_by_phone(p.phone, roles, stations, actor=SEED_ACTOR)
        caller = Caller(
            member_id=member.member_id, roles=frozenset(member.roles), station_ids=frozenset(member.station_ids)
        )
        fields = {
            "name": p.name,
            "worker_group": p.worker_group,
            "city": p.city,
            "employer_id": p.employer_id,
            "language": p.language,
        }
        update_profile(caller, ProfileUpdate(**{k: v for k, v in fields.items() if v is not None}))
    counts = {role: sum(p.role == role for p in PEOPLE) for role in ("admin", "staff", "worker")}
    return ", ".join(f"{n} {role}" for role, n in counts.items())


def seed_population() -> str:
    """Synthetic members with 26 weeks of activity (ml.synth, the models' generator), so scoring runs,
    the risk dashboard and the labour-risk list have something to show. WH_DEMO_MEMBERS sets how many."""
    import os

    from chalicelib.runtime import runtime
    from devstack.population import write_population

    count = int(os.environ.get("WH_DEMO_MEMBERS") or DEMO_MEMBERS)
    return f"{len(write_population(runtime(), count, seed=20261127))} synthetic members with activity"


DEMO_MEMBERS = 600  # moto serialises ~90 counter attributes per item slowly: a demo run takes ~20 s
SEED_STEPS: list[Callable[[], str]] = [
    seed_employers,
    seed_stations,
    seed_people,
    seed_scenarios,
    seed_population,
]


def seed_all(steps: list[Callable[[], str]] | None = None) -> list[str]:
    """Run every seed step in order; returns one summary line per step."""
    return [f"{step.__name__.removeprefix('seed_')}: {step()}" for step in (SEED_STEPS if steps is None else steps)]
