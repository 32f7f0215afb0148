"""The sidebar gives pypinyin's dictionary back once idle after bulk work (issue #16)."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from deskmate.core.search.dictionaries import pinyin_module
from deskmate.desktop.idle_memory import IdleMemory
from deskmate.desktop.jobs import JobRunner
from pytestqt.qtbot import QtBot


@pytest.fixture
def jobs() -> Iterator[JobRunner]:
    runner = JobRunner()
    yield runner
    runner.shutdown()


def test_pinyin_is_released_after_the_delay_of_the_last_call(qtbot: QtBot, jobs: JobRunner) -> None:
    with pinyin_module() as module:  # what an indexing job leaves loaded
        assert module.lazy_pinyin("银行") == ["yin", "hang"]
    idle = IdleMemory(jobs, delay_ms=300)
    idle.soon()
    qtbot.wait(200)
    idle.soon("summary", "")  # more bulk work ended: the delay starts again
    qtbot.wait(200)
    assert "pypinyin" in sys.modules  # 400 ms after the first call, 200 after the last
    qtbot.waitUntil(lambda: "pypinyin" not in sys.modules, timeout=5000)
    with pinyin_module() as module:  # the next indexing job imports it again
        assert module.lazy_pinyin("银行") == ["yin", "hang"]


def test_quitting_cancels_a_planned_release(qtbot: QtBot, jobs: JobRunner) -> None:
    with pinyin_module():
        pass
    idle = IdleMemory(jobs, delay_ms=100)
    idle.soon()
    idle.stop()
    qtbot.wait(400)
    assert "pypinyin" in sys.modules
