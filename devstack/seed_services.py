"""The first scenarios of the service library (场景库): legal advice, wage arrears, work injury,
hardship aid, skill-level certification, job seeking. Published through the scenarios service like
an admin would; `seed_scenarios()` is also what the API tests call to get the library.
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain.access import Caller
from chalicelib.domain.case_errors import ScenarioExists
from chalicelib.domain.scenarios import ScenarioCreate
from chalicelib.services.scenarios import create

SEED_ADMIN = Caller(member_id="devstack-seed", roles=frozenset({"admin"}))


def _f(name: str, zh: str, en: str, type_: str, **more: Any) -> dict[str, Any]:
    return {"name": name, "label_zh": zh, "label_en": en, "type": type_, **more}


def _options(*pairs: tuple[str, str, str]) -> list[dict[str, str]]:
    return [{"value": v, "label_zh": zh, "label_en": en} for v, zh, en in pairs]


PHONE = _f("contact_phone", "联系电话", "Contact phone", "phone")
ID_NUMBER = _f("id_number", "身份证号码", "Resident ID number", "id_number")
CASE_SLA = {"submitted": 8, "accepted": 24, "in_progress": 240}

SCENARIOS: list[dict[str, Any]] = [
    {
        "key": "labour_law_consultation",
        "category": "rights_protection",
        "sensitive": True,
        "title_zh": "劳动法律咨询",
        "title_en": "Labour law consultation",
        "description_zh": "工会律师解答劳动合同、工资、社保、工时休假、解除劳动关系等问题，一般 1 个工作日内联系您。",
        "description_en": "Union lawyers answer questions on contracts, pay, social insurance, working hours and "
        "dismissal, usually within one working day.",
        "sla_hours": {"submitted": 8, "accepted": 16, "in_progress": 72},
        "fields": [
            _f(
                "topic",
                "咨询类别",
                "Topic",
                "choice",
                options=_options(
                    ("labour_contract", "劳动合同", "Employment contract"),
                    ("wages", "工资报酬", "Wages"),
                    ("social_insurance", "社会保险", "Social insurance"),
                    ("working_hours", "工时与休假", "Hours and leave"),
                    ("dismissal", "解除劳动合同", "Dismissal"),
                    ("other", "其他", "Other"),
                ),
            ),
            _f(
                "question",
                "您的问题",
                "Your question",
                "long_text",
                min_length=10,
                max_length=2000,
                help_zh="请描述事情经过和您想了解的内容",
                help_en="Describe what happened and what you want to know",
            ),
            {**PHONE, "required": False},
            _f(
                "contact_by",
                "联系方式偏好",
                "How to reach you",
                "choice",
                options=_options(("phone", "电话回复", "Phone call"), ("in_app", "在线回复", "In the app")),
            ),
        ],
    },
    {
        "key": "wage_arrears_complaint",
        "category": "rights_protection",
        "sensitive": True,
        "title_zh": "欠薪投诉",
        "title_en": "Wage arrears complaint",
        "description_zh": "用人单位拖欠或克扣工资的，工会协助调解、转交劳动监察并提供法律援助。",
        "description_en": "If your employer owes or withholds wages, the union mediates, refers the case to labour "
        "inspection and provides legal aid.",
        "sla_hours": CASE_SLA,
        "fields": [
            _f("employer_id", "用人单位", "Employer", "employer"),
            _f("work_start", "入职日期", "Start of work", "date"),
            _f("amount_owed", "拖欠金额（元）", "Amount owed (CNY)", "number", min=1, max=10_000_000),
            _f("months_owed", "拖欠月数", "Months unpaid", "number", min=1, max=120),
            _f("workers_affected", "涉及人数", "Workers affected", "number", min=1, max=10_000),
            _f("description", "情况说明", "What happened", "long_text", min_length=10, max_length=3000),
            ID_NUMBER,
            PHONE,
            _f(
                "evidence",
                "证据材料（工资条、考勤记录、劳动合同等）",
                "Evidence (payslips, timesheets, contract)",
                "file",
                required=False,
                max=10,
            ),
        ],
    },
    {
        "key": "work_injury_help",
        "category": "rights_protection",
        "sensitive": True,
        "title_zh": "工伤维权",
        "title_en": "Work injury help",
        "description_zh": "协助申请工伤认定、劳动能力鉴定和工伤保险待遇，必要时提供法律援助。",
        "description_en": "Help with work-injury recognition, disability assessment and insurance benefits, and legal "
        "aid where needed.",
        "sla_hours": CASE_SLA,
        "fields": [
            _f("employer_id", "用人单位", "Employer", "employer"),
            _f("injury_date", "受伤日期", "Date of injury", "date"),
            _f("injury_place", "受伤地点", "Where it happened", "text", max_length=200),
            _f("injury_description", "受伤经过", "How it happened", "long_text", min_length=10, max_length=3000),
            _f(
                "recognition",
                "是否已申请工伤认定",
                "Work-injury recognition applied for?",
                "choice",
                options=_options(
                    ("not_yet", "尚未申请", "Not yet"),
                    ("pending", "已申请，等待结果", "Applied, waiting"),
                    ("recognised", "已认定", "Recognised"),
                    ("refused", "不予认定", "Refused"),
                ),
            ),
            ID_NUMBER,
            PHONE,
            _f("medical_records", "病历和诊断证明", "Medical records", "file", required=False, max=10),
        ],
    },
    {
        "key": "hardship_aid_application",
        "category": "hardship_aid",
        "sensitive": True,
        "audience": "members",
        "title_zh": "困难职工帮扶申请",
        "title_en": "Hardship aid application",
        "description_zh": "因病、残、灾或家庭变故导致生活困难的会员职工，可申请生活救助、医疗救助或助学帮扶。",
        "description_en": "Members in hardship through illness, disability, disaster or family events can apply for "
        "living, medical or education aid.",
        "sla_hours": {"submitted": 24, "accepted": 48, "in_progress": 480},
        "fields": [
            _f(
                "hardship_type",
                "困难类型",
                "Kind of hardship",
                "choice",
                options=_options(
                    ("serious_illness", "本人或家属患重大疾病", "Serious illness in the family"),
                    ("disability", "因残致困", "Disability"),
                    ("disaster", "遭受自然灾害或意外", "Disaster or accident"),
                    ("low_income", "家庭收入低于当地标准", "Household income below the local line"),
                    ("education", "子女就学困难", "Children's schooling"),
                ),
            ),
            _f("household_size", "家庭人口", "Household size", "number", min=1, max=20),
            _f(
                "monthly_household_income",
                "家庭月收入（元）",
                "Monthly household income (CNY)",
                "number",
                min=0,
                max=1_000_000,
            ),
            _f("description", "困难情况说明", "Your situation", "long_text", min_length=20, max_length=3000),
            ID_NUMBER,
            PHONE,
            _f("supporting_documents", "证明材料（诊断证明、收入证明等）", "Supporting documents", "file", max=5),
        ],
    },
    {
        "key": "skill_level_certification",
        "category": "certification",
        "title_zh": "技能等级认定申请",
        "title_en": "Skill-level certification application",
        "description_zh": "申报职业技能等级认定（五级/初级工至一级/高级技师），工会协助对接评价机构并提供培训补贴信息。",
        "description_en": "Apply for a vocational skill level (level 5, entry, up to level 1, senior technician); the "
        "union connects you with an assessment body and training subsidies.",
        "sla_hours": {"submitted": 24, "accepted": 72, "in_progress": 720},
        "fields": [
            _f(
                "occupation",
                "职业（工种）",
                "Occupation",
                "choice",
                options=_options(
                    ("online_delivery_rider", "网约配送员", "Online delivery rider"),
                    ("courier", "快递员", "Courier"),
                    ("electrician", "电工", "Electrician"),
                    ("welder", "焊工", "Welder"),
                    ("auto_mechanic", "汽车维修工", "Car mechanic"),
                    ("chinese_cook", "中式烹调师", "Chinese cook"),
                    ("elderly_care", "养老护理员", "Elderly carer"),
                    ("cleaner", "保洁员", "Cleaner"),
                ),
            ),
            _f(
                "level",
                "申报等级",
                "Level applied for",
                "choice",
                options=_options(
                    ("5", "五级/初级工", "Level 5 (entry)"),
                    ("4", "四级/中级工", "Level 4 (intermediate)"),
                    ("3", "三级/高级工", "Level 3 (advanced)"),
                    ("2", "二级/技师", "Level 2 (technician)"),
                    ("1", "一级/高级技师", "Level 1 (senior technician)"),
                ),
            ),
            _f("years_in_occupation", "从事本职业年限", "Years in the occupation", "number", min=0, max=50),
            _f(
                "current_certificate",
                "现有证书编号",
                "Current certificate number",
                "text",
                required=False,
                max_length=40,
                pattern=r"^[A-Za-z0-9-]+$",
            ),
            ID_NUMBER,
            _f(
                "evidence",
                "证明材料（工作年限证明、现有证书、培训记录）",
                "Evidence (work history, certificates, training records)",
                "file",
                max=5,
            ),
        ],
    },
    {
        "key": "job_seeking_help",
        "category": "employment",
        "title_zh": "求职帮扶",
        "title_en": "Job-seeking help",
        "description_zh": "登记求职意向，工会推荐岗位、职业指导和免费技能培训。",
        "description_en": "Tell us what work you want; the union recommends jobs, career advice and free training.",
        "sla_hours": {"submitted": 24, "accepted": 48, "in_progress": 240},
        "fields": [
            _f("desired_occupation", "期望职业", "Desired occupation", "text", max_length=60),
            _f("desired_city", "期望工作城市", "City", "text", max_length=40),
            _f("expected_monthly_wage", "期望月薪（元）", "Expected monthly wage (CNY)", "number", min=0, max=100_000),
            _f("available_from", "可到岗日期", "Available from", "date"),
            _f(
                "schedule",
                "工作时间",
                "Schedule",
                "choice",
                options=_options(
                    ("full_time", "全职", "Full time"),
                    ("part_time", "兼职", "Part time"),
                    ("flexible", "灵活就业", "Flexible"),
                ),
            ),
            _f("experience", "工作经历", "Work experience", "long_text", required=False, max_length=3000),
            PHONE,
            _f("resume", "简历", "CV", "file", required=False, max=1),
        ],
    },
]


def seed_scenarios() -> str:
    """Publish the scenarios that do not exist yet (matched by key)."""
    created = 0
    for data in SCENARIOS:
        try:
            create(SEED_ADMIN, ScenarioCreate.model_validate(data))
            created += 1
        except ScenarioExists:
            pass
    return f"{len(SCENARIOS)} service scenarios ({created} new)"
