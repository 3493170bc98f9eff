"""Demo stations: rider rest stations, Workers' Homes, migrant-worker and outdoor-worker stations in
six cities, at real-looking places. Created through the stations service, like an admin would."""
from __future__ import annotations

from typing import Any, NamedTuple

from chalicelib.domain.errors import Conflict
from chalicelib.domain.stations import StationCreate
from chalicelib.services.stations import create_station
from chalicelib.store.stations import station_ids_by_code

ALL_DAY = {d: ["07:00-22:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
MEAL_TIMES = {d: ["10:00-14:00", "17:00-21:30"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
OFFICE = {**{d: ["09:00-12:00", "13:30-18:00"] for d in ("mon", "tue", "wed", "thu", "fri")}, "sat": ["09:00-12:00"]}
RIDER = ["water", "microwave", "charging", "restroom", "rest_seats", "wifi"]
HOME = ["water", "hot_meals", "restroom", "rest_seats", "reading", "wifi", "first_aid", "mother_baby_room"]
OUTDOOR = ["water", "restroom", "rest_seats", "first_aid", "charging"]


class DemoStation(NamedTuple):
    code: str
    kind: str
    city: str
    district: str
    name_zh: str
    name_en: str
    address: str
    lat: float
    lng: float
    seats: int
    hours: dict[str, list[str]]
    amenities: list[str]
    audience: Any = "all_workers"


STATIONS: list[DemoStation] = [
    DemoStation("BJ-WJ-01", "rider_station", "beijing", "朝阳区", "望京骑手暖心驿站", "Wangjing Riders' Rest Station",
                "朝阳区望京街道阜通东大街6号", 39.9965, 116.4700, 12, ALL_DAY, RIDER),
    DemoStation("BJ-GM-01", "rider_station", "beijing", "朝阳区", "国贸骑手驿站", "Guomao Riders' Station",
                "朝阳区建国门外大街1号附近", 39.9087, 116.4605, 8, MEAL_TIMES, RIDER),
    DemoStation("BJ-ZGC-01", "workers_home", "beijing", "海淀区", "中关村职工之家", "Zhongguancun Workers' Home",
                "海淀区中关村大街27号", 39.9834, 116.3162, 20, OFFICE, HOME),
    DemoStation("BJ-WFJ-01", "outdoor_station", "beijing", "东城区", "王府井户外劳动者驿站", "Wangfujing Outdoor Workers' Station",
                "东城区王府井大街138号", 39.9149, 116.4110, 10, ALL_DAY, OUTDOOR),
    DemoStation("BJ-XD-01", "rider_station", "beijing", "西城区", "西单骑手驿站", "Xidan Riders' Station",
                "西城区西单北大街120号", 39.9075, 116.3740, 8, ALL_DAY, RIDER),
    DemoStation("BJ-SLT-01", "rider_station", "beijing", "朝阳区", "三里屯骑手驿站", "Sanlitun Riders' Station",
                "朝阳区三里屯路19号", 39.9339, 116.4546, 10, MEAL_TIMES, RIDER, ["delivery_rider", "courier"]),
    DemoStation("BJ-TZ-01", "migrant_station", "beijing", "通州区", "通州农民工服务站", "Tongzhou Migrant Workers' Service Station",
                "通州区新华大街256号", 39.9097, 116.6566, 15, OFFICE, HOME),
    DemoStation("BJ-LZ-01", "workers_home", "beijing", "丰台区", "丽泽职工之家（会员）", "Lize Workers' Home (members)",
                "丰台区丽泽路18号", 39.8650, 116.3100, 12, OFFICE, HOME, "members"),
    DemoStation("SH-LJZ-01", "rider_station", "shanghai", "浦东新区", "陆家嘴骑手驿站", "Lujiazui Riders' Station",
                "浦东新区陆家嘴环路1000号附近", 31.2397, 121.4998, 12, ALL_DAY, RIDER),
    DemoStation("SH-JAS-01", "rider_station", "shanghai", "静安区", "静安寺骑手驿站", "Jing'an Temple Riders' Station",
                "静安区南京西路1699号", 31.2235, 121.4452, 8, MEAL_TIMES, RIDER),
    DemoStation("SH-XJH-01", "workers_home", "shanghai", "徐汇区", "徐家汇职工之家", "Xujiahui Workers' Home",
                "徐汇区漕溪北路88号", 31.1950, 121.4365, 18, OFFICE, HOME),
    DemoStation("SH-BWT-01", "outdoor_station", "shanghai", "虹口区", "北外滩户外职工爱心驿站", "North Bund Outdoor Workers' Station",
                "虹口区东大名路500号", 31.2530, 121.4970, 10, ALL_DAY, OUTDOOR),
    DemoStation("SH-WJC-01", "rider_station", "shanghai", "杨浦区", "五角场骑手驿站", "Wujiaochang Riders' Station",
                "杨浦区淞沪路8号", 31.2990, 121.5140, 10, ALL_DAY, RIDER),
    DemoStation("SH-XZ-01", "migrant_station", "shanghai", "闵行区", "莘庄农民工服务站", "Xinzhuang Migrant Workers' Service Station",
                "闵行区莘庄镇沁春路89号", 31.1110, 121.3850, 15, OFFICE, HOME),
    DemoStation("SH-ZSGY-01", "rider_station", "shanghai", "长宁区", "中山公园骑手驿站", "Zhongshan Park Riders' Station",
                "长宁区长宁路1018号", 31.2190, 121.4170, 8, MEAL_TIMES, RIDER),
    DemoStation("SZ-KJY-01", "rider_station", "shenzhen", "南山区", "科技园骑手驿站", "Science Park Riders' Station",
                "南山区科苑路15号", 22.5405, 113.9530, 12, ALL_DAY, RIDER),
    DemoStation("SZ-FT-01", "workers_home", "shenzhen", "福田区", "福田中心区职工之家", "Futian CBD Workers' Home",
                "福田区福华三路88号", 22.5410, 114.0580, 20, OFFICE, HOME),
    DemoStation("SZ-DM-01", "outdoor_station", "shenzhen", "罗湖区", "东门户外劳动者驿站", "Dongmen Outdoor Workers' Station",
                "罗湖区解放路2001号", 22.5470, 114.1200, 10, ALL_DAY, OUTDOOR),
    DemoStation("SZ-XX-01", "migrant_station", "shenzhen", "宝安区", "西乡来深建设者服务站", "Xixiang Migrant Builders' Service Station",
                "宝安区西乡街道宝源路1号", 22.5780, 113.8680, 15, OFFICE, HOME),
    DemoStation("SZ-MZ-01", "rider_station", "shenzhen", "龙华区", "民治骑手驿站", "Minzhi Riders' Station",
                "龙华区民治大道300号", 22.6230, 114.0410, 8, MEAL_TIMES, RIDER),
    DemoStation("SZ-BT-01", "rider_station", "shenzhen", "龙岗区", "坂田骑手驿站", "Bantian Riders' Station",
                "龙岗区坂田街道五和大道", 22.6320, 114.0650, 10, ALL_DAY, RIDER),
    DemoStation("GZ-ZJXC-01", "rider_station", "guangzhou", "天河区", "珠江新城骑手驿站", "Zhujiang New Town Riders' Station",
                "天河区花城大道85号", 23.1190, 113.3210, 12, ALL_DAY, RIDER),
    DemoStation("GZ-BJL-01", "workers_home", "guangzhou", "越秀区", "北京路职工之家", "Beijing Road Workers' Home",
                "越秀区北京路238号", 23.1250, 113.2690, 16, OFFICE, HOME),
    DemoStation("GZ-KC-01", "rider_station", "guangzhou", "海珠区", "客村骑手驿站", "Kecun Riders' Station",
                "海珠区新港中路397号", 23.0960, 113.3230, 8, MEAL_TIMES, RIDER),
    DemoStation("GZ-JH-01", "migrant_station", "guangzhou", "白云区", "嘉禾外来务工人员服务站", "Jiahe Migrant Workers' Service Station",
                "白云区嘉禾街道鹤龙一路", 23.2120, 113.2810, 15, OFFICE, HOME),
    DemoStation("HZ-WS-01", "rider_station", "hangzhou", "西湖区", "文三路骑手驿站", "Wensan Road Riders' Station",
                "西湖区文三路398号", 30.2790, 120.1300, 10, ALL_DAY, RIDER),
    DemoStation("HZ-BJ-01", "workers_home", "hangzhou", "滨江区", "滨江职工之家", "Binjiang Workers' Home",
                "滨江区江南大道3588号", 30.2100, 120.2100, 18, OFFICE, HOME),
    DemoStation("HZ-WL-01", "rider_station", "hangzhou", "余杭区", "未来科技城骑手驿站", "Future Sci-Tech City Riders' Station",
                "余杭区文一西路1500号", 30.2880, 120.0000, 8, MEAL_TIMES, RIDER),
    DemoStation("CD-CXL-01", "rider_station", "chengdu", "锦江区", "春熙路骑手驿站", "Chunxi Road Riders' Station",
                "锦江区春熙路99号", 30.6570, 104.0810, 10, ALL_DAY, RIDER),
    DemoStation("CD-TF-01", "workers_home", "chengdu", "高新区", "天府软件园职工之家", "Tianfu Software Park Workers' Home",
                "高新区天府大道中段1268号", 30.5420, 104.0700, 18, OFFICE, HOME),
]


def seed_stations() -> str:
    """Create the demo stations that do not exist yet (matched by code)."""
    created = 0
    for s in STATIONS:
        data = StationCreate(code=s.code, kind=s.kind, city=s.city, district=s.district, name_zh=s.name_zh,
                             name_en=s.name_en, address=s.address, lat=s.lat, lng=s.lng, seats=s.seats,
                             hours=s.hours, amenities=s.amenities, audience=s.audience)
        try:
            create_station(data)
            created += 1
        except Conflict:
            pass                               # already there from an earlier run
    cities = len({s.city for s in STATIONS})
    return f"{len(STATIONS)} stations in {cities} cities ({created} new)"


def station_id(code: str) -> str:
    """The id of a demo station, by its code."""
    found = station_ids_by_code([code])
    if code not in found:
        raise LookupError(f"demo station {code} is missing: seed_stations must run first")
    return found[code]
