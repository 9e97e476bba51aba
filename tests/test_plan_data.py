"""Checks on data/plan2022.yaml against the published 2022 notice.

These tests read the YAML with plain ``yaml.safe_load`` (they do not import the
kjyd package), and compare it with expectations typed in here by hand from
《中共陕西省委科技工委 陕西省科学技术厅2022年科技工作要点》 (陕科工发〔2022〕3号).
Traceability tests additionally read the source text in /work/shared/source and
are skipped when it is not available.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

DATA_FILE = Path(__file__).parents[1] / "data" / "plan2022.yaml"
SOURCE_FILE = Path(__file__).parents[2] / "shared" / "source" / "shaanxi-kjt-2022-work-plan.txt"

CN_NUMERALS = [
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
    "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十",
    "二十一", "二十二", "二十三", "二十四", "二十五", "二十六", "二十七", "二十八", "二十九", "三十",
    "三十一", "三十二",
]

EXPECTED_SECTIONS = [
    "加力加速推进秦创原创新驱动平台建设",
    "持之以恒加强基础科学研究",
    "聚力开展关键核心技术攻关与应用",
    "强化民生科技创新工作",
    "加快科技成果转化和科技企业孵化",
    "推进区域创新协调发展",
    "全方位培养引进科技人才",
    "加大科技合作交流力度",
    "持续深化科技体制机制改革",
    "加强机关自身建设",
]

TASKS_PER_SECTION = [3, 3, 3, 3, 3, 3, 3, 2, 4, 5]

EXPECTED_TASK_TITLES = [
    "突出抓示范抓引领",  # (一)
    "完善协同创新体系",
    "加强监测评估考核",
    "培育国家战略科技力量",
    "优化实验室体系",
    "完善支持体系",
    "实施产业共性技术和“卡脖子”技术攻关",
    "实施种业自主创新工程",
    "实施碳达峰碳中和科技行动",
    "助力乡村振兴发展",  # (十)
    "保障人民生命健康",
    "推进社会事业科技创新工作",
    "促进科技成果转化",
    "实施科技型企业创新发展倍增计划",
    "提升企业自主创新能力",
    "促进高新区高质量发展",
    "提升市县科技创新能力",
    "推动科技资源开放共享",
    "完善人才发现培养机制",
    "完善人才引进机制",  # (二十)
    "加强科普工作",
    "加强央地省际间合作交流",
    "强化国际合作交流",
    "抓好科技政策扎实落地",
    "扎实推进科技体制改革三年攻坚",
    "全面落实科研项目和经费管理改革",
    "深化科技评价制度改革",
    "强化政治机关建设",
    "加强意识形态工作",
    "建设高素质专业化干部队伍",  # (三十)
    "推进全面依法行政",
    "落实全面从严治党主体责任",
]

# (task number, fragment of the target name, value, unit, comparator), in text order.
EXPECTED_TARGETS = [
    (1, "注册公司", 200, "个", "at_least"),
    (7, "共性技术研发平台", 5, "个", "reach"),
    (10, "科技特派员", 26, "个", "reach"),
    (11, "临床医学研究中心", 3, "个", "reach"),
    (11, "创新药物研究中心", 3, "个", "reach"),
    (12, "文化和科技融合示范基地", 5, "家", "reach"),
    (13, "中试基地", 10, "个", "about"),
    (13, "路演活动", 12, "场次", "reach"),
    (13, "路演活动", 200, "场次", "reach"),
    (13, "技术经理人", 200, "人次", "at_least"),
    (13, "技术合同成交额", 2500, "亿元", "reach"),
    (14, "孵化载体", 30, "个", "at_least"),
    (14, "科技型中小企业", 13000, "家", "reach"),
    (14, "高新技术企业", 1500, "家", "reach"),
    (14, "瞪羚企业", 200, "家", "reach"),
    (14, "拟上市科技企业", 30, "家", "reach"),
    (15, "新型研发平台", 20, "个", "reach"),
    (19, "领军人才", 50, "名", "reach"),
    (19, "杰出青年", 60, "名", "reach"),
    (19, "青年科技新星", 200, "名", "reach"),
    (19, "科技创新团队", 40, "个", "reach"),
    (20, "引智示范基地", 15, "个", "reach"),
    (20, "海外离岸创新中心", 6, "个", "reach"),
    (20, "引智服务站", 8, "个", "reach"),
    (20, "高端外国专家", 450, "人次", "reach"),
]

# (quote fragment, ref) for the eight 主要目标, in text order; None = headline-only.
EXPECTED_HEADLINES = [
    ("不少于200个", "1.1"),
    ("增长8%左右", None),
    ("新建20个省级研发平台", "15.1"),
    ("30个创新创业载体", "14.1"),
    ("技术合同成交额达到2500亿元", "13.5"),
    ("科技型中小企业1.3万家", "14.2"),
    ("新增高新技术企业1500家", "14.3"),
    ("瞪羚企业200家", "14.4"),
]

COMPARATORS = {"at_least", "about", "reach"}


@pytest.fixture(scope="module")
def plan() -> dict:
    with DATA_FILE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def source() -> str:
    if not SOURCE_FILE.exists():
        pytest.skip(f"source notice not available: {SOURCE_FILE}")
    return SOURCE_FILE.read_text(encoding="utf-8")


def figure(quote: str) -> float:
    """The number written in a quote, e.g. '1.3万家' -> 13000, '8%左右' -> 8."""
    m = re.search(r"(\d+(?:\.\d+)?)(万?)", quote)
    assert m, f"no figure in {quote!r}"
    value = float(m.group(1))
    return value * 10000 if m.group(2) else value


def targets_by_id(plan: dict) -> dict[str, dict]:
    return {
        f"{task['number']}.{i}": target
        for task in plan["tasks"]
        for i, target in enumerate(task["targets"], 1)
    }


# --- metadata ---------------------------------------------------------------


def test_metadata(plan):
    assert plan["id"] == "shaanxi-kjt-2022"
    assert plan["title"] == "中共陕西省委科技工委 陕西省科学技术厅2022年科技工作要点"
    assert plan["short_title"] == "2022年科技工作要点"
    assert plan["issuer"] == "中共陕西省委科技工委 陕西省科学技术厅"
    assert plan["document_number"] == "陕科工发〔2022〕3号"
    assert plan["issued"] == dt.date(2022, 3, 4)
    assert plan["published"] == dt.date(2022, 3, 8)
    assert plan["period"] == {"start": dt.date(2022, 1, 1), "end": dt.date(2022, 12, 31)}


# --- structure --------------------------------------------------------------


def test_sections(plan):
    sections = plan["sections"]
    assert [s["number"] for s in sections] == list(range(1, 11))
    assert [s["title"] for s in sections] == EXPECTED_SECTIONS


def test_tasks_numbered_and_split_by_section(plan):
    tasks = plan["tasks"]
    assert [t["number"] for t in tasks] == list(range(1, 33))
    split = [sum(1 for t in tasks if t["section"] == n) for n in range(1, 11)]
    assert split == TASKS_PER_SECTION
    # sections are contiguous and in order
    assert [t["section"] for t in tasks] == sorted(t["section"] for t in tasks)


def test_task_titles(plan):
    assert [t["title"] for t in plan["tasks"]] == EXPECTED_TASK_TITLES


def test_divisions_left_empty(plan):
    # The notice names no 牵头/配合处室; they must not be invented.
    for task in plan["tasks"]:
        assert task["lead_divisions"] == [], task["number"]
        assert task["support_divisions"] == [], task["number"]


def test_task_texts_are_nonempty_single_paragraphs(plan):
    for task in plan["tasks"]:
        text = task["text"]
        assert isinstance(text, str) and text.endswith("。"), task["number"]
        assert "\n" not in text, task["number"]
        assert not text.startswith(task["title"] + "。"), task["number"]


# --- targets ----------------------------------------------------------------


def test_targets_match_expected_list(plan):
    actual = [
        (task["number"], t["name"], t["value"], t["unit"], t["comparator"])
        for task in plan["tasks"]
        for t in task["targets"]
    ]
    assert len(actual) == len(EXPECTED_TARGETS)
    for got, (number, fragment, value, unit, comparator) in zip(actual, EXPECTED_TARGETS):
        assert got[0] == number, got
        assert fragment in got[1], got
        assert got[2] == value, got
        assert got[3] == unit, got
        assert got[4] == comparator, got


def test_target_fields(plan):
    for task in plan["tasks"]:
        for t in task["targets"]:
            assert set(t) == {"name", "value", "unit", "comparator", "quote"}, t
            assert t["comparator"] in COMPARATORS
            assert isinstance(t["value"], (int, float)) and t["value"] > 0


def test_target_quotes_are_in_task_text_in_order(plan):
    for task in plan["tasks"]:
        positions = []
        for t in task["targets"]:
            assert t["quote"] in task["text"], (task["number"], t["quote"])
            positions.append(task["text"].index(t["quote"]))
        assert positions == sorted(positions), task["number"]


def test_target_value_unit_and_comparator_agree_with_quote(plan):
    for task in plan["tasks"]:
        for t in task["targets"]:
            quote = t["quote"]
            assert figure(quote) == t["value"], quote
            assert t["unit"] in quote, quote
            if "不少于" in quote or "以上" in quote:
                assert t["comparator"] == "at_least", quote
            elif "左右" in quote:
                assert t["comparator"] == "about", quote
            else:
                assert t["comparator"] == "reach", quote


# --- headlines (主要目标) ---------------------------------------------------


def test_headlines(plan):
    headlines = plan["headlines"]
    assert len(headlines) == 8
    for h, (fragment, ref) in zip(headlines, EXPECTED_HEADLINES):
        assert fragment in h["quote"], h
        assert h.get("ref") == ref, h
        assert h["quote"] in plan["goals_text"], h


def test_headline_quotes_in_text_order(plan):
    positions = [plan["goals_text"].index(h["quote"]) for h in plan["headlines"]]
    assert positions == sorted(positions)


def test_headline_refs_point_at_matching_targets(plan):
    targets = targets_by_id(plan)
    for h in plan["headlines"]:
        if "ref" in h:
            # a referenced headline carries no figures of its own
            assert not {"value", "unit", "comparator"} & set(h), h
            target = targets[h["ref"]]
            assert target["value"] == figure(h["quote"]), h
            assert target["unit"] in h["quote"], h
        else:
            assert h["value"] == figure(h["quote"]), h
            assert h["unit"] in h["quote"], h
            assert h["comparator"] in COMPARATORS, h


def test_research_spending_headline(plan):
    h = plan["headlines"][1]
    assert (h["value"], h["unit"], h["comparator"]) == (8, "%", "about")


# --- traceability to the source notice --------------------------------------


def test_goals_text_is_verbatim(plan, source):
    assert "主要目标:" + plan["goals_text"] in source


def test_section_headings_are_verbatim(plan, source):
    lines = source.splitlines()
    for section in plan["sections"]:
        heading = f"{CN_NUMERALS[section['number'] - 1]}、{section['title']}"
        assert heading in lines, heading


def test_task_paragraphs_are_verbatim(plan, source):
    lines = source.splitlines()
    for task in plan["tasks"]:
        n = CN_NUMERALS[task["number"] - 1]
        body = f"{task['title']}。{task['text']}"
        # the notice as published uses ASCII parentheses; accept full-width too
        assert f"({n}){body}" in lines or f"（{n}）{body}" in lines, task["number"]


def test_task_paragraphs_sit_under_their_section(plan, source):
    lines = source.splitlines()
    current = 0
    found = {}
    for line in lines:
        for i, cn in enumerate(CN_NUMERALS[:10], 1):
            if line == f"{cn}、{EXPECTED_SECTIONS[i - 1]}":
                current = i
        m = re.match(r"^[(（]([一二三四五六七八九十]+)[)）]", line)
        if m and current:
            found[CN_NUMERALS.index(m.group(1)) + 1] = current
    assert found == {t["number"]: t["section"] for t in plan["tasks"]}


def test_every_target_quote_is_in_source(plan, source):
    for task in plan["tasks"]:
        for t in task["targets"]:
            assert t["quote"] in source, t["quote"]
