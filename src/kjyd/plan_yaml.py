"""The YAML mistakes a clerk makes, said in Chinese at the line where they were made.

PyYAML reports what its scanner saw, in English, often a line late: ``unit： 亿元`` (a full-width
colon) is "could not find expected ':'" on the *next* line; a list item without its ``-`` is five
"duplicate key" problems; ``unit: %`` is "found character that cannot start any token"; and a
`` #`` inside an unquoted text silently cuts the rest off as a comment. This module looks at the
source lines around such an error for the usual causes (full-width colon or space, a tab, a missing
space after ``:``, an unquoted ``%`` ``:`` ``#``) and says what to change, where it actually is.

It also explains a quote that is not in its text by showing the first character that differs.
"""

from __future__ import annotations

import re

import yaml

FIELDS = frozenset({
    "id", "title", "short_title", "issuer", "document_number", "issued", "published", "period",
    "start", "end", "numbering", "goals_text", "headlines", "sections", "tasks", "number", "section",
    "text", "lead_divisions", "support_divisions", "targets", "name", "value", "unit", "comparator",
    "kind", "baseline", "milestones", "quote", "ref",
})
"""Every field name of the plan format (a test checks this against the pydantic models)."""

_KEY = r"^(?P<indent>[ \t\u3000]*(?:-[ \u3000]+)?)(?P<key>[A-Za-z_]+)"
_CAUSES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^ *\t"), "行首用了制表符（Tab）缩进，YAML 只能用空格缩进"),
    (re.compile(r"^[ \t]*\u3000"), "行首有全角空格“　”，缩进只能用半角空格"),
    (re.compile(_KEY + r"[ \t]*："), "字段 {key} 后面用了全角冒号“：”，应为半角冒号加空格“: ”"),
    (re.compile(_KEY + r":\u3000"), "字段 {key} 的冒号后面是全角空格“　”，应为半角空格“: ”"),
    (re.compile(_KEY + r":(?=[^ \n\t])"), "字段 {key} 的冒号后面缺少空格，应写作“{key}: 值”"),
    (re.compile(_KEY + r": +(?P<value>[%@`].*)$"),
     "{key} 的值以“{first}”开头，须加引号，如 {key}: \"{value}\""),
    (re.compile(_KEY + r": +(?P<value>[^\"'>|&*\[{#].*?: .*)$"),
     "{key} 的值中有“: ”（冒号加空格），须整段加引号，或改用全角冒号“：”"),
]

_PROBLEMS = [
    ("could not find expected ':'", "找不到字段名后的冒号“:”"),
    ("mapping values are not allowed here", "此处不能出现“字段: 值”（值里有“: ”，或缩进不对）"),
    ("found character that cannot start any token", "此处的字符不能作为值的开头"),
    ("found unexpected end of stream", "文件意外结束（引号没有配对？）"),
    ("did not find expected key", "此处应是字段名（缩进与上一行不一致？）"),
    ("did not find expected '-' indicator", "此处应是以“- ”开头的列表项（缩进不对？）"),
    ("expected <block end>", "缩进与上文不一致（或列表项缺少“- ”）"),
    ("found a tab character", "缩进用了制表符（Tab），只能用空格"),
    ("found unknown escape character", "双引号中的反斜杠“\\”后面的字符无效（路径等请用单引号）"),
    ("found undefined alias", "引用了未定义的锚点（*名称）"),
]


def _chinese(problem: str) -> str:
    for english, chinese in _PROBLEMS:
        if english in problem:
            return chinese
    return f"YAML 无法读取（{problem}）"


def _cause(line: str) -> str | None:
    """What is wrong with one source line, in the office's words — None if nothing usual."""
    for pattern, words in _CAUSES:
        match = pattern.search(line)
        if match is None:
            continue
        groups = match.groupdict()
        key = groups.get("key")
        if key is not None and key not in FIELDS:
            continue  # a colon inside a text, not after a field name
        value = (groups.get("value") or "").strip()
        return words.format(key=key, value=value.replace('"', '\\"'), first=value[:1])
    return None


def syntax_problem(err: yaml.MarkedYAMLError, text: str, path: str) -> str:
    """``path:line:column: YAML 语法错误：…`` at the line that causes the error.

    PyYAML's mark is where the scanner gave up, which is often the line *after* the mistake; the
    lines from the previous key up to the mark are searched (nearest first) for a usual cause.
    """
    mark = err.problem_mark or err.context_mark
    lines = text.splitlines()
    where_line = mark.line if mark else 0
    column = (mark.column + 1) if mark else 1
    for number in range(min(where_line, len(lines) - 1), max(where_line - 3, -1), -1):
        cause = _cause(lines[number])
        if cause is not None:
            first = len(lines[number]) - len(lines[number].lstrip(" "))
            return f"{path}:{number + 1}:{first + 1}: YAML 语法错误：{cause}"
    return f"{path}:{where_line + 1}:{column}: YAML 语法错误：{_chinese(err.problem or str(err))}"


MISSING_DASH = "字段 {key} 又出现了一次：这里应是新的一项，行首缺少“- ”（同一项里的字段各只能写一次）"


CUT_FIELDS = frozenset({"text", "quote", "goals_text", "title"})
"""Fields holding the notice's words: a `` #`` in them is text, never a comment."""


def cut_at_comment(root: yaml.Node, text: str, path: str) -> list[str]:
    """Texts and quotes that YAML ended at a `` #`` (the rest of the line became a comment).

    Only unquoted (plain) values: inside quotes and ``>-`` blocks a ``#`` is text.
    """
    lines = text.splitlines()
    problems = []
    stack = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if (key.value in CUT_FIELDS and isinstance(value, yaml.ScalarNode) and not value.style
                        and value.end_mark.line < len(lines)):
                    rest = lines[value.end_mark.line][value.end_mark.column:]
                    if re.match(r"\s+#", rest):
                        m = value.end_mark
                        comment = rest.strip()
                        problems.append(
                            f"{path}:{m.line + 1}:{m.column + 1}: {key.value} 在“ #”处被截断，"
                            f"“{comment[:20]}”被当作注释丢掉了；含 # 的文字请整段加引号，或改用 >- 另起一行书写"
                        )
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return problems


def quote_difference(quote: str, text: str) -> str:
    """Where a quote stops matching its text: the longest start of the quote found in the text,
    and the first character after it on each side — '第5个字不同：引文是“，”，正文是“,”'."""
    low, high = 0, len(quote)
    while low < high:  # the longest prefix of quote that occurs in text
        middle = (low + high + 1) // 2
        if quote[:middle] in text:
            low = middle
        else:
            high = middle - 1
    if low == 0:
        return "引文的第1个字“{}”就不在正文中".format(_shown(quote[0]))
    at = text.find(quote[:low]) + low
    theirs = _shown(text[at]) if at < len(text) else "（正文到此结束）"
    return (
        f"前{low}个字“{_clip(quote[:low])}”与正文一致，第{low + 1}个字不同："
        f"引文是“{_shown(quote[low])}”，正文是“{theirs}”"
    )


def _clip(text: str, keep: int = 12) -> str:
    return text if len(text) <= keep else "…" + text[-keep:]


def _shown(char: str) -> str:
    """A character as a reader can tell it apart: full-width, half-width and spaces named."""
    names = {" ": "半角空格", "\u3000": "全角空格", "\t": "制表符", "\n": "换行"}
    if char in names:
        return names[char]
    if char.isascii() and not char.isalnum():
        return f"{char}（半角）"
    if "\uff01" <= char <= "\uff5e" or char in "，。；：？！（）":
        return f"{char}（全角）"
    return char
