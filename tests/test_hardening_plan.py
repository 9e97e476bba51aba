"""A hostile or tampered plan file costs milliseconds and changes nothing silently (issue #12)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kjyd.errors import PlanFileError
from kjyd.plan_loader import cache_dir, load_plan

REPO = Path(__file__).resolve().parents[1]
BUNDLED_PLAN = REPO / "data" / "plan2022.yaml"


def _alias_bomb(levels: int, width: int = 10) -> str:
    lines = ["  a0: &a0 " + json.dumps(["lol"] * width)]
    for i in range(1, levels + 1):
        lines.append(f"  a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * width) + "]")
    return "bomb:\n" + "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels", [6, 9, 30])
def test_nested_aliases_are_refused_at_the_anchor_before_expansion(tmp_path, levels):
    path = tmp_path / "plan.yaml"
    path.write_text(_alias_bomb(levels) + "title: *a%d\n" % levels, encoding="utf-8")
    with pytest.raises(PlanFileError) as err:
        load_plan(path, use_cache=False)
    [problem] = err.value.problems
    assert problem.startswith(f"{path}:") and "别名（*）展开后内容过多" in problem


def test_a_large_scalar_aliased_many_times_is_refused(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text("big: &big " + "x" * 1_000_000 + "\nmany: [" + ",".join(["*big"] * 300) + "]\n",
                    encoding="utf-8")
    with pytest.raises(PlanFileError, match="展开后内容过多"):
        load_plan(path, use_cache=False)


def test_modest_aliases_are_still_allowed(tmp_path):
    text = BUNDLED_PLAN.read_text(encoding="utf-8")
    path = tmp_path / "plan.yaml"
    path.write_text("x-defaults: &unit 个\n" + text, encoding="utf-8")
    with pytest.raises(PlanFileError) as err:  # an unknown top-level key, but not an alias problem
        load_plan(path, use_cache=False)
    assert not any("别名" in p for p in err.value.problems)


def test_a_cached_plan_edited_by_hand_is_rebuilt_not_believed(tmp_path, monkeypatch, run):
    monkeypatch.setenv("KJYD_CACHE_DIR", str(tmp_path / "cache"))
    original = load_plan(BUNDLED_PLAN)
    [kept] = cache_dir().glob("plan-*.json")
    content = kept.read_bytes()
    tampered = content.replace(json.dumps(original.target("13.5").name, ensure_ascii=False).encode(),
                               json.dumps("篡改的目标", ensure_ascii=False).encode())
    assert tampered != content
    kept.write_bytes(tampered)
    again = load_plan(BUNDLED_PLAN)
    assert again.target("13.5").name == original.target("13.5").name
    assert kept.read_bytes() == content  # rebuilt in place
