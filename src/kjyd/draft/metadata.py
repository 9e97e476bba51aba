"""A notice's metadata: plan title and short title, issuer, 文号, dates, plan period, plan id.

They come from the covering notice ("…关于印发《X》的通知", 文号 on its own line, signature and date),
a web page's information lines (发布日期、成文日期) or the plan's own heading; what is inferred
rather than read is noted for review.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date

from kjyd.draft.model import Draft
from kjyd.draft.targets import half_width
from kjyd.numerals import NumeralError, parse_int

_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}\s?[〔\[［【(（]\s?(?:19|20)\d{2}\s?[〕\]］】)）]\s?\d{1,4}\s?号")
DATE_LINE = re.compile(r"^(?P<y>(?:19|20)\d{2})\s?年\s?(?P<m>\d{1,2})\s?月\s?(?P<d>\d{1,2})\s?日$")
_CN_DATE_LINE = re.compile(r"^(?P<y>[〇零一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,2})月(?P<d>[一二三四五六七八九十]{1,3})日$")
_FIELD_DATE = r"\s?[\]】］]?\s?[:：]?\s?(?P<y>(?:19|20)\d{2})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})"
_PUBLISHED = re.compile(r"(?:发布日期|发布时间|发文日期|公开日期|时间)" + _FIELD_DATE)
_WRITTEN = re.compile(r"(?:成文日期|印发日期)" + _FIELD_DATE)
_PLAN_NAME = re.compile(r"(?:印发|现将|制定了?|研究制定了?)\s?《(?P<t>[^》]{4,80})》")
_NOTICE_TITLE = re.compile(r"^(?P<issuer>.{0,60}?)关于印发\s?《?(?P<t>.{4,80}?)》?的通知$")
_PLAN_WORDS = re.compile(r"要点|计划|方案|规划|安排|任务")
_YEAR_RANGE = re.compile(r"(?P<a>(?:19|20)\d{2})\s?[-—–~至到]+\s?(?P<b>(?:19|20)\d{2})\s?年")
_YEAR = re.compile(r"(?P<y>(?:19|20)\d{2})\s?年")


def document_number(lines: list[str]) -> str | None:
    """The 文号 on a line of its own (陕科工发〔2022〕3号), else the first one near the top that is
    not a reference to another document (…意见》（国发〔2021〕5号）)."""
    for line in lines[:80]:
        if m := _DOC_NUMBER.fullmatch(line.strip()):
            return re.sub(r"\s", "", m.group())
    for line in lines[:20]:
        for m in _DOC_NUMBER.finditer(line):
            if not line[: m.start()].rstrip().endswith(("（", "(", "》")):
                return re.sub(r"\s", "", m.group())
    return None


def heading_line(lines: list[str], title: str, short_title: str | None) -> int:
    """Index of the last line that is the plan's own heading (after the covering letter), or -1."""
    names = {n for n in (title, short_title) if n}
    found = -1
    for i, line in enumerate(lines[:200]):
        if line in names or (len(line) >= 6 and title.endswith(line) and _PLAN_WORDS.search(line)):
            found = i
    return found


def read_title(lines: list[str]) -> tuple[str, str | None, str | None, list[tuple[str, str]]]:
    """(title, short_title, issuer, notes) from the covering notice or the plan's own heading."""
    notes: list[tuple[str, str]] = []
    head = lines[:60]
    issuer = None
    title = None
    # a centred title may wrap: "…关于印发" / "2022年科技工作要点的通知"
    candidates = [*head, *(a + b for a, b in zip(head, head[1:]) if a.endswith("印发") or b.endswith("的通知"))]
    for line in candidates:
        m = _NOTICE_TITLE.match(line.strip())
        if m:
            issuer = m.group("issuer").strip() or None
            title = title or m.group("t").strip("《》 ")
            break
    for line in head:
        m = _PLAN_NAME.search(line)
        if m:
            title = m.group("t").strip()
            break
    if title is None:
        for i, line in enumerate(head):
            if len(line) <= 50 and _PLAN_WORDS.search(line) and not re.search(r"[。，,；;]", line):
                # a heading split over two lines ("中共…科技工委 陕西省科学技术厅" / "2022年科技工作要点")
                previous = head[i - 1] if i else ""
                title = line
                if previous and len(previous) <= 30 and not re.search(r"[。，,；;:：\d]", previous):
                    title = f"{previous}{line}" if not previous.endswith(" ") else previous + line
                notes.append(("title", "标题取自正文抬头"))
                break
    if title is None:
        title = (lines[0][:50] if lines else "工作要点").strip()
        notes.append(("title", "没有找到计划名称，暂取第一行"))
    if issuer is None:
        issuer = _issuer_from_lines(lines)
        if issuer:
            notes.append(("issuer", "发文单位取自“发布机构”或落款"))
    short = None
    year = re.search(r"(?:19|20)\d{2}(?:\s?[-—–~至到]+\s?(?:19|20)\d{2})?\s?年", title)
    if year and year.start() > 0 and title[year.start() - 1] not in "（(":
        short = title[year.start():].strip()
        notes.append(("short_title", "简称取标题中年份起的部分，用于文件名和表名"))
    return title, short, issuer, notes


def _issuer_from_lines(lines: list[str]) -> str | None:
    for line in lines[:40]:
        m = re.search(r"发布机构\s?[\]】］]?\s?[:：]?\s?(?P<v>[^\[\]【】]{2,30}?)\s*(?:\[|【|$)", line)
        if m:
            return m.group("v").strip()
    for i, line in enumerate(lines[:80]):
        if DATE_LINE.match(half_width(line)) or _CN_DATE_LINE.match(line):
            signers = []
            for back in lines[max(0, i - 3):i][::-1]:
                if len(back) <= 30 and not re.search(r"[。，,；;:：]", back):
                    signers.insert(0, back)
                else:
                    break
            if signers:
                return " ".join(signers)
    return None


def read_dates(draft: Draft, lines: list[str]) -> None:
    head = [half_width(line) for line in lines[:80]]
    signed = None
    for line, original in zip(head, lines[:80]):
        m = DATE_LINE.match(line) or _CN_DATE_LINE.match(original)
        if m:
            signed = _date(m)
            if signed:
                break
    written = published = None
    for line in head:
        if written is None and (m := _WRITTEN.search(line)):
            written = _date(m)
        if published is None and (m := _PUBLISHED.search(line)):
            published = _date(m)
    draft.issued = signed or written
    draft.published = published
    if signed and written and signed != written:
        draft.note("issued", f"印发日期取落款 {signed}（网页“成文日期”为 {written}）")
    elif draft.issued and not signed:
        draft.note("issued", "印发日期取网页“成文日期”")
    if draft.issued and draft.issued > draft.end:
        draft.note("issued", f"印发日期 {draft.issued} 晚于计划期结束日 {draft.end}，请对照原件")


def _date(m: re.Match) -> date | None:
    parts = [m.group("y"), m.group("m"), m.group("d")]
    try:
        if parts[0].isdigit():
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        year = int("".join(str("〇一二三四五六七八九".index(c) if c != "零" else 0) for c in parts[0]))
        return date(year, parse_int(parts[1]), parse_int(parts[2]))
    except (ValueError, TypeError, NumeralError):
        return None


def read_period(title: str, lines: list[str], goals_text: str) -> tuple[date, date, str]:
    half = half_width(title)
    if m := _YEAR_RANGE.search(half):
        a, b = int(m.group("a")), int(m.group("b"))
        if a <= b:
            return date(a, 1, 1), date(b, 12, 31), f"计划期按标题中的“{m.group()}”定为 {a} 年初至 {b} 年底"
    if m := _YEAR.search(half):
        y = int(m.group("y"))
        end = y
        if goals := re.search(r"到\s?((?:19|20)\d{2})\s?年", half_width(goals_text)):
            end = max(y, int(goals.group(1)))
        return date(y, 1, 1), date(end, 12, 31), f"计划期按标题中的 {y} 年定为 {y}-01-01 至 {end}-12-31"
    for line in lines[:40]:
        if m := _YEAR.search(half_width(line)):
            y = int(m.group("y"))
            return date(y, 1, 1), date(y, 12, 31), f"标题中没有年份，计划期按原文中的 {y} 年暂定"
    y = date.today().year
    return date(y, 1, 1), date(y, 12, 31), f"原文中没有年份，计划期暂定为今年（{y} 年）"


def plan_id(title: str, start: date, end: date) -> str:
    digest = hashlib.sha256(title.encode("utf-8")).hexdigest()[:6]
    years = str(start.year) if start.year == end.year else f"{start.year}-{end.year}"
    return f"plan-{years}-{digest}"
