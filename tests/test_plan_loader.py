"""The validated-plan copy is an exact stand-in for validation and can never be stale."""

from __future__ import annotations

import pytest

from kjyd.errors import PlanFileError
from kjyd.plan_loader import cache_dir, load_plan
from tests.conftest import BUNDLED_PLAN


def test_kept_copy_gives_the_same_plan_as_validation(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_bytes(BUNDLED_PLAN.read_bytes())
    fresh = load_plan(path, use_cache=False)
    first = load_plan(path)  # validates and keeps a copy
    assert list(cache_dir().glob("plan-*.json"))
    second = load_plan(path)  # served from the copy
    assert fresh == first == second
    assert second.resolve("十三.5").value == 2500 and second.task(13).targets[0].comparator == "about"


def test_editing_the_file_is_seen_at_once(tmp_path):
    path = tmp_path / "plan.yaml"
    text = BUNDLED_PLAN.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    assert load_plan(path).title.startswith("中共陕西省委")
    path.write_text(text.replace("title: 中共陕西省委", "title: 修订版中共陕西省委", 1), encoding="utf-8")
    assert load_plan(path).title.startswith("修订版")
    path.write_text(text.replace("comparator: about", "comparator: around", 1), encoding="utf-8")
    with pytest.raises(PlanFileError):
        load_plan(path)


def test_corrupt_kept_copy_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("KJYD_CACHE_DIR", str(tmp_path / "cache"))
    load_plan(BUNDLED_PLAN)
    [kept] = (tmp_path / "cache").glob("plan-*.json")
    kept.write_text("{not json", encoding="utf-8")
    assert len(load_plan(BUNDLED_PLAN).tasks) == 32


def test_unwritable_cache_folder_only_costs_speed(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("KJYD_CACHE_DIR", str(blocker / "sub"))
    assert len(load_plan(BUNDLED_PLAN).tasks) == 32


def test_non_utf8_plan_is_located(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes("id: x\ntitle: 计划\n".encode("gbk"))
    with pytest.raises(PlanFileError, match=r"gbk\.yaml:2:1: 计划文件不是 UTF-8"):
        load_plan(path)
