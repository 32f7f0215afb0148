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
    "gap_resolved_elsewhere": {
        "zh": "你反馈的「{label}」已由知识团队解答（答案只对其他团队可见）",
        "en": "The knowledge team answered your report “{label}” (the answer is for other teams)",
    },
    "gap_accepted": {
        "zh": "你反馈的「{label}」已被知识团队接受，正在处理",
        "en": "The knowledge team accepted your report “{label}” and is working on it",
    },
    "gap_dismissed": {
        "zh": "你反馈的「{label}」已被知识团队关闭{reason}",
        "en": "The knowledge team closed your report “{label}”{reason}",
    },
    "gap_merged": {
        "zh": "你反馈的「{label}」已并入「{into_label}」一起处理",
        "en": "Your report “{label}” is now handled together with “{into_label}”",
    },
}
#: A topic of flags with no text at all has no label; notices name it thus.
_NO_TEXT = {"zh": "无文字的反馈", "en": "a report with no text"}


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
    for key in ("comment", "reason"):
        if key in values:
            said = str(values[key] or "").strip()
            values[key] = (f"：{said}" if language == "zh" else f": {said}") if said else ""
    for key in ("label", "into_label"):
        if key in values and not str(values[key] or "").strip():
            values[key] = _NO_TEXT[language]
    return templates[language].format(**values)


def reason_text(reason: Reason, language: str) -> str:
    """One reason as a sentence."""
    return _fill(_REASONS[reason.code], reason.params, language)


def notice_text(kind: str, params: Mapping[str, Any], language: str) -> str:
    """A notice to an agent as a sentence, in ``language``.

    A notice stored with its words (a ``text`` parameter, as older servers may have
    written) or of a kind this server does not know is shown as stored: its text, else
    its title, else its kind. A notice missing a parameter its words need falls back
    the same way rather than failing the whole profile.
    """
    templates = _NOTICES.get(kind)
    if templates is not None:
        try:
            return _fill(templates, params, language)
        except (KeyError, ValueError, IndexError):
            pass
    return str(params.get("text") or params.get("title") or kind)
