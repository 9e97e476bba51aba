"""Real input is untidy: cut off mid-sentence, stray spaces, full- and half-width punctuation mixed.
Whatever the notice looks like, ``kjyd draft`` drafts what is there or says in one line why it
cannot — never a traceback — and what it writes passes the same validation as ``kjyd check``."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kjyd.draft import draft_text
from kjyd.errors import NoticeError
from kjyd.plan_schema import parse_plan
from tests.test_draft_quality import NOTICE_2022, needs_shared

NOTICE = NOTICE_2022.read_text(encoding="utf-8") if NOTICE_2022.exists() else ""
FIRST_TASK = NOTICE.find("(一)")
FIRST_SECTION = NOTICE.find("一、加力加速")
_WIDTH = str.maketrans({",": "，", "(": "（", ")": "）", ":": "：", ";": "；", "%": "％",
                        "，": ",", "（": "(", "）": ")", "：": ":", "；": ";", "％": "%"})
_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def drafted_or_refused(text: str) -> None:
    try:
        result = draft_text(text, "通知.txt")
    except NoticeError as err:
        assert "\n" not in str(err) and str(err)
        return
    plan = parse_plan(result.yaml_text, "草稿.yaml")
    assert len(plan.tasks) == len(result.draft.tasks)
    for task in result.draft.tasks:
        for target in task.targets:
            assert target.quote in task.text
    for headline in result.draft.headlines:
        assert headline.found.quote in result.draft.goals_text


pytestmark = [needs_shared, pytest.mark.filterwarnings("ignore")]
many = settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])


@many
@given(cut=st.integers(min_value=0, max_value=max(len(NOTICE), 1)))
def test_cut_off_anywhere(cut):
    drafted_or_refused(NOTICE[:cut])


def test_cut_off_before_the_first_section_keeps_the_goals_as_a_headline_only_plan():
    result = draft_text(NOTICE[:FIRST_SECTION], "通知.txt")
    plan = parse_plan(result.yaml_text, "草稿.yaml")
    assert plan.tasks == () and len(plan.headlines) == 8
    assert all(h.target_id.startswith("H") for h in plan.headlines)


@many
@given(cut=st.integers(min_value=0, max_value=max(len(NOTICE), 1)), seed=st.integers(0, 2**32 - 1))
def test_stray_spaces_anywhere(cut, seed):
    rng = random.Random(seed)
    chars = list(NOTICE)
    for _ in range(60):
        at = rng.randrange(len(chars))
        chars.insert(at, rng.choice([" ", "\u3000", "\u00a0", " \n"]))
    drafted_or_refused("".join(chars)[:cut])


@many
@given(seed=st.integers(0, 2**32 - 1), share=st.floats(0, 1))
def test_full_and_half_width_punctuation_and_digits_mixed(seed, share):
    rng = random.Random(seed)
    text = "".join(
        c.translate(_WIDTH).translate(_DIGITS) if rng.random() < share else c for c in NOTICE
    )
    drafted_or_refused(text)


def test_full_width_notice_finds_the_same_targets():
    full = NOTICE.translate(_WIDTH).translate(_DIGITS)
    plain = draft_text(NOTICE, "a.txt").draft
    wide = draft_text(full, "b.txt").draft
    assert [(g.number, g.unit, g.comparator) for t in wide.tasks for g in t.targets] == [
        (g.number, g.unit, g.comparator) for t in plain.tasks for g in t.targets
    ]
    assert len(wide.tasks) == 32 and len(wide.sections) == 10


@many
@given(st.text(alphabet=st.sampled_from(list("一二三、（）()1.：:，。新建个家亿元万%以上左右超过不少于\n 主要目标力争2022年")),
               max_size=300))
def test_arbitrary_fragments_of_plan_language(text):
    drafted_or_refused(text)


def test_tasks_before_the_first_section_heading_get_a_section():
    text = "2023年工作要点\n（一）建设平台。新建平台5个。\n一、培育企业\n（二）培育企业。新增企业10家。\n"
    result = draft_text(text, "通知.txt")
    plan = parse_plan(result.yaml_text, "草稿.yaml")
    assert [s.title for s in plan.sections] == ["其他任务", "培育企业"]
    assert [t.section for t in plan.tasks] == [1, 2]
