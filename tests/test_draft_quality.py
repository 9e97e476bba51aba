"""How well ``kjyd draft`` reads real notices: the 2022 notice against the hand-made plan2022.yaml,
and the openings of other real plans against expectations typed here from their text."""

from __future__ import annotations

from pathlib import Path

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
