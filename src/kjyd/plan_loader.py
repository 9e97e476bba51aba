"""Reading a plan file from disk into a :class:`kjyd.plan.Plan`."""

from __future__ import annotations

from pathlib import Path

from kjyd.errors import PlanFileError
from kjyd.plan import Plan


def read_plan_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanFileError([f"{path}: 找不到计划文件"]) from None
    except IsADirectoryError:
        raise PlanFileError([f"{path}: 这是一个文件夹，不是计划文件"]) from None
    except UnicodeDecodeError as err:
        raise PlanFileError([f"{path}: 计划文件不是 UTF-8 编码的文本（第 {err.start} 字节）"]) from None
    except OSError as err:
        raise PlanFileError([f"{path}: 无法读取计划文件：{err.strerror}"]) from None


def load_plan(path: Path) -> Plan:
    """Load and validate the plan at ``path``; raises :class:`PlanFileError` with every problem."""
    from kjyd.plan_schema import parse_plan

    return parse_plan(read_plan_text(path), str(path), source=path)
