"""Reasons and notices in words, in Chinese or English.

A computed profile keeps each reason as a code with parameters (language-neutral, so the
cache serves both languages); this module words them for the agent or the manager.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from deskmate.server.learning.profile_model import Reason

LANGUAGES = ("zh", "en")

_REASONS: dict[str, dict[str, str]] = {
    "looked_up_week": {
        "zh": "本周查阅「{title}」{count} 次",
        "en": "looked up “{title}” {times} this week",
    },
    "looked_up_window": {
        "zh": "近 90 天查阅「{title}」{count} 次",
        "en": "looked up “{title}” {times} in 90 days",
    },
    "looks_total": {
        "zh": "近 90 天查阅本技能的条目 {count} 次（最近 {last}）",
        "en": "looked up items of this skill {times} in 90 days (last on {last})",
    },
    "score": {
        "zh": "测评/质检成绩 {score} 分（{date}）",
        "en": "QA/test score {score} ({date})",
    },
    "manager": {
        "zh": "主管 {by} 评为 {rating}/5{comment}",
        "en": "rated {rating}/5 by manager {by}{comment}",
    },
    "self": {"zh": "自评 {level}/5", "en": "self-assessed {level}/5"},
    "flags": {
        "zh": "反馈了本技能条目的 {count} 个问题",
        "en": "flagged problems with this skill's items {times}",
    },
    "assignment_done": {
        "zh": "完成了学习任务「{title}」（{date}）",
        "en": "completed the assignment “{title}” ({date})",
    },
    "assignments_done": {
        "zh": "完成了 {count} 项学习任务，最近一项「{title}」（{date}）",
        "en": "completed {count} assignments, the latest “{title}” ({date})",
    },
    "few_looks": {
        "zh": "查阅次数太少，还估不出水平：可以先自评，或请主管评估",
        "en": "too few look-ups to estimate a level: assess yourself, or ask your manager",
    },
    "no_data": {
        "zh": "暂无数据：可以先自评，或请主管评估",
        "en": "no data yet: assess yourself, or ask your manager for a rating",
    },
}

_NOTICES: dict[str, dict[str, str]] = {
    "assignment": {
        "zh": "{by} 给你布置了学习：{title}（{due} 前完成）",
        "en": "{by} assigned you: {title} (due {due})",
    },
    "gap_resolved": {
        "zh": "你反馈缺少的答案现在有了：「{title}」",
        "en": "The answer you asked for now exists: “{title}”",
    },
}


def pick_language(asked: str | None, accept_language: str | None) -> str:
    """``asked`` if it is zh or en, else the first of Accept-Language that is, else zh."""
    if asked in LANGUAGES:
        return str(asked)
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh"
        if tag.startswith("en"):
            return "en"
    return "zh"


def _fill(templates: Mapping[str, str], params: Mapping[str, Any], language: str) -> str:
    values = dict(params)
    if "count" in values:
        count = int(values["count"])
        values["times"] = {1: "once", 2: "twice"}.get(count, f"{count} times")
    if "comment" in values:
        comment = str(values["comment"] or "").strip()
        values["comment"] = (
            (f"：{comment}" if language == "zh" else f": {comment}") if comment else ""
        )
    return templates[language].format(**values)


def reason_text(reason: Reason, language: str) -> str:
    """One reason as a sentence."""
    return _fill(_REASONS[reason.code], reason.params, language)


def notice_text(kind: str, params: Mapping[str, Any], language: str) -> str:
    """A notice to an agent as a sentence (an unknown kind: its title, if any)."""
    templates = _NOTICES.get(kind)
    if templates is None:
        return str(params.get("title", kind))
    return _fill(templates, params, language)
