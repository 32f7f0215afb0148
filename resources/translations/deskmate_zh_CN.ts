<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BackgroundSync</name>
    <message>
        <location filename="../../desktop/background_sync.py" line="62"/>
        <source>No server is configured; Deskmate is working offline.</source>
        <translation>未配置服务器，Deskmate 正在离线工作。</translation>
    </message>
    <message>
        <location filename="../../desktop/background_sync.py" line="69"/>
        <source>Sign in to sync: open Settings, Account, and enter your token.</source>
        <translation>同步前请登录：打开“设置 → 账号”，输入你的令牌。</translation>
    </message>
</context>
<context>
    <name>DeskmateApp</name>
    <message>
        <location filename="../../desktop/app.py" line="95"/>
        <source>Syncing…</source>
        <translation>正在同步…</translation>
    </message>
    <message>
        <location filename="../../desktop/app.py" line="120"/>
        <source>Loading the sample knowledge pack…</source>
        <translation>正在载入示例知识包…</translation>
    </message>
    <message>
        <location filename="../../desktop/app.py" line="199"/>
        <source>Gap recorded. Thank you — the knowledge team will see it.</source>
        <translation>已记录缺口。谢谢，知识团队会看到。</translation>
    </message>
    <message>
        <location filename="../../desktop/app.py" line="209"/>
        <source>Synced: %s</source>
        <translation>已同步：%s</translation>
    </message>
    <message>
        <location filename="../../desktop/app.py" line="299"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../desktop/app.py" line="301"/>
        <source>Offline: working from the local copy</source>
        <translation>离线：正在使用本地副本</translation>
    </message>
    <message>
        <location filename="../../desktop/app.py" line="274"/>
        <source>The new language applies when Deskmate restarts.</source>
        <translation>新语言将在 Deskmate 重启后生效。</translation>
    </message>
    <message>
        <location filename="../../desktop/app.py" line="280"/>
        <source>Signed in. Syncing now…</source>
        <translation>已登录，正在同步…</translation>
    </message>
    <message>
        <location filename="../../desktop/app.py" line="297"/>
        <source>Offline (no server configured)</source>
        <translation>离线（未配置服务器）</translation>
    </message>
    <message>
        <location filename="../../desktop/app.py" line="303"/>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <location filename="../../desktop/app.py" line="305"/>
        <source>%1 · last sync: %2 · %3 FAQs, %4 scripts, %5 experts</source>
        <translation>%1 · 上次同步：%2 · FAQ %3 条、话术 %4 条、专家 %5 位</translation>
    </message>
</context>
<context>
    <name>ExpertCard</name>
    <message>
        <location filename="../../desktop/expert_card.py" line="56"/>
        <source>Team</source>
        <translation>团队</translation>
    </message>
    <message>
        <location filename="../../desktop/expert_card.py" line="57"/>
        <source>Role</source>
        <translation>职位</translation>
    </message>
    <message>
        <location filename="../../desktop/expert_card.py" line="58"/>
        <source>Skills</source>
        <translation>技能</translation>
    </message>
    <message>
        <location filename="../../desktop/expert_card.py" line="59"/>
        <source>Languages</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../desktop/expert_card.py" line="60"/>
        <source>Hours</source>
        <translation>服务时间</translation>
    </message>
    <message>
        <location filename="../../desktop/expert_card.py" line="61"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../desktop/expert_card.py" line="62"/>
        <location filename="../../desktop/expert_card.py" line="79"/>
        <source>Email</source>
        <translation>邮件</translation>
    </message>
    <message>
        <location filename="../../desktop/expert_card.py" line="79"/>
        <source>Call</source>
        <translation>拨打</translation>
    </message>
    <message>
        <location filename="../../desktop/expert_card.py" line="79"/>
        <source>Message</source>
        <translation>发消息</translation>
    </message>
</context>
<context>
    <name>GapDialog</name>
    <message>
        <location filename="../../desktop/gap_dialog.py" line="23"/>
        <source>Missing: there is no answer</source>
        <translation>缺失：没有答案</translation>
    </message>
    <message>
        <location filename="../../desktop/gap_dialog.py" line="24"/>
        <source>Wrong: the answer is incorrect</source>
        <translation>错误：答案不正确</translation>
    </message>
    <message>
        <location filename="../../desktop/gap_dialog.py" line="25"/>
        <source>Outdated: the answer is old</source>
        <translation>过时：答案已经过期</translation>
    </message>
    <message>
        <location filename="../../desktop/gap_dialog.py" line="26"/>
        <source>Unclear: hard to use on a call</source>
        <translation>不清楚：通话中难以使用</translation>
    </message>
    <message>
        <location filename="../../desktop/gap_dialog.py" line="41"/>
        <source>Deskmate — flag a knowledge gap</source>
        <translation>Deskmate — 标记知识缺口</translation>
    </message>
    <message>
        <location filename="../../desktop/gap_dialog.py" line="57"/>
        <source>optional: what was the customer asking?</source>
        <translation>可选：客户问的是什么？</translation>
    </message>
    <message>
        <location filename="../../desktop/gap_dialog.py" line="60"/>
        <source>optional: CRM case number</source>
        <translation>可选：CRM 工单号</translation>
    </message>
    <message>
        <location filename="../../desktop/gap_dialog.py" line="61"/>
        <source>Searched for</source>
        <translation>搜索内容</translation>
    </message>
    <message>
        <location filename="../../desktop/gap_dialog.py" line="63"/>
        <source>Open item</source>
        <translation>当前条目</translation>
    </message>
    <message>
        <location filename="../../desktop/gap_dialog.py" line="64"/>
        <source>Problem</source>
        <translation>问题类型</translation>
    </message>
    <message>
        <location filename="../../desktop/gap_dialog.py" line="65"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../desktop/gap_dialog.py" line="66"/>
        <source>Case number</source>
        <translation>工单号</translation>
    </message>
    <message>
        <location filename="../../desktop/gap_dialog.py" line="77"/>
        <source>Record gap (Enter)</source>
        <translation>记录缺口（回车）</translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message>
        <location filename="../../desktop/history_view.py" line="25"/>
        <source>Searched</source>
        <translation>搜索</translation>
    </message>
    <message>
        <location filename="../../desktop/history_view.py" line="26"/>
        <source>Found nothing for</source>
        <translation>未找到</translation>
    </message>
    <message>
        <location filename="../../desktop/history_view.py" line="27"/>
        <source>Opened</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../desktop/history_view.py" line="28"/>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
    <message>
        <location filename="../../desktop/history_view.py" line="29"/>
        <source>Rated</source>
        <translation>评价</translation>
    </message>
    <message>
        <location filename="../../desktop/history_view.py" line="30"/>
        <source>Flagged a gap</source>
        <translation>标记了缺口</translation>
    </message>
    <message>
        <location filename="../../desktop/history_view.py" line="50"/>
        <source>&lt;b&gt;My recent activity&lt;/b&gt;</source>
        <translation>&lt;b&gt;我的近期记录&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../desktop/history_view.py" line="72"/>
        <source> (helpful)</source>
        <translation>（有用）</translation>
    </message>
    <message>
        <location filename="../../desktop/history_view.py" line="72"/>
        <source> (not helpful)</source>
        <translation>（没用）</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/history_view.py" line="74"/>
        <source> (%n result(s))</source>
        <translation>
            <numerusform> （%n 条结果）</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/history_view.py" line="83"/>
        <source>Nothing yet: what you search and open appears here.</source>
        <translation>暂无记录：你搜索和打开的内容会显示在这里。</translation>
    </message>
</context>
<context>
    <name>ItemView</name>
    <message>
        <location filename="../../desktop/item_view.py" line="48"/>
        <source>Back to results (Esc)</source>
        <translation>返回结果（Esc）</translation>
    </message>
    <message>
        <location filename="../../desktop/item_view.py" line="68"/>
        <source>Helpful</source>
        <translation>有用</translation>
    </message>
    <message>
        <location filename="../../desktop/item_view.py" line="69"/>
        <source>This helped</source>
        <translation>这很有帮助</translation>
    </message>
    <message>
        <location filename="../../desktop/item_view.py" line="71"/>
        <source>Not helpful</source>
        <translation>没用</translation>
    </message>
    <message>
        <location filename="../../desktop/item_view.py" line="72"/>
        <source>This did not help</source>
        <translation>这没有帮助</translation>
    </message>
    <message>
        <location filename="../../desktop/item_view.py" line="74"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../desktop/item_view.py" line="75"/>
        <source>Copy the answer (Ctrl+C)</source>
        <translation>复制答案（Ctrl+C）</translation>
    </message>
    <message>
        <location filename="../../desktop/item_view.py" line="77"/>
        <source>Flag a problem</source>
        <translation>报告问题</translation>
    </message>
    <message>
        <location filename="../../desktop/item_view.py" line="122"/>
        <source>Related: </source>
        <translation>相关：</translation>
    </message>
</context>
<context>
    <name>ResultList</name>
    <message>
        <location filename="../../desktop/result_list.py" line="55"/>
        <source>FAQ</source>
        <extracomment>Badge colours per kind: readable on light and dark backgrounds.</extracomment>
        <translation>FAQ</translation>
    </message>
    <message>
        <location filename="../../desktop/result_list.py" line="56"/>
        <source>Script</source>
        <translation>话术</translation>
    </message>
    <message>
        <location filename="../../desktop/result_list.py" line="57"/>
        <source>Expert</source>
        <translation>专家</translation>
    </message>
</context>
<context>
    <name>SafeTextBrowser</name>
    <message>
        <location filename="../../desktop/safe_browser.py" line="36"/>
        <source>*This article is very long; only its beginning is shown.*</source>
        <translation>*文章过长，仅显示开头部分。*</translation>
    </message>
</context>
<context>
    <name>ScriptForm</name>
    <message>
        <location filename="../../desktop/script_form.py" line="35"/>
        <source>Fill in the blanks, then copy:</source>
        <translation>填写空白后复制：</translation>
    </message>
    <message>
        <location filename="../../desktop/script_form.py" line="43"/>
        <source>Copy filled script (Ctrl+C)</source>
        <translation>复制填好的话术（Ctrl+C）</translation>
    </message>
    <message>
        <location filename="../../desktop/script_form.py" line="86"/>
        <source>Still empty: %s</source>
        <translation>尚未填写：%s</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="47"/>
        <source>Deskmate settings</source>
        <translation>Deskmate 设置</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="55"/>
        <source>Server URL</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="59"/>
        <source>token from your team lead or IT</source>
        <translation>向组长或 IT 获取的令牌</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="60"/>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="69"/>
        <source>Account</source>
        <translation>账号</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="72"/>
        <source>Agent id</source>
        <translation>坐席工号</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="75"/>
        <source>Right edge</source>
        <translation>右侧</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="76"/>
        <source>Left edge</source>
        <translation>左侧</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="78"/>
        <source>Dock at</source>
        <translation>停靠位置</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="80"/>
        <source>Primary screen</source>
        <translation>主屏幕</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="84"/>
        <source>Screen</source>
        <translation>屏幕</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="89"/>
        <source>Width</source>
        <translation>宽度</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="92"/>
        <source>Summon hotkey</source>
        <translation>呼出快捷键</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="94"/>
        <source>Gap hotkey</source>
        <translation>缺口快捷键</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="103"/>
        <source>Start Deskmate when I sign in</source>
        <translation>登录系统时启动 Deskmate</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="106"/>
        <source>Closing the window keeps Deskmate in the tray</source>
        <translation>关闭窗口时保留在托盘</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="110"/>
        <location filename="../../desktop/settings_dialog.py" line="116"/>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="114"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="117"/>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="118"/>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="120"/>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="132"/>
        <source>Set by your IT department</source>
        <translation>由 IT 部门设置</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="137"/>
        <source>Greyed-out settings are managed by your IT department.</source>
        <translation>灰色的设置由 IT 部门统一管理。</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="167"/>
        <source>Enter the server URL and your token first.</source>
        <translation>请先填写服务器地址和令牌。</translation>
    </message>
</context>
<context>
    <name>SidebarWindow</name>
    <message>
        <location filename="../../desktop/sidebar.py" line="87"/>
        <source>Search (中文 / pinyin / English)</source>
        <translation>搜索（中文 / 拼音 / English）</translation>
    </message>
    <message>
        <location filename="../../desktop/sidebar.py" line="91"/>
        <source>Record a knowledge gap (Ctrl+Alt+G)</source>
        <translation>记录知识缺口（Ctrl+Alt+G）</translation>
    </message>
    <message>
        <location filename="../../desktop/sidebar.py" line="93"/>
        <source>My recent activity</source>
        <translation>我的近期记录</translation>
    </message>
    <message>
        <location filename="../../desktop/sidebar.py" line="95"/>
        <source>Keep on top</source>
        <translation>保持在最前</translation>
    </message>
    <message>
        <location filename="../../desktop/sidebar.py" line="98"/>
        <source>Dock / undock</source>
        <translation>停靠 / 浮动</translation>
    </message>
    <message>
        <location filename="../../desktop/sidebar.py" line="100"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../desktop/sidebar.py" line="109"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../desktop/sidebar.py" line="109"/>
        <source>FAQs</source>
        <translation>FAQ</translation>
    </message>
    <message>
        <location filename="../../desktop/sidebar.py" line="109"/>
        <source>Scripts</source>
        <translation>话术</translation>
    </message>
    <message>
        <location filename="../../desktop/sidebar.py" line="109"/>
        <source>Experts</source>
        <translation>专家</translation>
    </message>
    <message>
        <location filename="../../desktop/sidebar.py" line="242"/>
        <source>Nothing found for “%s”.</source>
        <translation>没有找到“%s”。</translation>
    </message>
    <message>
        <location filename="../../desktop/sidebar.py" line="243"/>
        <source>Record a knowledge gap</source>
        <translation>记录知识缺口</translation>
    </message>
    <message>
        <location filename="../../desktop/sidebar.py" line="270"/>
        <source>Recent and frequently used</source>
        <translation>最近和常用</translation>
    </message>
    <message>
        <location filename="../../desktop/sidebar.py" line="270"/>
        <source>Type to search</source>
        <translation>输入即可搜索</translation>
    </message>
    <message>
        <location filename="../../desktop/sidebar.py" line="305"/>
        <source>This item is no longer in the knowledge base.</source>
        <translation>该条目已不在知识库中。</translation>
    </message>
    <message>
        <location filename="../../desktop/sidebar.py" line="335"/>
        <source>Copied.</source>
        <translation>已复制。</translation>
    </message>
    <message>
        <location filename="../../desktop/sidebar.py" line="336"/>
        <source>Copied, but some blanks are still empty.</source>
        <translation>已复制，但还有空白未填写。</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <location filename="../../desktop/tray.py" line="26"/>
        <source>Show Deskmate</source>
        <translation>显示 Deskmate</translation>
    </message>
    <message>
        <location filename="../../desktop/tray.py" line="28"/>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <location filename="../../desktop/tray.py" line="30"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../../desktop/tray.py" line="32"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context>
</TS>
