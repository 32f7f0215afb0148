"""Sync results in the UI's language: translated summaries and problems by error code."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from deskmate.core.sync.client import SyncReport
from deskmate.desktop.i18n import install_translators, remove_translators
from deskmate.desktop.sync_wording import problem_text, report_text
from PySide6.QtWidgets import QApplication

OFFLINE = "Offline: https://kb.example.com cannot be reached (connection refused)."


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    translators = install_translators(qapp, "zh_CN")
    yield
    remove_translators(qapp, translators)


def test_english_keeps_the_cores_precise_sentences() -> None:
    report = SyncReport(added=3, updated=1, deleted=0, pushed=12)
    assert report_text(report) == "3 new, 1 updated, 0 deleted · 12 activity records sent"
    assert report_text(SyncReport(not_modified=True)) == "everything is up to date"
    assert problem_text("sync.offline", OFFLINE, "en") == OFFLINE


@pytest.mark.usefixtures("chinese")
def test_chinese_summaries_and_problems() -> None:
    report = SyncReport(added=253, updated=0, deleted=0, pushed=0, learning_sent=2)
    assert report_text(report) == "新增 253，更新 0，删除 0 · 已上传 2 项学习更改"
    assert report_text(SyncReport(not_modified=True)) == "已是最新"
    assert problem_text("sync.offline", OFFLINE, "zh_CN").startswith("连不上服务器")
    assert problem_text("sync.auth", "Sign in again: …", "zh_CN").startswith("服务器不接受你的登录")
    # Never the core's English detail in a Chinese frame (issue #14): a code without a
    # sync sentence gets the general sentence, which names the code and the log.
    assert "boom" not in problem_text("sync.failed", "Sync failed: boom", "zh_CN")
    general = problem_text("sync.unheard_of", "Sync failed: boom", "zh_CN")
    assert "boom" not in general
    assert "sync.unheard_of" in general
    assert not general.isascii()
    assert problem_text("sync.offline", "", "zh_CN") == ""  # no problem
