"""Reading a plan file from disk into a :class:`kjyd.plan.Plan`, validated once per content.

Validating with pydantic costs about 100 ms of imports and schema building — more than half of
what ``kjyd status`` may take in all. The plan file changes a few times a year; it is read many
times a day. So the validated plan is kept as JSON under a name that is the SHA-256 of everything
that determines it: the plan file's bytes and the source of the modules that validate and build it.
Change any of those and the name changes, so a kept copy can never be stale; a missing, unreadable
or corrupt copy is simply rebuilt. The copy starts with the SHA-256 of its own JSON, so one edited
by hand is rebuilt too, never believed. Nothing else is cached.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path

from kjyd.errors import PlanFileError
from kjyd.plan import Headline, Plan, Section, Target, Task

CACHE_ENV = "KJYD_CACHE_DIR"
_BUILDERS = ("plan.py", "plan_schema.py", "plan_yaml.py", "plan_loader.py", "values.py", "numerals.py")
"""Modules whose source decides what a plan file becomes (values.py reads ``value: 1.3万``)."""


def read_plan_bytes(path: Path) -> bytes:
    """The plan file's bytes, read as collect reads a workbook: a regular file, opened once without
    blocking (a FIFO named in kjyd.toml hung every command), at most 20 MB."""
    from kjyd.file_read import PLAN, Unreadable, read_once

    try:
        return read_once(path, PLAN)
    except Unreadable as err:
        raise PlanFileError([f"{path}: {err}"]) from None


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise PlanFileError([f"{path}:{line}:1: 计划文件不是 UTF-8 编码的文本"]) from None


def cache_dir() -> Path:
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "kjyd"


def _cache_key(data: bytes) -> str:
    digest = hashlib.sha256(data)
    here = Path(__file__).resolve().parent
    for name in _BUILDERS:
        digest.update(b"\0" + (here / name).read_bytes())
    return digest.hexdigest()


def load_plan(path: Path, *, use_cache: bool = True) -> Plan:
    """Load and validate the plan at ``path``; raises :class:`PlanFileError` with every problem."""
    data = read_plan_bytes(path)
    kept = cache_dir() / f"plan-{_cache_key(data)}.json" if use_cache else None
    if kept is not None:
        from kjyd.file_read import PLAN, Unreadable, read_once

        try:  # read_once: a FIFO put in its place must not hang every command
            return _from_json(json.loads(_verified(read_once(kept, PLAN))), path)
        except (Unreadable, OSError, ValueError, KeyError, TypeError):
            pass  # absent, edited or unusable: validate afresh below

    from kjyd.plan_schema import parse_plan

    plan = parse_plan(_decode(data, path), str(path), source=path)
    if kept is not None:
        _keep(kept, plan)
    return plan


def _verified(content: bytes) -> str:
    """The kept JSON, if its first line is the SHA-256 of the rest; ValueError otherwise.

    The cache is trusted only as far as it is intact: a copy edited by hand (a target value changed)
    or cut short is rebuilt from the plan file, never used.
    """
    digest, _, body = content.partition(b"\n")
    if hashlib.sha256(body).hexdigest().encode("ascii") != digest:
        raise ValueError("plan cache does not match its digest")
    return body.decode("utf-8")


def _keep(kept: Path, plan: Plan) -> None:
    """Write the validated plan atomically; a read-only home only costs speed, never correctness."""
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        temporary = kept.with_name(f"{kept.name}.{os.getpid()}.tmp")
        body = json.dumps(_to_json(plan), ensure_ascii=False).encode("utf-8")
        temporary.write_bytes(hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body)
        os.replace(temporary, kept)
    except OSError:
        pass


_TEXT_FIELDS = (
    "id", "title", "short_title", "issuer", "document_number", "goals_text", "numbering",
)


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _target_json(target: Target) -> dict:
    data = asdict(target)
    data["milestones"] = [[d.isoformat(), v] for d, v in target.milestones]
    return data


def _target_from(data: dict) -> Target:
    milestones = tuple((date.fromisoformat(d), v) for d, v in data["milestones"])
    return Target(**{**data, "milestones": milestones})


def _to_json(plan: Plan) -> dict:
    fields = {name: getattr(plan, name) for name in _TEXT_FIELDS}
    fields.update(
        issued=_day(plan.issued),
        published=_day(plan.published),
        start=plan.start.isoformat(),
        end=plan.end.isoformat(),
        sections=[asdict(s) for s in plan.sections],
        tasks=[{**asdict(t), "targets": [_target_json(g) for g in t.targets]} for t in plan.tasks],
        headlines=[asdict(h) for h in plan.headlines],
        extra_targets=[_target_json(t) for t in plan.extra_targets],
    )
    return fields


def _from_json(data: dict, source: Path) -> Plan:
    def task(t: dict) -> Task:
        return Task(
            **{**t, "targets": tuple(_target_from(g) for g in t["targets"]),
               "lead_divisions": tuple(t["lead_divisions"]),
               "support_divisions": tuple(t["support_divisions"])}
        )

    def day(text: str | None) -> date | None:
        return None if text is None else date.fromisoformat(text)

    return Plan(
        **{k: data[k] for k in _TEXT_FIELDS},
        issued=day(data["issued"]),
        published=day(data["published"]),
        start=date.fromisoformat(data["start"]),
        end=date.fromisoformat(data["end"]),
        sections=tuple(Section(**{**s, "tasks": tuple(s["tasks"])}) for s in data["sections"]),
        tasks=tuple(task(t) for t in data["tasks"]),
        headlines=tuple(Headline(**h) for h in data["headlines"]),
        extra_targets=tuple(_target_from(t) for t in data["extra_targets"]),
        source=source,
    )
