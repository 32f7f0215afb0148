"""The console's words in Chinese (the default) and English, and the choice between them.

One table, key → (zh, en); templates call ``t("key", name=...)``. The language comes
from ``?lang=`` (remembered in a cookie), else that cookie, else ``Accept-Language``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deskmate.server.learning.reasons import LANGUAGES, pick_language
from fastapi import Request

LANG_COOKIE = "deskmate_console_lang"

_STRINGS: dict[str, tuple[str, str]] = {
    # frame
    "app_name": ("Deskmate 管理台", "Deskmate console"),
    "nav_team": ("团队技能", "Team skills"),
    "nav_assign": ("布置学习", "Assign learning"),
    "nav_trends": ("求助趋势", "Help-seeking"),
    "nav_gaps": ("知识缺口", "Gap queue"),
    "nav_articles": ("条目分析", "Articles"),
    "signed_in_as": ("{name}（{role}）", "{name} ({role})"),
    "role_manager": ("主管", "manager"),
    "role_editor": ("知识编辑", "editor"),
    "role_agent": ("坐席", "agent"),
    "sign_out": ("退出", "Sign out"),
    "language": ("语言", "Language"),
    # authoring (issue #17)
    "nav_items": ("条目", "Items"),
    "nav_due": ("待复核", "Due for review"),
    "items_title": ("知识条目", "Knowledge items"),
    "items_search": ("按编号或标题搜索", "Search by id or title"),
    "all_kinds": ("全部类型", "All kinds"),
    "all_statuses": ("全部状态", "All statuses"),
    "filter": ("筛选", "Filter"),
    "new_item": ("新建条目", "New item"),
    "updated": ("更新", "Updated"),
    "next_page": ("下一页", "Next page"),
    "kind_faq": ("问答", "FAQ"),
    "kind_script": ("话术", "Script"),
    "kind_expert": ("专家", "Expert"),
    "status_draft": ("草稿", "Draft"),
    "status_in_review": ("待审核", "In review"),
    "status_published": ("已发布", "Published"),
    "status_archived": ("已归档", "Archived"),
    "live_version": ("线上 v{version}", "live v{version}"),
    "latest_version": ("最新 v{version}", "latest v{version}"),
    "live": ("线上", "live"),
    "verified_line": ("{name} 于 {date} 复核", "verified by {name} on {date}"),
    "next_check": ("下次复核", "Due"),
    "versions_title": ("版本历史", "History"),
    "edit": ("编辑", "Edit"),
    "answers_topic": (
        "这份草稿回答知识缺口 #{number}；发布后该缺口即标记为已解决，并通知提出的坐席。",
        "This draft answers gap topic #{number}; publishing it resolves the topic and "
        "tells the agents who raised it.",
    ),
    "answers_proposal": (
        "这份草稿来自坐席的提议 #{number}；发布后其所在缺口即标记为已解决。",
        "This draft comes from an agent's proposal #{number}; publishing it resolves its topic.",
    ),
    "open_gaps": ("查看缺口", "Open the gap queue"),
    "item_invalid": (
        "有字段不符合要求，请看各字段旁的说明。",
        "Some fields need attention; see the notes beside them.",
    ),
    "similar_found": (
        "已有相近的条目，请确认不是重复：",
        "Similar items exist; check this is not a duplicate:",
    ),
    "similar_wording": ("措辞相近 {percent}%", "similar wording {percent}%"),
    "similar_meaning": ("意思相近", "similar meaning"),
    "similar_both": ("措辞和意思都相近", "similar wording and meaning"),
    "similar_kinds_note": (
        "“措辞相近”比较标题的字词；“意思相近”比较整篇内容的语义，即使用词不同。",
        "'Wording' compares the titles' characters; 'meaning' compares what the texts say, "
        "even in other words.",
    ),
    "looks_like": ("看起来已有相应条目：", "Looks like an existing article:"),
    "use_existing": ("用它解决", "Resolve with it"),
    "conflict_intro": (
        "保存前已有人保存了 v{version}。你的修改没有丢失，仍在下方表单中；"
        "请对照差异后再保存（将基于 v{version}）。",
        "Someone saved version {version} before you. Your changes are kept in the form "
        "below; compare them and save again (based on version {version}).",
    ),
    "field_id": ("编号", "Id"),
    "field_title": ("标题", "Title"),
    "field_language": ("语言", "Language"),
    "field_channel": ("渠道", "Channel"),
    "field_product": ("产品", "Product"),
    "field_questions": ("其他问法", "Alternative questions"),
    "one_per_line": ("每行一个", "one per line"),
    "field_body": ("正文", "Body"),
    "markdown_hint": ("Markdown", "Markdown"),
    "script_hint": ("Markdown；占位符写在花括号里", "Markdown; placeholders go in braces"),
    "field_guidance": ("坐席指引", "Agent guidance"),
    "guidance_hint": (
        "只给坐席看，复制给客户时不包含",
        "for the agent only; never copied to the customer",
    ),
    "field_name": ("姓名", "Name"),
    "field_team": ("团队", "Team"),
    "field_role": ("职务", "Role"),
    "field_hours": ("工作时间", "Hours"),
    "field_phone": ("电话", "Phone"),
    "field_extension": ("分机", "Extension"),
    "field_email": ("邮箱", "Email"),
    "field_im": ("即时消息", "IM"),
    "field_languages": ("语言", "Languages"),
    "field_tags": ("标签", "Tags"),
    "field_skills": ("技能", "Skills"),
    "field_teams": ("可见团队", "Visible to teams"),
    "teams_hint": ("每行一个；留空则所有团队可见", "one per line; empty: every team"),
    "field_note": ("修改说明", "Note"),
    "save_draft": ("保存草稿", "Save draft"),
    "preview": ("预览", "Preview"),
    "submit_review": ("提交审核", "Submit for review"),
    "publish": ("发布", "Publish"),
    "archive": ("归档", "Archive"),
    "verify": ("复核无误", "Verify"),
    "preview_note": (
        "按侧边栏的方式显示正文，随输入更新（HTML 显示为文字，不加载图片，"
        "只有 http、https 和 mailto 链接可点）。",
        "The body as the sidebar shows it, updated as you type (HTML shown as text, "
        "no images loaded, only http, https and mailto links).",
    ),
    "preview_session_ended": (
        "登录已失效：预览未更新。请在新标签页重新登录，草稿保存在本浏览器中。",
        "Your session has ended: the preview is not updated. Sign in again in a new tab; "
        "the draft is kept in this browser.",
    ),
    "preview_failed": ("预览暂时无法更新。", "The preview could not be updated."),
    "draft_kept": (
        "本浏览器保存了此条目未提交的草稿（例如登录失效前输入的内容）。",
        "This browser kept an unsaved draft of this item (typed before your session ended, "
        "for example).",
    ),
    "draft_restore": ("恢复草稿", "Restore the draft"),
    "draft_discard": ("丢弃", "Discard"),
    "preview_cut": (
        "正文过长，侧边栏只显示前 200,000 个字符。",
        "The body is long; the sidebar shows the first 200,000 characters.",
    ),
    "pasted_text": ("坐席复制给客户的文字", "What the agent pastes to the customer"),
    "placeholders": ("占位符", "Placeholders"),
    "item_saved": ("草稿已保存。", "Draft saved."),
    "item_submitted": ("已提交审核。", "Submitted for review."),
    "item_published": (
        "已发布：坐席下次同步即可看到。",
        "Published: agents see it at their next sync.",
    ),
    "item_archived": (
        "已归档：坐席下次同步时删除。",
        "Archived: agents' copies lose it at their next sync.",
    ),
    "item_verified": ("已记录复核。", "Verification recorded."),
    "item_restored": ("旧版本已恢复为新草稿。", "The old version is restored as a new draft."),
    "compare": ("比较", "Compare"),
    "show_diff": ("显示差异", "Show differences"),
    "version": ("版本", "Version"),
    "author": ("作者", "Author"),
    "time": ("时间", "Time"),
    "restore": ("恢复为草稿", "Restore as draft"),
    "diff_heading": ("v{a} 与 v{b} 的差异", "Differences between v{a} and v{b}"),
    "no_differences": ("内容相同。", "No differences."),
    "due_title": ("待复核", "Due for review"),
    "due_intro": (
        "一周内到期或已逾期的已发布条目。复核即确认内容仍然正确。",
        "Published items due within a week or overdue. Verifying confirms the content is "
        "still right.",
    ),
    "due_scope_mine": ("我负责的", "Mine"),
    "due_scope_group": (
        "编辑组（无负责人或负责人已不存在）",
        "Editor group (no owner, or the owner is gone)",
    ),
    "owner_gone": (
        "不是现有用户或团队（如已删除）→ 由编辑组负责",
        "not a current user or team (deleted?) → the editor group's",
    ),
    "field_verify_days": ("复核间隔（天）", "Verify every (days)"),
    "verify_days_hint": ("留空：按标签或类型，现为 {days} 天", "empty: by tag or kind, now {days}"),
    "verify_days_invalid": ("请填 1 到 3650 之间的天数", "a number of days from 1 to 3650"),
    "audit_title": ("操作记录", "Audit trail"),
    "older_versions": ("更早的版本 →", "Older versions →"),
    "audit_create": ("新建", "created"),
    "audit_edit": ("修改", "edited"),
    "audit_submit": ("提交审核", "submitted for review"),
    "audit_publish": ("发布", "published"),
    "audit_archive": ("归档", "archived"),
    "audit_verify": ("复核", "verified"),
    "audit_interval": ("改复核间隔", "interval changed"),
    "audit_import": ("导入", "imported"),
    "audit_action": ("操作", "Action"),
    "audit_address": ("来源地址", "From"),
    "audit_detail": ("详情", "Details"),
    "due_scope_all": ("全部", "All"),
    "due_none": ("没有待复核的条目。", "Nothing is due."),
    "last_verified": ("上次复核", "Last verified"),
    "never_verified": ("从未复核", "never"),
    "editor_group": ("编辑组", "editor group"),
    "write_answer": ("撰写答案", "Write the answer"),
    "write_from_proposal": ("据此撰写", "Turn into an article"),
    # sign-in
    "signin_title": ("登录", "Sign in"),
    "signin_intro": (
        "用管理员发给你的 API 令牌登录（deskmate-server token issue 你的名字）。",
        "Sign in with the API token your administrator issued "
        "(deskmate-server token issue YOUR-NAME).",
    ),
    "token_label": ("API 令牌", "API token"),
    "signin_button": ("登录", "Sign in"),
    "signin_bad_token": (
        "这个令牌无效或已被吊销。请向管理员申请新的令牌。",
        "This token is unknown or has been revoked. Ask your administrator for a new one.",
    ),
    "signin_expired": (
        "登录已过期或令牌已被吊销，请重新登录。",
        "Your session has ended (expired or token revoked). Please sign in again.",
    ),
    "signed_out": ("你已退出。", "You have signed out."),
    "agents_not_here_title": (
        "管理台仅供主管和知识编辑使用",
        "The console is for managers and editors",
    ),
    "agents_not_here": (
        "你的账号是坐席账号。学习档案、布置的学习和通知都在侧边栏的「学习」页里。",
        "Your account is an agent account. Your learning profile, assignments and notices "
        "are in the sidebar's Learning page.",
    ),
    # errors
    "error_title": ("无法完成", "Cannot do that"),
    "forbidden_title": ("无权访问", "Not allowed"),
    "not_found_title": ("找不到", "Not found"),
    "csrf_refused": (
        "表单已失效（缺少或错误的安全令牌）。请返回、刷新页面后再提交一次。",
        "This form has expired or was not sent from the console (missing or wrong security "
        "token). Go back, reload the page and submit it again.",
    ),
    "cross_site_refused": (
        "这个表单是从别的网站提交的，已拒绝。请在管理台页面里直接操作。",
        "This form was sent from another website and was refused. Use the console's own "
        "pages to make changes.",
    ),
    "page_missing": ("管理台没有这个页面。", "The console has no such page."),
    "managers_only": (
        "此页面仅供主管查看自己的团队。",
        "This page is for managers, about their own team.",
    ),
    "editors_only": ("此页面仅供知识编辑使用。", "This page is for knowledge editors."),
    "editors_managers_only": (
        "此页面仅供知识编辑和主管使用。",
        "This page is for editors and managers.",
    ),
    "back_home": ("返回首页", "Back to the console"),
    # team matrix
    "team_title": ("团队技能矩阵：{team}", "Team skill matrix: {team}"),
    "no_team": (
        "你的账号没有所属团队，请让管理员用 user set-team 设置。",
        "Your account has no team; ask your administrator to set one.",
    ),
    "no_agents": ("这个团队还没有坐席。", "This team has no agents yet."),
    "agent": ("坐席", "Agent"),
    "job_role": ("岗位", "Role"),
    "open_assignments": ("未完成学习", "Open learning"),
    "overdue": ("逾期", "overdue"),
    "legend": ("图例", "Legend"),
    "legend_met": ("达标（差距 0）", "On target (gap 0)"),
    "legend_small": ("差距 < 1", "Gap < 1"),
    "legend_medium": ("差距 1–2", "Gap 1–2"),
    "legend_large": ("差距 ≥ 2", "Gap ≥ 2"),
    "legend_none": ("无数据", "No data"),
    "legend_note": (
        "格子里是当前水平（1–5），颜色表示与岗位目标的差距；点坐席名查看原因、历史和每个技能"
        "近 13 周的水平走势。坐席查阅过的技能都会列出，即使不在岗位目标里（目标为「–」）。",
        "Cells show the current level (1–5); the colour is the gap to the role's target. "
        "Click an agent for the reasons, the history and each skill's level over the last "
        "13 weeks. Every skill the agent looked up is listed, also outside the role's "
        "targets (target “–”).",
    ),
    "cell_title": (
        "{skill}：水平 {level}，目标 {target}，差距 {gap}",
        "{skill}: level {level}, target {target}, gap {gap}",
    ),
    "computed_at": ("计算于 {at}", "Computed {at}"),
    # agent profile
    "agent_title": ("{agent} 的学习档案", "Learning profile of {agent}"),
    "skill": ("技能", "Skill"),
    "skills_heading": ("技能与差距", "Skills and gaps"),
    "level": ("水平", "Level"),
    "target": ("目标", "Target"),
    "gap": ("差距", "Gap"),
    "reasons": ("原因", "Reasons"),
    "level_trend": ("近 13 周走势", "Last 13 weeks"),
    "trend_since": ("水平 {then} → {now}（自 {date}）", "Level {then} → {now} since {date}"),
    "trend_started": ("本周开始记录", "recorded from this week"),
    "trend_none": ("暂无记录", "nothing recorded yet"),
    "trend_chart": ("{skill}：每周水平（1–5）", "{skill}: level per week (1–5)"),
    "rate": ("评分", "Rate"),
    "comment": ("评语", "Comment"),
    "save": ("保存", "Save"),
    "rated": ("已保存评分。", "Rating saved."),
    "assignments": ("布置的学习", "Assigned learning"),
    "no_assignments": ("还没有布置学习。", "No learning assigned yet."),
    "title": ("标题", "Title"),
    "due": ("截止", "Due"),
    "window": ("时间段", "Window"),
    "state": ("状态", "State"),
    "done_at": ("已完成 {at}", "done {at}"),
    "open": ("未完成", "open"),
    "history": ("近 30 天查阅记录", "Consultations, last 30 days"),
    "history_chart": ("每天打开的条目数", "Items opened per day"),
    "no_history": ("近 30 天没有查阅记录。", "No consultations in the last 30 days."),
    "day": ("日期", "Day"),
    "searches": ("搜索", "Searches"),
    "consultations": ("查阅", "Consultations"),
    "repeats": ("重复查阅", "Repeat look-ups"),
    "flags": ("反馈问题", "Flags"),
    "items_opened": ("打开的条目", "Items opened"),
    "recommendations": ("推荐学习", "Recommended"),
    "assign_to_agent": ("给 {agent} 布置学习", "Assign learning to {agent}"),
    # assign
    "assign_title": ("布置学习", "Assign learning"),
    "assign_to": ("布置给", "Assign to"),
    "whole_team": ("整个团队（{count} 人）", "The whole team ({count} agents)"),
    "one_agent": ("一位坐席", "One agent"),
    "item": ("条目", "Item"),
    "item_hint": ("条目 ID；输入标题可从列表中选择", "Item id; type a title to pick from the list"),
    "url": ("链接", "Link"),
    "note": ("说明", "Note"),
    "due_on": ("截止日期", "Due date"),
    "window_start": ("时间段开始", "Window start"),
    "window_end": ("时间段结束", "Window end"),
    "window_hint": (
        "可选：建议在这个时间段学习（当地时间）",
        "Optional: when to study (local time)",
    ),
    "optional": ("可选", "optional"),
    "any_skill": ("（不指定）", "(none)"),
    "assign_button": ("布置", "Assign"),
    "assigned": ("已布置给 {count} 位坐席。", "Assigned to {count} agents."),
    "assign_failed": ("未布置：{reason}", "Not assigned: {reason}"),
    # gaps
    "gaps_title": ("知识缺口队列", "Knowledge-gap queue"),
    "status": ("状态", "Status"),
    "status_open": ("待处理", "open"),
    "status_accepted": ("已接受", "accepted"),
    "status_resolved": ("已解决", "resolved"),
    "status_dismissed": ("已忽略", "dismissed"),
    "status_merged": ("已合并", "merged"),
    "status_all": ("全部", "all"),
    "no_topics": ("没有这个状态的主题。", "No topics with this status."),
    "signals": ("信号", "Signals"),
    "agents": ("坐席", "Agents"),
    "first_seen": ("首次", "First seen"),
    "last_seen": ("最近", "Last seen"),
    "examples": ("示例", "Examples"),
    "kinds": ("来源", "Kinds"),
    "kind_gap": ("缺口反馈", "gap flags"),
    "kind_no_result": ("无结果搜索", "no-result searches"),
    "kind_nothing_opened": ("有结果但未打开", "results left unopened"),
    "kind_unhelpful": ("没帮助", "unhelpful votes"),
    "kind_proposal": ("坐席提议", "proposals"),
    "accept": ("接受", "Accept"),
    "dismiss": ("忽略", "Dismiss"),
    "reopen": ("重新打开", "Reopen"),
    "merge_into": ("合并到主题", "Merge into topic"),
    "merge": ("合并", "Merge"),
    "topic_placeholder": ("主题 #", "topic #"),
    "resolve_with": ("用条目解决", "Resolve with item"),
    "resolve": ("解决", "Resolve"),
    "resolved_by": ("已由 {item} 解决", "Resolved by {item}"),
    "decided": ("主题 {id} 已更新：{status}。", "Topic {id} updated: {status}."),
    "decide_failed": ("未更新：{reason}", "Not updated: {reason}"),
    "topic_id": ("主题 #{id}", "Topic #{id}"),
    "owner": ("负责", "Owner"),
    "owner_is": ("负责：{owner}", "Owner: {owner}"),
    "owner_all": ("所有负责方", "All owners"),
    "owner_mine": ("我的", "Mine"),
    "owner_none": ("编辑组（无负责方）", "Editor group (no owner)"),
    "no_text": ("从 CRM 标记，无文字", "Flagged from the CRM with no text"),
    "gap_types": ("问题类型", "Gap types"),
    "gap_type_missing": ("缺失", "missing"),
    "gap_type_wrong": ("错误", "wrong"),
    "gap_type_outdated": ("过时", "outdated"),
    "gap_type_unclear": ("不清楚", "unclear"),
    "cases": ("工单号", "Case numbers"),
    "case": ("工单 {case}", "case {case}"),
    "said_heading": ("坐席说了什么（{count}）", "What agents said ({count})"),
    "no_note": ("（没有备注）", "(no note)"),
    "note_cut": (
        "备注共 {chars} 字，这里显示前 5000 字。",
        "The note has {chars} characters; the first 5,000 are shown.",
    ),
    "about_item": ("条目：{title}", "item: {title}"),
    "searched_for": ("搜索：{query}", "searched: {query}"),
    "involved_heading": ("涉及的条目与搜索", "Items and searches involved"),
    "items_involved": ("条目", "Items"),
    "queries_involved": ("搜索词", "Searches"),
    "times": ("{count} 次", "×{count}"),
    "proposals_heading": ("坐席提议（{count}）", "Proposals ({count})"),
    "proposal_edit_of": ("修改条目 {item}", "edit of {item}"),
    "proposal_new": ("新条目", "new item"),
    "dismiss_reason": ("忽略原因（会告诉坐席）", "Reason for dismissing (told to the agents)"),
    "decision_note": ("原因：{reason}", "Reason: {reason}"),
    # articles
    "articles_title": ("条目分析", "Article analytics"),
    "period": ("时间范围", "Period"),
    "last_days": ("近 {days} 天", "last {days} days"),
    "scope_team": ("范围：你的团队 {team}", "Scope: your team {team}"),
    "scope_all": ("范围：所有坐席", "Scope: all agents"),
    "most_consulted": ("查阅最多", "Most consulted"),
    "most_flagged": ("被反馈问题最多", "Most flagged"),
    "unhelpful_votes": ("「没帮助」投票", "Unhelpful votes"),
    "never_consulted": ("从未被查阅", "Never consulted"),
    "never_consulted_note": (
        "共 {count} 个条目从未被打开或复制（显示前 {shown} 个）。",
        "{count} items never opened or copied (first {shown} shown).",
    ),
    "zero_results": ("无结果的搜索（每周）", "Searches with no result, per week"),
    "zero_results_note": (
        "搜索没有返回任何结果（侧边栏记录为 no_result）的次数；有结果但没打开的搜索"
        "（nothing_opened）不计在内。",
        "Searches that returned no results at all (the sidebar's no_result events); "
        "searches whose results were left unopened (nothing_opened) are not counted.",
    ),
    "top_zero_queries": ("常见的无结果搜索", "Frequent no-result searches"),
    "query": ("搜索词", "Query"),
    "count": ("次数", "Count"),
    "views": ("查阅", "Opens"),
    "helpful": ("有帮助", "Helpful"),
    "unhelpful": ("没帮助", "Unhelpful"),
    "kind": ("类型", "Kind"),
    "nothing_yet": ("暂无数据。", "Nothing yet."),
    "week_of": ("周", "Week of"),
    # trends
    "trends_title": ("求助趋势：{team}", "Help-seeking trends: {team}"),
    "trends_privacy": (
        "只显示你自己团队的数据；不显示坐席输入的搜索内容。",
        "Only your own team is shown, and never what agents typed.",
    ),
    "per_day_team": ("团队每天的搜索和查阅", "Team searches and consultations per day"),
    "repeats_per_day": ("每天的重复查阅", "Repeat look-ups per day"),
    "answered_share": ("搜索后未反馈问题的比例", "Share of searches answered without a flag"),
    "answered_note": (
        "1 −（无结果搜索 + 缺口反馈 + 没帮助投票）÷ 搜索次数。",
        "1 − (no-result searches + gap flags + unhelpful votes) ÷ searches.",
    ),
    "per_agent": ("每位坐席", "Per agent"),
    "active_days": ("活跃天数", "Active days"),
    "searches_per_day": ("搜索/天", "Searches/day"),
    "consultations_per_day": ("查阅/天", "Consultations/day"),
    "answered": ("未反馈比例", "Answered"),
    "trend": ("趋势（搜索/天）", "Trend (searches/day)"),
    "per_active_day": ("按活跃天计算", "per active day"),
    # trends: help from people (experts contacted from the sidebar's card)
    "people_title": ("向人求助：联系专家", "Help from people: experts contacted"),
    "people_note": (
        "坐席在侧边栏专家卡片上拨打电话、发邮件或发消息的次数，与知识库查阅并列；"
        "技能是被联系专家的技能（一次联系计入该专家的每项技能）。",
        "Calls, emails and messages to experts from the sidebar's expert card, beside "
        "look-ups in the knowledge base; skills are those of the experts contacted (a "
        "contact counts for each of the expert's skills).",
    ),
    "sources_per_day": ("每天的求助：知识库与专家", "Help per day: knowledge base and experts"),
    "kb_lookups": ("知识库查阅", "KB look-ups"),
    "contacts": ("联系专家", "Expert contacts"),
    "channel_phone": ("电话", "Phone"),
    "channel_email": ("邮件", "Email"),
    "channel_im": ("消息", "Message"),
    "people_share": ("向人求助占比", "From people"),
    "people_share_note": (
        "联系专家 ÷（知识库查阅 + 联系专家）。",
        "Expert contacts ÷ (KB look-ups + expert contacts).",
    ),
    "experts_asked": ("联系过的专家", "Experts asked"),
    "skills_asked": ("涉及的技能", "Skills asked about"),
    "team_total": ("团队合计", "Team"),
    "top_experts": ("团队最常联系的专家", "Experts the team asked most"),
    "team_channels": ("团队的联系方式", "The team's contacts by channel"),
    "no_contacts": ("这段时间没有人联系专家。", "No expert was contacted in this period."),
}


@dataclass(frozen=True)
class Translator:
    """The console's words in one language; call it with a key (and format fields)."""

    language: str

    def __call__(self, key: str, **fields: Any) -> str:
        """The text of ``key`` in this language, with ``fields`` filled in."""
        zh, en = _STRINGS[key]
        text = zh if self.language == "zh" else en
        return text.format(**fields) if fields else text

    def role(self, role: str) -> str:
        """A role's name."""
        return self(f"role_{role}")


def request_language(request: Request) -> str:
    """The page's language: ``?lang=``, else the cookie, else ``Accept-Language``, else zh."""
    asked = request.query_params.get("lang")
    if asked not in LANGUAGES:
        asked = request.cookies.get(LANG_COOKIE)
    return pick_language(asked, request.headers.get("accept-language"))


def known_keys() -> frozenset[str]:
    """Every key of the table (for the tests)."""
    return frozenset(_STRINGS)
