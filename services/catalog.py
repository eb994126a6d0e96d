"""The fixed vocabulary of the network: regions, skills, bay kinds, service types, parts and statuses.

These are reference data shared by the schema seed, the demo generator, the simulation engine and the UI.
Chinese names are the display names; codes are what the database and the code use.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Region:
    id: int
    code: str
    name_zh: str
    name_en: str


# The seed's "华西" is the west: DOMAIN.md says use 西北 for it.
REGIONS: tuple[Region, ...] = (
    Region(1, "N", "华北", "North"),
    Region(2, "NE", "东北", "Northeast"),
    Region(3, "E", "华东", "East"),
    Region(4, "C", "华中", "Central"),
    Region(5, "S", "华南", "South"),
    Region(6, "SW", "西南", "Southwest"),
    Region(7, "NW", "西北", "Northwest"),
)
REGION_BY_CODE = {r.code: r for r in REGIONS}

# Technician skills (技能).
SKILLS: tuple[str, ...] = (
    "maintenance",  # 保养
    "electrical",  # 电气
    "mechanical",  # 机修 (engine / chassis)
    "body",  # 钣金
    "paint",  # 喷漆
    "tyres",  # 轮胎
    "diagnostics",  # 诊断
)
SKILL_NAMES_ZH = {
    "maintenance": "保养",
    "electrical": "电气",
    "mechanical": "机修",
    "body": "钣金",
    "paint": "喷漆",
    "tyres": "轮胎",
    "diagnostics": "诊断",
}

# Service bay kinds (工位类型).
BAY_KINDS: tuple[str, ...] = ("lift", "alignment", "body", "paint", "wash")
BAY_KIND_NAMES_ZH = {
    "lift": "举升工位",
    "alignment": "四轮定位工位",
    "body": "钣金工位",
    "paint": "烤漆房",
    "wash": "洗车质检工位",
}

STORE_TYPES: tuple[str, ...] = ("direct", "franchise")  # 直营 / 加盟
STORE_SIZES: tuple[str, ...] = ("flagship", "large", "small")


@dataclass(frozen=True, slots=True)
class ServiceType:
    id: int
    code: str
    name_zh: str
    name_en: str
    skill: str
    bay_kind: str
    std_minutes: int
    price: int  # yuan, list price before any discount


SERVICE_TYPES: tuple[ServiceType, ...] = (
    ServiceType(1, "MAINT_MINOR", "小保养", "Minor maintenance", "maintenance", "lift", 45, 450),
    ServiceType(2, "MAINT_MAJOR", "大保养", "Major maintenance", "maintenance", "lift", 90, 1150),
    ServiceType(3, "TYRE", "轮胎更换", "Tyre change", "tyres", "lift", 40, 600),
    ServiceType(4, "ALIGN", "四轮定位", "Wheel alignment", "tyres", "alignment", 40, 300),
    ServiceType(5, "DIAG", "故障诊断", "Diagnostics", "diagnostics", "lift", 60, 300),
    ServiceType(6, "ELEC", "电气维修", "Electrical repair", "electrical", "lift", 90, 950),
    ServiceType(7, "MECH", "发动机底盘维修", "Engine / chassis repair", "mechanical", "lift", 150, 2100),
    ServiceType(8, "BODY", "钣金修复", "Body repair", "body", "body", 180, 2600),
    ServiceType(9, "PAINT", "喷漆", "Paint", "paint", "paint", 150, 2300),
)
SERVICE_BY_CODE = {s.code: s for s in SERVICE_TYPES}


@dataclass(frozen=True, slots=True)
class Part:
    id: int
    code: str
    name_zh: str
    name_en: str
    unit_price: int


PARTS: tuple[Part, ...] = (
    Part(1, "OIL_FILTER", "机油滤清器", "Oil filter", 60),
    Part(2, "ENGINE_OIL_4L", "机油 4L", "Engine oil 4 L", 320),
    Part(3, "AIR_FILTER", "空气滤清器", "Air filter", 80),
    Part(4, "CABIN_FILTER", "空调滤清器", "Cabin filter", 70),
    Part(5, "BRAKE_PADS", "刹车片", "Brake pads", 450),
    Part(6, "BRAKE_DISC", "刹车盘", "Brake disc", 600),
    Part(7, "SPARK_PLUG", "火花塞", "Spark plug", 55),
    Part(8, "BATTERY", "蓄电池", "Battery", 850),
    Part(9, "TYRE_205_55R16", "轮胎 205/55R16", "Tyre 205/55R16", 650),
    Part(10, "WIPER_BLADE", "雨刮片", "Wiper blade", 90),
    Part(11, "HEADLAMP", "大灯总成", "Headlamp assembly", 1800),
    Part(12, "ALTERNATOR", "发电机", "Alternator", 2400),
    Part(13, "TIMING_BELT", "正时皮带", "Timing belt", 700),
    Part(14, "SHOCK_ABSORBER", "减震器", "Shock absorber", 900),
    Part(15, "BUMPER", "保险杠", "Bumper", 1500),
    Part(16, "PAINT_1L", "车漆 1L", "Paint 1 L", 400),
)
PART_BY_CODE = {p.code: p for p in PARTS}

# Work-order statuses in the order a vehicle moves through them. The database refuses a change that goes
# backwards (rank decreases); "cancelled" ends a work order from any status before "delivered".
WORK_ORDER_STATUSES: tuple[str, ...] = (
    "checked_in",  # 到店接车, waiting for a bay and a technician
    "in_service",  # 维修中
    "quality_check",  # 质检
    "done",  # 完工
    "delivered",  # 交车结算
)
WORK_ORDER_STATUS_NAMES_ZH = {
    "checked_in": "已接车",
    "in_service": "维修中",
    "quality_check": "质检中",
    "done": "已完工",
    "delivered": "已交车",
    "cancelled": "已取消",
}

BOOKING_STATUSES: tuple[str, ...] = ("booked", "checked_in", "cancelled", "no_show")
BOOKING_CHANNELS: tuple[str, ...] = ("app", "phone", "wechat", "advisor", "referral")

TRANSFER_KINDS: tuple[str, ...] = ("parts", "technician_loan", "referral")
TRANSFER_STATUSES: tuple[str, ...] = ("pending", "approved", "rejected", "applied", "cancelled")

USER_ROLES: tuple[str, ...] = ("hq", "region", "store")

ALERT_SEVERITIES: tuple[str, ...] = ("info", "warning", "critical")
