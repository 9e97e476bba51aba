"""Quantitative targets in a sentence of a notice: 新建5个…、…基地15个、技术合同成交额达到2500亿元.

The rules follow how work plans are written rather than any one plan:

* A target is an Arabic number with a unit (GB/T 15835 has statistics in Arabic numerals), so the
  Chinese numerals of slogans and ordinals — 十四五、四个意识、三年攻坚、二十大、一市一策、一批 —
  are never read as targets; nor are years and dates (no unit), numbers inside quotation marks or
  book titles (“1+N”, 《…2030…》), ordinals and ranks (第3、前10位), or "3个方面".
* The number may stand before the noun (新建5个共性技术研发平台) or after it (新建省级引智示范基地15个).
  Items of a list share the verb of the first one (新增高新技术企业1500家、瞪羚企业200家 → 新增瞪羚企业).
* 万/亿/万亿 multiply a count (1.3万家 → 13000 家) and stay in a money unit (2.45万亿元 → 2.45 万亿元).
* The wording gives the comparator (不少于/以上 → at_least, 超过/突破 → more_than, 左右 → about,
  控制在…以内/不超过 → at_most, otherwise reach) and the kind (总数/累计/保有 → total; a ratio,
  intensity, index or growth in % → level; otherwise flow).

Every decision that is a guess is recorded as a note, which the plan writer turns into a
``# 请核对：`` comment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

# Full-width ASCII forms → ASCII, one character for one, so positions in the normalised text are
# positions in the original and quotes can be cut from the original.
_HALF = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def half_width(text: str) -> str:
    return text.translate(_HALF)


_MONEY = "万亿元|亿美元|万美元|亿元|万元|千元|美元|元"
_COUNT = (
    "个百分点|百分点|人次|场次|家次|项次|批次|户次|平方公里|平方米|公顷|千米|公里|千瓦|兆瓦|吨|亩|"
    "个|家|项|名|人|位|场|次|所|座|处|条|台|套|件|篇|部|支|批|户|款|种|株|头|份|例|本|册|门|间|"
    "%|‰|倍"
)
_NUMBER = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_UPPER = r"(?:\s?[-—–~～至到]\s?(?P<upper>\d+(?:\.\d+)?))?"  # a range: 5—8个, 3-5家
QUANTITY = re.compile(
    rf"(?<![\d.,])\s?{_NUMBER}{_UPPER}\s*(?:(?P<money_more>余|多)?(?P<money>{_MONEY})"
    rf"|(?P<mult>万亿|亿|万|千)?(?P<more>余|多)?\s*(?P<unit>{_COUNT}))"
)
_MULTIPLIER = {"万亿": Decimal(10) ** 12, "亿": Decimal(10) ** 8, "万": Decimal(10) ** 4, "千": Decimal(1000)}

# Comparator words, longest first. Before the number, and after the unit.
_BEFORE = [
    ("不少于", "at_least"), ("不低于", "at_least"), ("不小于", "at_least"), ("至少", "at_least"),
    ("不超过", "at_most"), ("不高于", "at_most"), ("不多于", "at_most"), ("控制在", "at_most"),
    ("超过", "more_than"), ("突破", "more_than"), ("多于", "more_than"), ("高于", "more_than"),
    ("超", "more_than"), ("逾", "more_than"),
    ("保持在", "reach"), ("力争达到", "reach"), ("达到", "reach"), ("达", "reach"), ("实现", "reach"),
    ("提高到", "reach"), ("提升到", "reach"), ("增加到", "reach"), ("增长到", "reach"), ("扩大到", "reach"),
    ("提高至", "reach"), ("提升至", "reach"), ("增加至", "reach"), ("增长至", "reach"), ("达至", "reach"),
    ("降低到", "at_most"), ("降低至", "at_most"), ("下降到", "at_most"), ("下降至", "at_most"),
    ("约", "about"), ("大约", "about"),
]
_AFTER = [
    ("及以上", "at_least"), ("以上", "at_least"), ("左右", "about"), ("上下", "about"),
    ("以内", "at_most"), ("之内", "at_most"), ("以下", "at_most"),
]
# A one-character comparator word that is the end of another word: 节约5% is not 约5%.
_NOT_COMPARATOR = {"约": tuple("节制签预公条契邀特履违"), "达": tuple("下送到表传通发抵直"),
                   "超": tuple("赶")}

# Verbs that open a target phrase (longest first when searched). Only used to cut a long clause
# down to its verb (依托…企业布局建设10个… → 布局建设…) and to hand a list's verb to its other items.
VERBS = sorted(
    """新建 新增 新认定 认定 评价入库 入库 培育 新培育 培养 建设 布局建设 共建 组建 创建 打造 建成 引进 引育
    培训 举办 开展 指导 实施 资助 立项 推进 推动 完成 转化 推广 争取 攻克 突破 服务 带动 吸引 孵化 备案 登记 设立
    发放 投入 部署 遴选 选派 派驻 认证 争创 创办 发布 制定 修订 出台 研发 落地 签约 征集 对接 举行 组织 扶持
    招引 注册 新注册 挂牌 授权 形成 集聚 聚集 汇聚 建立 获批 支持 申报 审定 验收 启动 谋划 储备 提供 开放
    奖补 兑现 补助 奖励 新布局 新组建 新培养 新引进 新建设 新评价 新备案 新获批 收录 推荐 评选 表彰""".split(),
    key=len, reverse=True,
)
_FILLERS = ("力争", "争取", "确保", "努力", "支持", "推动", "全年", "年内", "今年", "并", "同时", "其中", "再")
_TRAILING = re.compile(r"(?:的)?(?:大关|规模|水平|目标|台阶|总量)")
_NOT_AFTER_UNIT = re.compile(
    r"(?:重点|主要|关键|核心)?(?:方面|领域|环节|层面|阶段|维度|着力点|抓手|原则|方向|板块|大类|梯次|步骤)"
    r"|年|月|日|周|天"
)
_BEFORE_NOT = re.compile(r"(?:第|前|排名|位居|居|每|近|每年|连续)\s?$")
_QUOTES = re.compile(r"“[^”]*”|《[^》]*》|\"[^\"]*\"|「[^」]*」|‘[^’]*’|〔[^〕]*〕|\[[^\]]*\]")
# What may open a clause without being part of a target's name: spaces, —— bullets, (1)/（一）/①.
_BULLET = re.compile(r"(?:[\s—–\-·•●▪◆]|[(（](?:\d{1,3}|[一二三四五六七八九十]{1,3})[)）]|[①-⑳])*")
# Clause boundaries: punctuation, and 和/及/与 right before another number (3个A和3个B).
_CLAUSE_END = re.compile(r"[，；;。：:！？!?\n]|(?<!\d),|,(?!\d{3}(?:\D|$))")  # not 2,500
_LIST_SEP = re.compile(r"、|(?:和|及|与|以及)(?=\s?\d)")

LEVEL_WORDS = re.compile(
    r"强度|比重|占比|比例|贡献率|指数|覆盖率|转化率|增长率|增速|率$|率达|水平|每万|万人|人均|拥有量|密度|"
    r"增长|提高|提升|下降|降低"
)
TOTAL_WORDS = re.compile(r"总数|累计|保有|存量|总规模|总计")


@dataclass
class Found:
    """A target as found in a text: ``quote`` is a verbatim slice of that text."""

    name: str
    value: Decimal
    unit: str
    comparator: str
    kind: str
    quote: str
    start: int
    notes: list[str] = field(default_factory=list)

    @property
    def number(self) -> int | float:
        return int(self.value) if self.value == self.value.to_integral_value() else float(self.value)


def _spans(pattern: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _strip_fillers(text: str) -> str:
    changed = True
    while changed and text:
        changed = False
        for word in _FILLERS:
            if text.startswith(word) and len(text) > len(word) + 1:
                text, changed = text[len(word):], True
    return text


def _leading_verb(text: str) -> str:
    text = _strip_fillers(text)
    return next((v for v in VERBS if text.startswith(v)), "")


def _last_verb(text: str) -> tuple[int, str]:
    """Where the last verb in ``text`` starts, or (-1, ""). Of verbs ending at the same place the
    longest wins (布局建设, not 建设)."""
    best = (-1, -1, "")  # (end, -start, verb)
    for verb in VERBS:
        at = text.rfind(verb)
        if at >= 0:
            best = max(best, (at + len(verb), -at, verb))
    return (-best[1], best[2]) if best[0] >= 0 else (-1, "")


def _comparator_before(pre: str) -> tuple[str | None, str]:
    """The comparator word that ends ``pre`` (if any) and ``pre`` without it."""
    text = pre.rstrip()
    for word, comparator in sorted(_BEFORE, key=lambda w: -len(w[0])):
        if text.endswith(word) and not text[: -len(word)].endswith(_NOT_COMPARATOR.get(word, ())):
            return comparator, text[: -len(word)]
    return None, pre


def _comparator_after(post: str) -> tuple[str | None, int]:
    stripped = post.lstrip()
    for word, comparator in _AFTER:
        if stripped.startswith(word):
            return comparator, len(post) - len(stripped) + len(word)
    return None, 0


def _clauses(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, continues_list) for each clause; list items separated by 、 continue a list."""
    out: list[tuple[int, int, bool]] = []
    start = 0
    continues = False
    boundary = re.compile(f"{_CLAUSE_END.pattern}|{_LIST_SEP.pattern}")
    for m in boundary.finditer(text):
        out.append((start, m.start(), continues))
        continues = bool(_LIST_SEP.fullmatch(m.group()))
        start = m.end()
    out.append((start, len(text), continues))
    return out


def find_targets(text: str) -> list[Found]:
    """Every quantitative target in ``text`` (a task's text or the goals paragraph), in order."""
    norm = half_width(text)
    protected = _spans(_QUOTES, norm)
    found: list[Found] = []
    list_verb = ""
    previous_had_target = False
    for start, end, continues in _clauses(norm):
        clause = norm[start:end]
        if not continues and not (previous_had_target and _starts_with_number(clause)):
            list_verb = ""
        matches = [m for m in QUANTITY.finditer(clause) if _is_target(m, clause, start, protected)]
        if not matches:
            previous_had_target = False
            if not continues:
                list_verb = ""
            continue
        own_verb = _leading_verb(clause.strip())
        for m in matches[:1]:  # one target per clause; a second number is detail (…项目200个，其中…)
            item = _build(m, clause, start, text, list_verb)
            if item is not None:
                found.append(item)
        if own_verb:
            list_verb = own_verb
        elif not list_verb:
            pre = clause[: matches[0].start()]
            at, verb = _last_verb(pre)
            if at >= 0:
                list_verb = verb
        previous_had_target = True
    return found


def _starts_with_number(clause: str) -> bool:
    """"…1500家，200家瞪羚企业": a clause opening with its number continues the previous one's verb."""
    m = QUANTITY.match(clause.lstrip())
    return m is not None and m.start("num") == 0


def _is_target(m: re.Match, clause: str, offset: int, protected: list[tuple[int, int]]) -> bool:
    num_at = m.start("num")
    if _inside(offset + num_at, protected):
        return False
    before = clause[:num_at]
    if _BEFORE_NOT.search(before) or before.rstrip().endswith(("+", "-", "—", "/", "×", "*")):
        return False
    after = clause[m.end():]
    if after.lstrip().startswith(("+", "/", "—", "-", ".")) and not after.lstrip().startswith("—"):
        return False
    if m.group("unit") and _NOT_AFTER_UNIT.match(after.lstrip()):
        return False
    if m.group("unit") in ("次", "位", "部", "门", "本", "间", "头") and not before.strip():
        return False  # "3次会议" at a clause start is an event count in passing, not a goal
    if m.group("unit") in ("次", "场", "场次") and re.search(r"每(?:年|半年|季度?|月|周|旬)", before):
        return False  # 每季度召开1次推进会: how often, not how much
    value = Decimal(m.group("num").replace(",", ""))
    return value > 0


def _build(m: re.Match, clause: str, offset: int, original: str, list_verb: str) -> Found | None:
    notes: list[str] = []
    value = Decimal(m.group("num").replace(",", ""))
    if m.group("upper"):
        notes.append(f"原文为区间“{m.group('num')}—{m.group('upper')}”，取下限 {m.group('num')}，比较方式 at_least")
    if m.group("money"):
        unit = m.group("money")
    else:
        unit = m.group("unit")
        if m.group("mult"):
            value *= _MULTIPLIER[m.group("mult")]
            notes.append(f"原文“{m.group('num')}{m.group('mult')}{unit}”记为 {_plain(value)}{unit}")
    pre_full = clause[: m.start("num")]
    comparator, pre = _comparator_before(pre_full)
    after_cmp, after_len = _comparator_after(clause[m.end():])
    if after_cmp is not None:
        comparator = "more_than" if comparator == "more_than" else after_cmp
    comparator = comparator or "reach"
    said = None  # the notice's own word for the comparator, for the review note
    if m.group("upper"):
        comparator, said = "at_least", f"{m.group('num')}—{m.group('upper')}"
    elif m.group("more") or m.group("money_more"):
        comparator, said = "more_than", m.group("num") + (m.group("more") or m.group("money_more"))
    post_start = m.end() + after_len
    post = clause[post_start:]
    noun = post.strip()
    lead = _BULLET.match(clause).end()  # spaces and "——" bullets are not part of the name or quote
    pre = pre[lead:] if len(pre) >= lead else pre

    if _TRAILING.fullmatch(noun):  # 突破1000亿元大关, 达到3000亿元规模: the noun is before the number
        noun = ""
    if len(re.findall(r"[\u4e00-\u9fff]", noun)) >= 2:  # number before the noun: 新建5个共性技术研发平台
        at, verb = _last_verb(pre)
        if at >= 0:
            verb_text, quote_start = pre[at:].strip(), lead + at
        else:
            verb_text, quote_start = (pre.strip() if len(pre.strip()) <= 8 else ""), lead
            if not pre.strip() and list_verb:
                verb_text = list_verb
                notes.append(f"动词“{list_verb}”取自同一列举的前项")
            elif pre.strip() and not verb_text:
                quote_start = m.start("num")
        name = _strip_fillers(verb_text + noun) if verb_text else noun
        quote_end = len(clause.rstrip())
    else:  # number after the noun: 新建省级引智示范基地15个 / 技术合同成交额达到2500亿元
        subject = _strip_fillers(pre.strip())
        if not subject:
            return None  # a bare number ("5000家") with nothing saying what it counts
        if not _leading_verb(subject) and list_verb and not TOTAL_WORDS.search(subject) and \
                not LEVEL_WORDS.search(subject) and _shares_list(subject):
            notes.append(f"动词“{list_verb}”取自同一列举的前项")
            subject = list_verb + subject
        if len(subject) > 30:
            at, _ = _last_verb(subject)
            subject = subject[at:] if at > 0 else subject[-30:]
            notes.append("名称取自较长的原句，请精简")
        name = re.sub(r"(?:提高|提升|增加|增长|扩大|下降|降低)?[到至]$", "", subject) or subject
        quote_start = lead
        quote_end = post_start
    quote = original[offset + quote_start: offset + quote_end].strip()
    if not quote or not name:
        return None
    stock_word = next((w for w in _STOCK_WORDS if pre_full.rstrip().endswith(w)), "")
    kind = _kind(name, unit, notes, stock_word)
    if comparator != "reach" and not m.group("upper"):
        word = said or _matched_word(pre_full, clause[m.end():])
        notes.insert(0, f"比较方式 {comparator}（原文“{word}”）")
    return Found(name=name.strip(), value=value, unit=unit, comparator=comparator, kind=kind,
                 quote=quote, start=offset + quote_start, notes=notes)


def _shares_list(subject: str) -> bool:
    """A bare noun phrase (瞪羚企业, 海外离岸创新中心) that takes the verb of the list it is in."""
    return len(subject) <= 16


def _matched_word(pre: str, post: str) -> str:
    words = [w for w, _ in _AFTER if post.lstrip().startswith(w)]
    words += [w for w, _ in sorted(_BEFORE, key=lambda w: -len(w[0])) if pre.rstrip().endswith(w)][:1]
    return "…".join(words[::-1]) or "达到"


_ENTITY_UNITS = {"家", "个", "所", "座", "处", "名", "人", "位", "项", "件", "台", "套", "支"}
_STOCK_WORDS = ("达到", "保持", "突破", "超过", "达")


def _kind(name: str, unit: str, notes: list[str], stock_word: str = "") -> str:
    if total := TOTAL_WORDS.search(name):
        notes.append(f"类型 total（原文“{total.group()}”：总数目标），期初值 baseline 待填")
        return "total"
    if unit in ("%", "‰", "个百分点", "百分点", "倍"):
        notes.append(f"类型 level（单位 {unit}：比率/增速，取最新值，不按序时）")
        return "level"
    level = LEVEL_WORDS.search(name)
    if level and level.group() not in ("增长", "提高", "提升", "下降", "降低"):
        notes.append(f"类型 level（原文“{level.group()}”）")
        return "level"
    if unit in _ENTITY_UNITS and stock_word and _last_verb(name)[0] < 0:
        notes.append(f"原文“{stock_word}”未说明是本期新增还是总数：按新增（flow）计；"
                     "如为总数，改为 kind: total 并填写 baseline")
    return "flow"


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
