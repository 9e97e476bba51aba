"""How well ``kjyd draft`` reads real notices: the 2022 notice against the hand-made plan2022.yaml,
and the openings of other real plans against expectations typed here from their text."""

from __future__ import annotations

import pytest

from kjyd.draft import draft_notice, draft_text
from kjyd.plan_loader import load_plan
from tests.conftest import BUNDLED_PLAN, REPO

SHARED = REPO.parent / "shared" / "source"
NOTICE_2022 = SHARED / "shaanxi-kjt-2022-work-plan.txt"
OTHER = SHARED / "other-plans"

needs_shared = pytest.mark.skipif(not NOTICE_2022.exists(), reason="../shared/source is not beside this checkout")


def _number(value) -> float:
    return float(value)


@needs_shared
def test_2022_draft_matches_the_hand_made_plan_field_by_field():
    draft = draft_notice(NOTICE_2022).draft
    plan = load_plan(BUNDLED_PLAN, use_cache=False)

    sections = sum(1 for d, p in zip(draft.sections, plan.sections) if (d.number, d.title) == (p.number, p.title))
    tasks = sum(
        1 for d, p in zip(draft.tasks, plan.tasks)
        if (d.number, d.section, d.title, d.text) == (p.number, p.section, p.title, p.text)
    )
    expected = [t for t in plan.targets if t.task is not None and not t.implicit]
    drafted = {f"{t.number}.{j}": g for t in draft.tasks for j, g in enumerate(t.targets, 1)}
    right_targets = [
        t.id for t in expected
        if t.id in drafted and (_number(drafted[t.id].value), drafted[t.id].unit, drafted[t.id].comparator)
        == (_number(t.value), t.unit, t.comparator)
    ]
    right_kinds = [t.id for t in expected if t.id in drafted and drafted[t.id].kind == t.kind]
    spurious = sorted(set(drafted) - {t.id for t in expected})
    right_quotes = [t.id for t in expected if t.id in drafted and drafted[t.id].quote == t.quote]
    right_names = [t.id for t in expected if t.id in drafted and drafted[t.id].name == t.name]

    effective = plan.headline_targets()
    headlines = 0
    links = 0
    for i, (d, p) in enumerate(zip(draft.headlines, plan.headlines), 1):
        target = effective[i - 1]
        own_ok = (_number(d.found.value), d.found.unit) == (_number(target.value), target.unit)
        comparator_ok = d.ref is not None or (d.found.comparator, d.found.kind) == (target.comparator, target.kind)
        ref_ok = (d.ref or f"H{i}") == p.target_id
        headlines += own_ok and comparator_ok
        links += ref_ok

    print(
        f"\n2022 通知 → 草稿，对照 data/plan2022.yaml："
        f"\n  部分 {sections}/{len(plan.sections)}（编号+标题）"
        f"\n  任务 {tasks}/{len(plan.tasks)}（编号+所属部分+标题+正文）"
        f"\n  任务目标 {len(right_targets)}/{len(expected)}（数值+单位+比较方式），多出 {len(spurious)} 个 {spurious}"
        f"\n    其中类型一致 {len(right_kinds)}/{len(expected)}，引文一致 {len(right_quotes)}/{len(expected)}，"
        f"名称一致 {len(right_names)}/{len(expected)}"
        f"\n  主要目标 {headlines}/{len(plan.headlines)}（数值+单位+比较方式+类型），引用一致 {links}/{len(plan.headlines)}"
    )
    assert draft.title == plan.title and draft.short_title == plan.short_title
    assert (draft.issuer, draft.document_number) == (plan.issuer, plan.document_number)
    assert (draft.issued, draft.published, draft.start, draft.end) == (plan.issued, plan.published, plan.start, plan.end)
    assert draft.goals_text == plan.goals_text
    assert sections == len(plan.sections) == len(draft.sections) == 10
    assert tasks == len(plan.tasks) == len(draft.tasks) == 32
    assert len(right_targets) >= 24 and not spurious
    assert len(right_kinds) >= 24
    assert headlines == len(draft.headlines) == 8
    assert links == 8


@needs_shared
@pytest.mark.parametrize(
    ("name", "goals"),
    [
        (
            "xian_kjj_2022.txt",
            [  # typed from the notice's 主要预期目标
                (8700, "家", "reach", "total"),
                (10000, "家", "more_than", "flow"),
                (5, "%", "at_least", "level"),
                (1.5, "%", "at_least", "level"),
                (2200, "亿元", "more_than", "flow"),
                (500, "项", "reach", "flow"),
                (200, "家", "reach", "flow"),
            ],
        ),
        (
            "sichuan_kjt_2022.txt",
            [  # typed from the "力争…" sentence closing the overview
                (1200, "亿元", "reach", "flow"),
                (1420, "亿元", "reach", "flow"),
                (2.45, "万亿元", "reach", "flow"),
                (3500, "亿元", "reach", "flow"),
            ],
        ),
    ],
)
def test_other_plans_every_goal_found_and_nothing_else(name, goals):
    draft = draft_notice(OTHER / name).draft
    found = [(_number(h.found.value), h.found.unit, h.found.comparator, h.found.kind) for h in draft.headlines]
    assert found == [(float(v), u, c, k) for v, u, c, k in goals]
    for headline in draft.headlines:
        assert headline.found.quote in draft.goals_text


@needs_shared
def test_other_plans_structure_and_metadata():
    sichuan = draft_notice(OTHER / "sichuan_kjt_2022.txt").draft
    assert sichuan.title == "2022年全省科技创新工作要点"
    assert (sichuan.issuer, sichuan.document_number) == ("四川省科学技术厅", "川科发〔2022〕2号")
    assert sichuan.goals_text.startswith("力争全省全社会研发经费支出总量达到1200亿元")
    assert sichuan.sections == [] and sichuan.numbering == "arabic"
    assert [(t.title, t.section) for t in sichuan.tasks] == [("加快成渝地区协同创新", None)]

    xian = draft_notice(OTHER / "xian_kjj_2022.txt").draft
    assert xian.title == "2022年西安市科技工作要点"
    assert xian.issuer == "西安市科学技术局" and xian.document_number is None
    assert str(xian.issued) == "2022-03-10"
    assert xian.goals_text.startswith("国家高新技术企业总数达到8700家")
    assert (xian.start.isoformat(), xian.end.isoformat()) == ("2022-01-01", "2022-12-31")


def test_a_plan_numbered_one_dot_under_sections_gets_sections_and_sequential_tasks():
    notice = "\n".join([
        "某市科学技术局关于印发《2023年某市科技工作要点》的通知",
        "某科发〔2023〕7号",
        "2023年是……的关键之年。",
        "主要目标：新增高新技术企业300家、科技型中小企业800家，技术合同成交额达到120亿元以上。",
        "一、强化创新平台",
        "1.建设重点实验室。新建市级重点实验室10个。",
        "2.建设中试基地。布局建设中试基地3个左右。",
        "二、培育创新主体",
        "1.培育高新技术企业。新增高新技术企业300家。",
        "2.培育科技型中小企业。评价入库科技型中小企业800家。",
    ])
    draft = draft_text(notice, "通知.txt").draft
    assert [(s.number, s.title) for s in draft.sections] == [(1, "强化创新平台"), (2, "培育创新主体")]
    assert [(t.number, t.section, t.title) for t in draft.tasks] == [
        (1, 1, "建设重点实验室"), (2, 1, "建设中试基地"), (3, 2, "培育高新技术企业"), (4, 2, "培育科技型中小企业"),
    ]
    assert draft.numbering == "arabic"
    assert [(h.found.name, h.found.number, h.found.unit, h.found.comparator, h.ref) for h in draft.headlines] == [
        ("新增高新技术企业", 300, "家", "reach", "3.1"),
        ("新增科技型中小企业", 800, "家", "reach", "4.1"),
        ("技术合同成交额", 120, "亿元", "at_least", None),
    ]
    assert [(g.name, g.number, g.unit, g.comparator) for g in draft.tasks[1].targets] == [
        ("布局建设中试基地", 3, "个", "about")
    ]


def test_goals_under_a_heading_and_dash_bullets_as_tasks():
    notice = "\n".join([
        "2024年科技工作要点",
        "（一）主要目标",
        "到2024年底，科技进步贡献率达到62%，全社会研发投入强度不低于2.5%，高新技术企业总数突破1万家。",
        "（二）重点任务",
        "——实施关键核心技术攻关。组织实施重大专项20项。",
        "——优化创新生态。",
    ])
    draft = draft_text(notice, "x.txt").draft
    assert [(h.found.number, h.found.unit, h.found.comparator, h.found.kind) for h in draft.headlines] == [
        (62, "%", "reach", "level"), (2.5, "%", "at_least", "level"), (10000, "家", "more_than", "total"),
    ]
    assert [t.title for t in draft.tasks] == ["实施关键核心技术攻关", "优化创新生态"]
    assert [(g.number, g.unit) for g in draft.tasks[0].targets] == [(20, "项")]


ACTION_PLAN = """\
某某市科学技术局关于印发《某某市科技创新能力提升三年行动方案（2023—2025年）》的通知
某市科发〔2023〕12号
各区县科技局，各有关单位：
现将《某某市科技创新能力提升三年行动方案（2023—2025年）》印发给你们，请结合实际认真贯彻落实。
某某市科学技术局
2023年4月6日
某某市科技创新能力提升三年行动方案（2023—2025年）
为深入实施创新驱动发展战略，制定本方案。
一、总体要求
（一）指导思想
以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神。
（二）主要目标
到2025年，全市全社会研发经费投入强度提高到2.8%，高新技术企业总数突破2000家，科技型中小企业评价入库3000余家，\
每万人口高价值发明专利拥有量达到12件，技术合同成交额年均增长15%以上。
二、重点任务
（一）壮大创新主体
1.培育高新技术企业。实施高新技术企业倍增计划，每年新增高新技术企业300家以上。
2.支持企业研发。推动规上工业企业研发机构覆盖率达到50%。
（二）建设创新平台
3.布局重点实验室。新建市级重点实验室20个、工程技术研究中心30个。
4.建设中试基地。建设中试基地5—8个。
三、保障措施
（一）加强组织领导。成立工作专班，每季度召开1次推进会。
（二）加大资金投入。市级财政每年安排科技专项资金不少于5亿元。
"""


def test_a_multi_year_action_plan_with_framing_parts():
    """一、总体要求 / 二、重点任务 / 三、保障措施 group the sections; 指导思想 and 主要目标 are not tasks."""
    draft = draft_text(ACTION_PLAN, "方案.txt").draft
    assert draft.title == "某某市科技创新能力提升三年行动方案（2023—2025年）"
    assert (draft.start.isoformat(), draft.end.isoformat()) == ("2023-01-01", "2025-12-31")
    assert (draft.issuer, draft.document_number, str(draft.issued)) == ("某某市科学技术局", "某市科发〔2023〕12号", "2023-04-06")
    assert [(h.found.number, h.found.unit, h.found.comparator, h.found.kind) for h in draft.headlines] == [
        (2.8, "%", "reach", "level"),
        (2000, "家", "more_than", "total"),
        (3000, "家", "more_than", "flow"),
        (12, "件", "reach", "level"),
        (15, "%", "at_least", "level"),
    ]
    assert [s.title for s in draft.sections] == ["壮大创新主体", "建设创新平台", "保障措施"]
    assert [(t.number, t.section, t.title) for t in draft.tasks] == [
        (1, 1, "培育高新技术企业"), (2, 1, "支持企业研发"), (3, 2, "布局重点实验室"), (4, 2, "建设中试基地"),
        (5, 3, "加强组织领导"), (6, 3, "加大资金投入"),
    ]
    targets = [(t.number, g.number, g.unit, g.comparator) for t in draft.tasks for g in t.targets]
    assert targets == [
        (1, 300, "家", "at_least"), (2, 50, "%", "reach"), (3, 20, "个", "reach"), (3, 30, "个", "reach"),
        (4, 5, "个", "at_least"), (6, 5, "亿元", "at_least"),
    ]
    every_year = draft.tasks[0].targets[0]
    assert any("每年" in note and "2023—2025" in note for note in every_year.notes)


PROVINCE_2024 = """\
2024年全省科技工作要点
2024年是实现“十四五”规划目标任务的关键一年。全省科技工作的总体要求是：坚持以习近平新时代中国特色社会主义思想为指导，\
全面贯彻落实党的二十大和二十届二中全会精神。主要目标是：全社会研发投入增长10%以上，技术合同成交额突破5000亿元，\
新增科技型中小企业2000家、高新技术企业1000家，新建省级重点实验室10个左右。
（一）强化战略科技力量。争创国家实验室基地1个，新建省级重点实验室10个左右，重组省级重点实验室不少于30个。
（二）壮大科技型企业。新增科技型中小企业2000家、高新技术企业1000家，规上工业企业研发机构覆盖率提高到45%。
（三）深化科技体制改革。开展“三评”改革试点，落实“揭榜挂帅”等制度。
（四）优化创新生态。技术合同成交额突破5000亿元，培训技术经理人1000人次，举办“科创中国”活动50场以上。
"""


def test_goals_inline_in_the_overview_and_tasks_without_sections():
    draft = draft_text(PROVINCE_2024, "要点.txt").draft
    assert draft.title == "2024年全省科技工作要点" and draft.sections == []
    assert draft.goals_text.startswith("全社会研发投入增长10%以上") and draft.goals_text.endswith("10个左右。")
    assert [(h.found.number, h.found.unit, h.found.comparator, h.ref) for h in draft.headlines] == [
        (10, "%", "at_least", None),
        (5000, "亿元", "more_than", "4.1"),
        (2000, "家", "reach", "2.1"),
        (1000, "家", "reach", "2.2"),
        (10, "个", "about", "1.2"),
    ]
    assert [len(t.targets) for t in draft.tasks] == [3, 3, 0, 3]
    assert [(g.name, g.number, g.unit, g.kind) for g in draft.tasks[1].targets][2] == (
        "规上工业企业研发机构覆盖率", 45, "%", "level"
    )


CITY_2025 = """\
关于印发2025年全市科技工作要点的通知
各区科技局：
现将2025年全市科技工作要点印发给你们，请认真抓好落实。
某市科学技术局
2025年2月20日
2025年全市科技工作要点
一、总体思路
坚持以科技创新引领产业创新。
二、主要目标：
——全社会研发经费投入强度达到3.2%；
——高新技术企业保有量达到5500家；
——技术合同成交额超过800亿元；
——新培育科技型中小企业1200家以上。
三、重点工作
（一）打造创新平台。新建省级以上创新平台15个。
（二）培育创新主体。新培育科技型中小企业1200家以上，高新技术企业净增500家。
四、工作要求
各单位要明确责任分工，于每月5日前报送工作进展。
"""


def test_goals_as_dash_lines_under_a_numbered_heading():
    draft = draft_text(CITY_2025, "要点.txt").draft
    assert draft.title == "2025年全市科技工作要点"
    assert (draft.issuer, str(draft.issued)) == ("某市科学技术局", "2025-02-20")
    assert [(h.found.name, h.found.number, h.found.unit, h.found.comparator, h.found.kind, h.ref)
            for h in draft.headlines] == [
        ("全社会研发经费投入强度", 3.2, "%", "reach", "level", None),
        ("高新技术企业保有量", 5500, "家", "reach", "total", None),
        ("技术合同成交额", 800, "亿元", "more_than", "flow", None),
        ("新培育科技型中小企业", 1200, "家", "at_least", "flow", "2.1"),
    ]
    assert [s.title for s in draft.sections] == ["重点工作"]
    assert [t.title for t in draft.tasks] == ["打造创新平台", "培育创新主体"]


def test_numbered_points_of_the_covering_letter_are_not_tasks():
    notice = "\n".join([
        "某省科学技术厅关于印发《2023年全省科技工作要点》的通知",
        "各市科技局：",
        "现将《2023年全省科技工作要点》印发给你们，并就有关事项通知如下：",
        "一、高度重视。各地要把落实工作要点作为重要任务。",
        "二、按时报送。请于每季度末报送进展情况。",
        "某省科学技术厅",
        "2023年1月30日",
        "2023年全省科技工作要点",
        "主要目标：新增高新技术企业800家。",
        "一、培育科技企业",
        "（一）实施倍增计划。新增高新技术企业800家。",
        "二、建设创新平台",
        "（二）建设重点实验室。新建省重点实验室10个。",
    ])
    draft = draft_text(notice, "通知.txt").draft
    assert [s.title for s in draft.sections] == ["培育科技企业", "建设创新平台"]
    assert [t.title for t in draft.tasks] == ["实施倍增计划", "建设重点实验室"]
    assert [(h.found.number, h.ref) for h in draft.headlines] == [(800, "1.1")]


def test_items_with_their_own_text_are_tasks_and_their_details_stay_inside():
    notice = "\n".join([
        "2023年全省科技创新工作要点",
        "力争全省技术合同成交额达到1600亿元。",
        "1.加快成渝地区协同创新。落实协同创新行动方案，重点抓好以下工作：",
        "（1）共建成渝综合性科学中心，新建联合实验室5个；",
        "（2）举办双城创新活动10场。",
        "2.强化基础研究。实施基础研究十年行动，新建基础研究中心3个。",
    ])
    draft = draft_text(notice, "要点.txt").draft
    assert draft.sections == []
    assert [t.title for t in draft.tasks] == ["加快成渝地区协同创新", "强化基础研究"]
    assert "（2）举办双城创新活动10场。" in draft.tasks[0].text
    assert [(g.name, g.number, g.unit) for g in draft.tasks[0].targets] == [
        ("新建联合实验室", 5, "个"), ("举办双城创新活动", 10, "场"),
    ]
    assert [(h.found.number, h.found.unit) for h in draft.headlines] == [(1600, "亿元")]


def test_headline_links_across_money_units_and_needs_shared_wording():
    notice = "\n".join([
        "2023年工作要点",
        "主要目标：技术合同成交额达到0.3万亿元，新增瞪羚企业200家。",
        "（一）促进成果转化。技术合同成交额达到3000亿元。",
        "（二）培育企业。培育拟上市企业200家。",
    ])
    draft = draft_text(notice, "要点.txt").draft
    money, gazelles = draft.headlines
    assert money.ref == "1.1" and any("数值和单位相同" in n for n in money.notes)
    assert gazelles.ref is None  # same 200家, but nothing in common with 拟上市企业
    assert any("2.1" in n and "未关联" in n for n in gazelles.notes)
