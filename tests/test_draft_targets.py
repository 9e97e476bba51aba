"""What counts as a target in a plan's sentence, and what does not."""

from __future__ import annotations

import pytest

from kjyd.draft.targets import find_targets


def found(text: str) -> list[tuple]:
    return [(t.name, t.number, t.unit, t.comparator, t.kind) for t in find_targets(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("新建5个共性技术研发平台", [("新建共性技术研发平台", 5, "个", "reach", "flow")]),
        ("新建省级引智示范基地15个", [("新建省级引智示范基地", 15, "个", "reach", "flow")]),
        ("新增高新技术企业1500家、瞪羚企业200家",
         [("新增高新技术企业", 1500, "家", "reach", "flow"), ("新增瞪羚企业", 200, "家", "reach", "flow")]),
        ("培育50名领军人才、60名杰出青年",
         [("培育领军人才", 50, "名", "reach", "flow"), ("培育杰出青年", 60, "名", "reach", "flow")]),
        ("新建3个临床医学研究中心和3个创新药物研究中心",
         [("新建临床医学研究中心", 3, "个", "reach", "flow"), ("新建创新药物研究中心", 3, "个", "reach", "flow")]),
        ("认定科技型中小企业1.3万家", [("认定科技型中小企业", 13000, "家", "reach", "flow")]),
        ("高新技术产业实现营业收入2.45 万亿元", [("高新技术产业实现营业收入", 2.45, "万亿元", "reach", "flow")]),
        ("技术合同成交额达到2500亿元", [("技术合同成交额", 2500, "亿元", "reach", "flow")]),
        ("培训技术经理人200人次以上", [("培训技术经理人", 200, "人次", "at_least", "flow")]),
        ("总窗口完成注册公司不少于200个", [("总窗口完成注册公司", 200, "个", "at_least", "flow")]),
        ("技术合同成交额超过2200亿元", [("技术合同成交额", 2200, "亿元", "more_than", "flow")]),
        ("技术合同成交额突破3000亿元", [("技术合同成交额", 3000, "亿元", "more_than", "flow")]),
        ("布局建设10个左右中试基地", [("布局建设中试基地", 10, "个", "about", "flow")]),
        ("单位能耗控制在0.5吨以内", [("单位能耗", 0.5, "吨", "at_most", "flow")]),
        ("新增债务不超过20亿元", [("新增债务", 20, "亿元", "at_most", "flow")]),
        ("全社会研发投入强度保持在5%以上", [("全社会研发投入强度", 5, "%", "at_least", "level")]),
        ("研发经费投入增长8%左右", [("研发经费投入增长", 8, "%", "about", "level")]),
        ("科技进步贡献率达到59.5%", [("科技进步贡献率", 59.5, "%", "reach", "level")]),
        ("国家高新技术企业总数达到8700家", [("国家高新技术企业总数", 8700, "家", "reach", "total")]),
        ("累计培育科技型中小企业2万家", [("累计培育科技型中小企业", 20000, "家", "reach", "total")]),
        ("新增高新技术企业１５００家", [("新增高新技术企业", 1500, "家", "reach", "flow")]),
        ("技术合同成交额达到2,500亿元", [("技术合同成交额", 2500, "亿元", "reach", "flow")]),
        ("新增高新技术企业 5000 家", [("新增高新技术企业", 5000, "家", "reach", "flow")]),
        ("技术合同交易额突破1000亿元大关", [("技术合同交易额", 1000, "亿元", "more_than", "flow")]),
        ("建设中试基地5—8个", [("建设中试基地", 5, "个", "at_least", "flow")]),
        ("科技型中小企业评价入库3000余家", [("科技型中小企业评价入库", 3000, "家", "more_than", "flow")]),
        ("研发投入强度提高到2.8%", [("研发投入强度", 2.8, "%", "reach", "level")]),
        ("科技进步贡献率提高2个百分点", [("科技进步贡献率提高", 2, "个百分点", "reach", "level")]),
        ("每万人口高价值发明专利拥有量达到12件", [("每万人口高价值发明专利拥有量", 12, "件", "reach", "level")]),
        ("——高新技术企业保有量达到5500家；", [("高新技术企业保有量", 5500, "家", "reach", "total")]),
    ],
)
def test_targets_as_plans_write_them(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2022年是党的二十大召开之年,是实施“十四五”科技创新发展规划承上启下的关键之年",
        "增强“四个意识”,坚定“四个自信”,做到“两个维护”",
        "完善“1+N”政策体系,指导各地市完善政策",
        "扎实推进科技体制改革三年攻坚",
        "“一市一策”谋划推进地方科技工作重点任务",
        "新建一批省重点实验室",
        "承接国家科技创新2030—农业生物育种重大项目",
        "到2027年,基本建成创新型省份",
        "全省区域创新能力位居全国第8位",
        "进入全国前10名",
        "围绕3个方面推进改革",
        "落实《关于实施“5个100”工程的意见》",
        "继续实施百名科技特派员助力振兴百村行动",
        "推进5G基站建设",
        "在30日内办结",
        "2022年3月4日",
        "每季度召开1次推进会",
    ],
)
def test_slogans_ordinals_years_and_names_are_not_targets(text):
    assert found(text) == []


def test_quote_is_a_verbatim_slice_of_the_text_even_with_full_width_forms():
    text = "支持企业，新增高新技术企业１５００家、瞪羚企业 200 家。"
    for target in find_targets(text):
        assert target.quote in text
    assert [t.quote for t in find_targets(text)] == ["新增高新技术企业１５００家", "瞪羚企业 200 家"]


def test_notes_say_why_for_each_guess():
    target, = find_targets("国家高新技术企业总数超过8700家")
    assert any("more_than" in n and "超过" in n for n in target.notes)
    assert any("total" in n and "baseline" in n for n in target.notes)
    listed = find_targets("新增高新技术企业1500家、瞪羚企业200家")[1]
    assert any("新增" in n and "列举" in n for n in listed.notes)


def test_a_count_reached_without_saying_new_or_total_asks_which():
    stock, = find_targets("全省高新技术企业达到1.2万家")
    assert stock.kind == "flow"
    assert any("新增还是总数" in n and "kind: total" in n for n in stock.notes)
    new, = find_targets("新增高新技术企业达到1500家")
    assert not any("新增还是总数" in n for n in new.notes)
