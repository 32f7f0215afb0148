<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>About</name>
    <message>
        <location filename="../../desktop/about.py" line="25"/>
        <source>Logs</source>
        <translation>日志</translation>
    </message>
    <message>
        <location filename="../../desktop/about.py" line="26"/>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <location filename="../../desktop/about.py" line="27"/>
        <source>Settings set by IT</source>
        <translation>IT 设定的设置</translation>
    </message>
    <message>
        <location filename="../../desktop/about.py" line="29"/>
        <source>The knowledge sidebar for contact-centre agents.</source>
        <translation>为客服坐席打造的知识侧边栏。</translation>
    </message>
    <message>
        <location filename="../../desktop/about.py" line="32"/>
        <source>To check this installation, run: deskmate --selftest</source>
        <translation>要检查本次安装，请运行：deskmate --selftest</translation>
    </message>
    <message>
        <location filename="../../desktop/about.py" line="48"/>
        <source>About Deskmate</source>
        <translation>关于 Deskmate</translation>
    </message>
</context>
<context>
    <name>AccountSession</name>
    <message>
        <location filename="../../desktop/account_session.py" line="86"/>
        <source>Signed in. Syncing now…</source>
        <extracomment>The settings dialog while it is open (it shows the account and sign-in results). Who signed in on this machine profile (None before the first sign-in).</extracomment>
        <translation>已登录，正在同步…</translation>
    </message>
    <message>
        <location filename="../../desktop/account_session.py" line="109"/>
        <source>Activity recorded before you signed in will be uploaded as %1: %2 in all.</source>
        <translation>登录前记录的使用情况将以 %1 的身份上传，共 %2 条。</translation>
    </message>
    <message>
        <location filename="../../desktop/account_session.py" line="116"/>
        <source>Signed in as %1. Activity recorded as %2 stays on this computer until %2 signs in again.</source>
        <translation>已以 %1 登录。以 %2 记录的使用情况留在本机，等 %2 再次登录时上传。</translation>
    </message>
</context>
<context>
    <name>ActivityRecorder</name>
    <message>
        <location filename="../../desktop/activity_recorder.py" line="94"/>
        <source>%1 Your activity is kept aside and saved when this is fixed.</source>
        <translation>%1 您的活动记录已暂存，问题解决后会自动保存。</translation>
    </message>
</context>
<context>
    <name>AssignmentCard</name>
    <message>
        <location filename="../../desktop/learning_cards.py" line="267"/>
        <source>Assigned by %1</source>
        <translation>由 %1 布置</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_cards.py" line="275"/>
        <source>Overdue: was due %1</source>
        <translation>已逾期：截止日期 %1</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_cards.py" line="275"/>
        <source>Due %1</source>
        <translation>截止 %1</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_cards.py" line="288"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_cards.py" line="296"/>
        <source>Done %1</source>
        <translation>已完成 %1</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_cards.py" line="300"/>
        <source>Done — waiting to sync</source>
        <translation>已完成 — 等待同步</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_cards.py" line="302"/>
        <source>Mark done</source>
        <translation>标记完成</translation>
    </message>
</context>
<context>
    <name>BackgroundSync</name>
    <message>
        <location filename="../../desktop/background_sync.py" line="132"/>
        <source>No server is configured; Deskmate is working offline.</source>
        <translation>未配置服务器，Deskmate 正在离线工作。</translation>
    </message>
    <message>
        <location filename="../../desktop/background_sync.py" line="185"/>
        <source>Sign in to sync: open Settings, Account, and enter your token.</source>
        <translation>同步前请登录：打开“设置 → 账号”，输入你的令牌。</translation>
    </message>
</context>
<context>
    <name>CaseHeader</name>
    <message>
        <location filename="../../desktop/context_pop.py" line="69"/>
        <source>Clear the case: later activity is not linked to it</source>
        <translation>清除工单：之后的操作不再关联此工单</translation>
    </message>
    <message>
        <location filename="../../desktop/context_pop.py" line="78"/>
        <source>Case: %1</source>
        <translation>工单：%1</translation>
    </message>
</context>
<context>
    <name>CrmInsert</name>
    <message>
        <location filename="../../desktop/crm_insert.py" line="45"/>
        <source>Insert into CRM</source>
        <translation>插入到 CRM</translation>
    </message>
    <message>
        <location filename="../../desktop/crm_insert.py" line="49"/>
        <source>Type this answer into the window you were working in (Ctrl+Shift+Enter); the clipboard is not used</source>
        <translation>将此答案输入到您刚才使用的窗口（Ctrl+Shift+Enter），不经过剪贴板</translation>
    </message>
    <message>
        <location filename="../../desktop/crm_insert.py" line="73"/>
        <source>Open an answer or a script first.</source>
        <translation>请先打开一条答案或话术。</translation>
    </message>
    <message>
        <location filename="../../desktop/crm_insert.py" line="79"/>
        <source>%1 blanks are empty: fill them before inserting.</source>
        <translation>还有 %1 处空白未填写：请填写后再插入。</translation>
    </message>
    <message>
        <location filename="../../desktop/crm_insert.py" line="86"/>
        <source>Contacts are copied, not inserted.</source>
        <translation>联系方式只能复制，不能插入。</translation>
    </message>
    <message>
        <location filename="../../desktop/crm_insert.py" line="110"/>
        <source>Deskmate cannot type into other programs on this desktop; copy and paste instead.</source>
        <translation>在此桌面上 Deskmate 无法向其他程序输入文字，请改用复制粘贴。</translation>
    </message>
    <message>
        <location filename="../../desktop/crm_insert.py" line="112"/>
        <source>Deskmate cannot reach the display to type.</source>
        <translation>Deskmate 无法连接显示服务，不能输入文字。</translation>
    </message>
    <message>
        <location filename="../../desktop/crm_insert.py" line="113"/>
        <source>There is no other window to type into.</source>
        <translation>没有可输入文字的其他窗口。</translation>
    </message>
    <message>
        <location filename="../../desktop/crm_insert.py" line="114"/>
        <source>The previous window could not be brought forward.</source>
        <translation>无法将之前的窗口切换到前台。</translation>
    </message>
    <message>
        <location filename="../../desktop/crm_insert.py" line="115"/>
        <source>Release Ctrl, Shift and Alt, then insert again.</source>
        <translation>请松开 Ctrl、Shift 和 Alt 键后再插入。</translation>
    </message>
    <message>
        <location filename="../../desktop/crm_insert.py" line="116"/>
        <source>The keyboard map has no free key to type with.</source>
        <translation>键盘映射中没有可用于输入的空闲按键。</translation>
    </message>
    <message>
        <location filename="../../desktop/crm_insert.py" line="117"/>
        <source>Windows blocked typing into the previous window.</source>
        <translation>Windows 阻止了向之前窗口输入文字。</translation>
    </message>
    <message>
        <location filename="../../desktop/crm_insert.py" line="127"/>
        <source>Inserted into the previous window.</source>
        <translation>已插入到之前的窗口。</translation>
    </message>
</context>
<context>
    <name>DeskmateApp</name>
    <message>
        <location filename="../../desktop/app.py" line="140"/>
        <source>Syncing…</source>
        <translation>正在同步…</translation>
    </message>
    <message>
        <location filename="../../desktop/app.py" line="226"/>
        <source>Preparing search by meaning… %1%</source>
        <translation>正在准备语义搜索… %1%</translation>
    </message>
    <message>
        <location filename="../../desktop/app.py" line="333"/>
        <source>Gap recorded. Thank you — the knowledge team will see it.</source>
        <translation>已记录缺口。谢谢，知识团队会看到。</translation>
    </message>
    <message>
        <location filename="../../desktop/app.py" line="352"/>
        <source>Synced: %s</source>
        <translation>已同步：%s</translation>
    </message>
    <message>
        <location filename="../../desktop/app.py" line="444"/>
        <source>The new language applies when Deskmate restarts.</source>
        <translation>新语言将在 Deskmate 重启后生效。</translation>
    </message>
</context>
<context>
    <name>ErrorWording</name>
    <message>
        <location filename="../../desktop/error_wording.py" line="37"/>
        <source>The knowledge database is in use by another program (%1). Close other Deskmate windows and try again; nothing was lost.</source>
        <translation>知识数据库正被其他程序占用（%1）。请关闭其他 Deskmate 窗口后重试；没有丢失任何内容。</translation>
    </message>
    <message>
        <location filename="../../desktop/error_wording.py" line="44"/>
        <source>Deskmate cannot write to its data folder (%1 is read-only). Ask IT to give you write permission; searching still works.</source>
        <translation>Deskmate 无法写入数据文件夹（%1 为只读）。请联系 IT 开通写入权限；搜索仍可正常使用。</translation>
    </message>
    <message>
        <location filename="../../desktop/error_wording.py" line="51"/>
        <source>The disk holding Deskmate&apos;s data (%1) is full. Free some space and try again; nothing was changed.</source>
        <translation>存放 Deskmate 数据的磁盘（%1）已满。请清理部分空间后重试；没有做任何更改。</translation>
    </message>
    <message>
        <location filename="../../desktop/error_wording.py" line="58"/>
        <source>The knowledge database %1 is damaged. Quit Deskmate, move the file aside and sync again to rebuild it.</source>
        <translation>知识数据库 %1 已损坏。请退出 Deskmate，将该文件移到别处，然后重新同步以重建。</translation>
    </message>
    <message>
        <location filename="../../desktop/error_wording.py" line="65"/>
        <source>Deskmate cannot open its database %1. Check that the folder exists and that you may use it.</source>
        <translation>Deskmate 无法打开数据库 %1。请检查该文件夹是否存在以及您是否有权使用。</translation>
    </message>
    <message>
        <location filename="../../desktop/error_wording.py" line="72"/>
        <source>Reading or writing %1 failed (a disk or network drive problem). Try again; if it keeps happening, tell your IT team.</source>
        <translation>读写 %1 失败（磁盘或网络驱动器问题）。请重试；如果问题持续出现，请告知 IT 团队。</translation>
    </message>
    <message>
        <location filename="../../desktop/error_wording.py" line="79"/>
        <source>The knowledge database %1 could not be used. Try again; if it keeps happening, tell your IT team.</source>
        <translation>无法使用知识数据库 %1。请重试；如果问题持续出现，请告知 IT 团队。</translation>
    </message>
    <message>
        <location filename="../../desktop/error_wording.py" line="86"/>
        <source>The search index is still being prepared; search works as soon as it is ready.</source>
        <translation>搜索索引仍在准备中；准备好后即可搜索。</translation>
    </message>
    <message>
        <location filename="../../desktop/error_wording.py" line="90"/>
        <source>Cancelled; nothing was changed.</source>
        <translation>已取消；没有做任何更改。</translation>
    </message>
    <message>
        <location filename="../../desktop/error_wording.py" line="93"/>
        <source>Some content could not be read; it was left out. Tell your knowledge editors.</source>
        <translation>部分内容无法读取，已略过。请告知知识编辑。</translation>
    </message>
    <message>
        <location filename="../../desktop/error_wording.py" line="97"/>
        <source>The settings could not be saved. Check that your profile folder is writable.</source>
        <translation>无法保存设置。请检查您的配置文件夹是否可写。</translation>
    </message>
    <message>
        <location filename="../../desktop/error_wording.py" line="107"/>
        <source>The disk is full, so the search index could not be rebuilt. Deskmate keeps searching the previous index; free some space and restart Deskmate.</source>
        <translation>磁盘已满，搜索索引未能重建。Deskmate 继续使用之前的索引搜索；请清理空间后重新启动 Deskmate。</translation>
    </message>
    <message>
        <location filename="../../desktop/error_wording.py" line="113"/>
        <source>Deskmate cannot write to its data folder, so the search index could not be rebuilt. It keeps searching the previous index; ask IT for write permission.</source>
        <translation>Deskmate 无法写入数据文件夹，搜索索引未能重建。将继续使用之前的索引搜索；请联系 IT 开通写入权限。</translation>
    </message>
    <message>
        <location filename="../../desktop/error_wording.py" line="118"/>
        <source>The search index could not be prepared. Deskmate keeps searching the last good index; restart Deskmate to try again.</source>
        <translation>无法准备搜索索引。Deskmate 将继续使用上一个正常的索引搜索；重新启动 Deskmate 可再试一次。</translation>
    </message>
    <message>
        <location filename="../../desktop/error_wording.py" line="134"/>
        <source>Deskmate could not finish this (%1). The details are in the log: %2</source>
        <translation>Deskmate 未能完成此操作（%1）。详细信息见日志：%2</translation>
    </message>
    <message>
        <location filename="../../desktop/error_wording.py" line="144"/>
        <source>Sorry, something went wrong inside Deskmate. The details are in %1.</source>
        <translation>抱歉，Deskmate 内部出错了。详细信息见 %1。</translation>
    </message>
    <message>
        <location filename="../../desktop/error_wording.py" line="159"/>
        <source>the log</source>
        <translation>日志</translation>
    </message>
    <message>
        <location filename="../../desktop/error_wording.py" line="167"/>
        <source>This desktop does not let Deskmate reserve a strip at the screen edge; it stays on top instead.</source>
        <translation>此桌面环境不允许 Deskmate 在屏幕边缘占用一条区域，侧边栏将改为置顶显示。</translation>
    </message>
    <message>
        <location filename="../../desktop/error_wording.py" line="176"/>
        <source>Some settings could not be read, so their defaults are used. The details are in %1.</source>
        <translation>部分设置无法读取，已使用默认值。详情见 %1。</translation>
    </message>
    <message>
        <location filename="../../desktop/error_wording.py" line="185"/>
        <source>The server address is not valid. Enter it as https://deskmate.example.com.</source>
        <translation>服务器地址无效，请按 https://deskmate.example.com 的格式填写。</translation>
    </message>
    <message>
        <location filename="../../desktop/error_wording.py" line="189"/>
        <source>This setting is not valid: %1.</source>
        <translation>此设置无效：%1。</translation>
    </message>
    <message>
        <location filename="../../desktop/error_wording.py" line="195"/>
        <source>The note is too long; shorten it to %1 characters or fewer.</source>
        <translation>备注太长，请缩短到 %1 个字以内。</translation>
    </message>
    <message>
        <location filename="../../desktop/error_wording.py" line="199"/>
        <source>The case reference is too long; it can have at most %1 characters.</source>
        <translation>工单号太长，最多 %1 个字符。</translation>
    </message>
    <message>
        <location filename="../../desktop/error_wording.py" line="202"/>
        <source>This gap cannot be recorded as entered; check the fields.</source>
        <translation>按当前填写无法记录此缺口，请检查各项内容。</translation>
    </message>
    <message>
        <location filename="../../desktop/error_wording.py" line="207"/>
        <source>Signed in for this session only: this computer has no safe place to keep your sign-in, so you will have to sign in again after a restart.</source>
        <translation>仅本次登录有效：这台电脑没有安全保存登录信息的位置，重启后需要重新登录。</translation>
    </message>
    <message>
        <location filename="../../desktop/error_wording.py" line="217"/>
        <source>Only plain text can be searched; this is not text.</source>
        <translation>只能搜索纯文本；这不是文本。</translation>
    </message>
    <message>
        <location filename="../../desktop/error_wording.py" line="219"/>
        <source>The text is too long to search: at most %1 characters.</source>
        <translation>文本太长，无法搜索：最多 %1 个字符。</translation>
    </message>
    <message>
        <location filename="../../desktop/error_wording.py" line="223"/>
        <source>The text looks like a password, key or card number, so it was not searched.</source>
        <translation>这段文本像是密码、密钥或卡号，因此没有搜索。</translation>
    </message>
    <message>
        <location filename="../../desktop/error_wording.py" line="227"/>
        <source>There are no words to search for in this text.</source>
        <translation>这段文本中没有可搜索的文字。</translation>
    </message>
</context>
<context>
    <name>ExpertBrowser</name>
    <message>
        <location filename="../../desktop/expert_browser.py" line="54"/>
        <source>Available</source>
        <translation>有空</translation>
    </message>
    <message>
        <location filename="../../desktop/expert_browser.py" line="55"/>
        <source>Busy</source>
        <translation>忙碌</translation>
    </message>
    <message>
        <location filename="../../desktop/expert_browser.py" line="56"/>
        <source>Away</source>
        <translation>离开</translation>
    </message>
    <message>
        <location filename="../../desktop/expert_browser.py" line="57"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../desktop/expert_browser.py" line="61"/>
        <source>In working hours now</source>
        <translation>现在是工作时间</translation>
    </message>
    <message>
        <location filename="../../desktop/expert_browser.py" line="65"/>
        <source>Outside working hours</source>
        <translation>不在工作时间</translation>
    </message>
    <message>
        <location filename="../../desktop/expert_browser.py" line="91"/>
        <source>Back (Esc)</source>
        <translation>返回（Esc）</translation>
    </message>
    <message>
        <location filename="../../desktop/expert_browser.py" line="93"/>
        <source>Experts</source>
        <translation>专家</translation>
    </message>
    <message>
        <location filename="../../desktop/expert_browser.py" line="99"/>
        <source>By team</source>
        <translation>按团队</translation>
    </message>
    <message>
        <location filename="../../desktop/expert_browser.py" line="101"/>
        <source>By skill</source>
        <translation>按技能</translation>
    </message>
    <message>
        <location filename="../../desktop/expert_browser.py" line="145"/>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../../desktop/expert_browser.py" line="153"/>
        <source>%1 — %2 of %3 available</source>
        <translation>%1 — %3 人中 %2 人有空</translation>
    </message>
</context>
<context>
    <name>ExpertCard</name>
    <message>
        <location filename="../../desktop/expert_card.py" line="75"/>
        <source>Team</source>
        <translation>团队</translation>
    </message>
    <message>
        <location filename="../../desktop/expert_card.py" line="76"/>
        <source>Role</source>
        <translation>职位</translation>
    </message>
    <message>
        <location filename="../../desktop/expert_card.py" line="77"/>
        <source>Skills</source>
        <translation>技能</translation>
    </message>
    <message>
        <location filename="../../desktop/expert_card.py" line="78"/>
        <source>Languages</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../desktop/expert_card.py" line="79"/>
        <source>Hours</source>
        <translation>服务时间</translation>
    </message>
    <message>
        <location filename="../../desktop/expert_card.py" line="80"/>
        <source>Now</source>
        <translation>当前</translation>
    </message>
    <message>
        <location filename="../../desktop/expert_card.py" line="81"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../desktop/expert_card.py" line="82"/>
        <location filename="../../desktop/expert_card.py" line="99"/>
        <source>Email</source>
        <translation>邮件</translation>
    </message>
    <message>
        <location filename="../../desktop/expert_card.py" line="99"/>
        <source>Call</source>
        <translation>拨打</translation>
    </message>
    <message>
        <location filename="../../desktop/expert_card.py" line="99"/>
        <source>Message</source>
        <translation>发消息</translation>
    </message>
</context>
<context>
    <name>FavouriteActions</name>
    <message>
        <location filename="../../desktop/favourites.py" line="214"/>
        <source>Pinned to the home screen.</source>
        <translation>已收藏到首页。</translation>
    </message>
    <message>
        <location filename="../../desktop/favourites.py" line="214"/>
        <source>Unpinned.</source>
        <translation>已取消收藏。</translation>
    </message>
</context>
<context>
    <name>Favourites</name>
    <message>
        <location filename="../../desktop/favourites.py" line="156"/>
        <source>Unpin from the home screen</source>
        <translation>从首页取消收藏</translation>
    </message>
    <message>
        <location filename="../../desktop/favourites.py" line="158"/>
        <source>Pin to the home screen</source>
        <translation>收藏到首页</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <location filename="../../desktop/filter_bar.py" line="25"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../desktop/filter_bar.py" line="26"/>
        <source>Chat</source>
        <translation>在线聊天</translation>
    </message>
    <message>
        <location filename="../../desktop/filter_bar.py" line="27"/>
        <source>Email</source>
        <translation>邮件</translation>
    </message>
    <message>
        <location filename="../../desktop/filter_bar.py" line="48"/>
        <source>Only this product</source>
        <translation>只看此产品</translation>
    </message>
    <message>
        <location filename="../../desktop/filter_bar.py" line="51"/>
        <source>Only this channel</source>
        <translation>只看此渠道</translation>
    </message>
    <message>
        <location filename="../../desktop/filter_bar.py" line="79"/>
        <source>Product</source>
        <translation>产品</translation>
    </message>
    <message>
        <location filename="../../desktop/filter_bar.py" line="80"/>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
</context>
<context>
    <name>GapDialog</name>
    <message>
        <location filename="../../desktop/gap_dialog.py" line="30"/>
        <source>Missing: there is no answer</source>
        <translation>缺失：没有答案</translation>
    </message>
    <message>
        <location filename="../../desktop/gap_dialog.py" line="31"/>
        <source>Wrong: the answer is incorrect</source>
        <translation>错误：答案不正确</translation>
    </message>
    <message>
        <location filename="../../desktop/gap_dialog.py" line="32"/>
        <source>Outdated: the answer is old</source>
        <translation>过时：答案已经过期</translation>
    </message>
    <message>
        <location filename="../../desktop/gap_dialog.py" line="33"/>
        <source>Unclear: hard to use on a call</source>
        <translation>不清楚：通话中难以使用</translation>
    </message>
    <message>
        <location filename="../../desktop/gap_dialog.py" line="55"/>
        <source>Deskmate — flag a knowledge gap</source>
        <translation>Deskmate — 标记知识缺口</translation>
    </message>
    <message>
        <location filename="../../desktop/gap_dialog.py" line="71"/>
        <source>optional: what was the customer asking?</source>
        <translation>可选：客户问的是什么？</translation>
    </message>
    <message>
        <location filename="../../desktop/gap_dialog.py" line="74"/>
        <source>optional: CRM case number</source>
        <translation>可选：CRM 工单号</translation>
    </message>
    <message>
        <location filename="../../desktop/gap_dialog.py" line="75"/>
        <source>Searched for</source>
        <translation>搜索内容</translation>
    </message>
    <message>
        <location filename="../../desktop/gap_dialog.py" line="82"/>
        <source>Open item</source>
        <translation>当前条目</translation>
    </message>
    <message>
        <location filename="../../desktop/gap_dialog.py" line="83"/>
        <source>Problem</source>
        <translation>问题类型</translation>
    </message>
    <message>
        <location filename="../../desktop/gap_dialog.py" line="84"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../desktop/gap_dialog.py" line="85"/>
        <source>Case number</source>
        <translation>工单号</translation>
    </message>
    <message>
        <location filename="../../desktop/gap_dialog.py" line="93"/>
        <source>Record gap (Enter)</source>
        <translation>记录缺口（回车）</translation>
    </message>
    <message>
        <location filename="../../desktop/gap_dialog.py" line="98"/>
        <source>Propose an answer…</source>
        <translation>提议一个答案…</translation>
    </message>
</context>
<context>
    <name>GlobalHotkeys</name>
    <message>
        <location filename="../../desktop/hotkeys/x11_hotkeys.py" line="123"/>
        <source>Deskmate could not connect to the X display for global hotkeys.</source>
        <translation>Deskmate 连不上 X 显示服务，无法设置全局快捷键。</translation>
    </message>
    <message>
        <location filename="../../desktop/hotkeys/x11_hotkeys.py" line="189"/>
        <source>%1 is not on this keyboard layout; choose another key in Settings.</source>
        <translation>当前键盘布局里没有 %1，请在「设置」里换一个按键。</translation>
    </message>
    <message>
        <location filename="../../desktop/hotkeys/unsupported_hotkeys.py" line="26"/>
        <source>Global hotkeys are not available on this desktop (%1). Use a desktop shortcut that runs `deskmate --summon` or `deskmate --flag-gap`.</source>
        <translation>此桌面环境（%1）不支持全局快捷键。请在系统里设置运行 `deskmate --summon` 或 `deskmate --flag-gap` 的桌面快捷键。</translation>
    </message>
    <message>
        <location filename="../../desktop/hotkeys/hotkey_chord.py" line="63"/>
        <source>“%1” is not a key combination Deskmate understands; choose another key in Settings.</source>
        <translation>“%1”不是 Deskmate 能识别的组合键，请在「设置」里换一个按键。</translation>
    </message>
    <message>
        <location filename="../../desktop/hotkeys/hotkey_chord.py" line="72"/>
        <source>“%1” is several key presses; a global key must be one combination such as Ctrl+Alt+G.</source>
        <translation>“%1”是多次按键；全局快捷键必须是一个组合键，例如 Ctrl+Alt+G。</translation>
    </message>
    <message>
        <location filename="../../desktop/hotkeys/hotkey_chord.py" line="92"/>
        <source>%1 would stop that key from typing in every program; a global key needs Ctrl, Alt or the Windows key, e.g. Ctrl+Alt+G.</source>
        <translation>%1 会让这个键在所有程序里都无法输入；全局快捷键需要带 Ctrl、Alt 或 Windows 键，例如 Ctrl+Alt+G。</translation>
    </message>
    <message>
        <location filename="../../desktop/hotkeys/global_hotkeys.py" line="26"/>
        <source>%1 is already used by another program; choose another key in Settings.</source>
        <translation>%1 已被其他程序占用，请在「设置」里换一个按键。</translation>
    </message>
    <message>
        <location filename="../../desktop/hotkeys/global_hotkeys.py" line="33"/>
        <source>Deskmate cannot use %1 as a global key here; choose another key in Settings.</source>
        <translation>Deskmate 在这里无法把 %1 用作全局快捷键，请在「设置」里换一个按键。</translation>
    </message>
    <message>
        <location filename="../../desktop/hotkeys/global_hotkeys.py" line="87"/>
        <source>%1 is already the key for another Deskmate action (%2); choose another key in Settings.</source>
        <translation>%1 已是 Deskmate 另一个操作（%2）的快捷键，请在「设置」里换一个按键。</translation>
    </message>
    <message>
        <location filename="../../desktop/hotkeys/windows_hotkeys.py" line="166"/>
        <source>Windows would not make %1 a global key (error %2); choose another key in Settings.</source>
        <translation>Windows 不允许把 %1 设为全局快捷键（错误 %2），请在「设置」里换一个按键。</translation>
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
        <source>Opened none of the results for</source>
        <translation>未打开以下搜索的任何结果</translation>
    </message>
    <message>
        <location filename="../../desktop/history_view.py" line="30"/>
        <source>Opened</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../desktop/history_view.py" line="31"/>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
    <message>
        <location filename="../../desktop/history_view.py" line="32"/>
        <source>Rated</source>
        <translation>评价</translation>
    </message>
    <message>
        <location filename="../../desktop/history_view.py" line="33"/>
        <source>Flagged a gap</source>
        <translation>标记了缺口</translation>
    </message>
    <message>
        <location filename="../../desktop/history_view.py" line="46"/>
        <source>Tried to call</source>
        <translation>尝试致电</translation>
    </message>
    <message>
        <location filename="../../desktop/history_view.py" line="47"/>
        <source>Tried to email</source>
        <translation>尝试发邮件给</translation>
    </message>
    <message>
        <location filename="../../desktop/history_view.py" line="48"/>
        <source>Tried to message</source>
        <translation>尝试发消息给</translation>
    </message>
    <message>
        <location filename="../../desktop/history_view.py" line="52"/>
        <source>Called</source>
        <translation>已致电</translation>
    </message>
    <message>
        <location filename="../../desktop/history_view.py" line="53"/>
        <source>Emailed</source>
        <translation>已发邮件给</translation>
    </message>
    <message>
        <location filename="../../desktop/history_view.py" line="54"/>
        <source>Messaged</source>
        <translation>已发消息给</translation>
    </message>
    <message>
        <location filename="../../desktop/history_view.py" line="57"/>
        <source>Contacted</source>
        <translation>已联系</translation>
    </message>
    <message>
        <location filename="../../desktop/history_view.py" line="78"/>
        <source>&lt;b&gt;My recent activity&lt;/b&gt;</source>
        <translation>&lt;b&gt;我的近期记录&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../desktop/history_view.py" line="109"/>
        <source> (helpful)</source>
        <translation>（有用）</translation>
    </message>
    <message>
        <location filename="../../desktop/history_view.py" line="109"/>
        <source> (not helpful)</source>
        <translation>（没用）</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/history_view.py" line="111"/>
        <source> (%n result(s))</source>
        <translation>
            <numerusform> （%n 条结果）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/history_view.py" line="117"/>
        <source>Looked at %n result(s) for “%1” and opened none</source>
        <translation>
            <numerusform>查看了「%1」的 %n 条结果，未打开任何一条</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/history_view.py" line="98"/>
        <source>Nothing yet: what you search and open appears here.</source>
        <translation>暂无记录：你搜索和打开的内容会显示在这里。</translation>
    </message>
</context>
<context>
    <name>IndexProgress</name>
    <message>
        <location filename="../../desktop/index_progress.py" line="23"/>
        <location filename="../../desktop/index_progress.py" line="40"/>
        <source>Preparing the search index…</source>
        <translation>正在准备搜索索引…</translation>
    </message>
    <message>
        <location filename="../../desktop/index_progress.py" line="30"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../desktop/index_progress.py" line="51"/>
        <source>Preparing the search index… %1%</source>
        <translation>正在准备搜索索引… %1%</translation>
    </message>
    <message>
        <location filename="../../desktop/index_progress.py" line="55"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
</context>
<context>
    <name>ItemHistory</name>
    <message>
        <location filename="../../desktop/item_history.py" line="78"/>
        <source>Previous item (Alt+Left)</source>
        <translation>上一条 (Alt+←)</translation>
    </message>
    <message>
        <location filename="../../desktop/item_history.py" line="79"/>
        <source>Next item (Alt+Right)</source>
        <translation>下一条 (Alt+→)</translation>
    </message>
</context>
<context>
    <name>ItemView</name>
    <message>
        <location filename="../../desktop/item_view.py" line="52"/>
        <source>Back to results (Esc)</source>
        <translation>返回结果（Esc）</translation>
    </message>
    <message>
        <location filename="../../desktop/item_view.py" line="84"/>
        <source>Helpful</source>
        <translation>有用</translation>
    </message>
    <message>
        <location filename="../../desktop/item_view.py" line="85"/>
        <source>This helped</source>
        <translation>这很有帮助</translation>
    </message>
    <message>
        <location filename="../../desktop/item_view.py" line="87"/>
        <source>Not helpful</source>
        <translation>没用</translation>
    </message>
    <message>
        <location filename="../../desktop/item_view.py" line="88"/>
        <source>This did not help</source>
        <translation>这没有帮助</translation>
    </message>
    <message>
        <location filename="../../desktop/item_view.py" line="90"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../desktop/item_view.py" line="91"/>
        <source>Copy the answer (Ctrl+C)</source>
        <translation>复制答案（Ctrl+C）</translation>
    </message>
    <message>
        <location filename="../../desktop/item_view.py" line="93"/>
        <source>Flag a problem</source>
        <translation>报告问题</translation>
    </message>
    <message>
        <location filename="../../desktop/item_view.py" line="108"/>
        <source>Know a better answer? Propose an edit…</source>
        <translation>有更好的答案？提议修改…</translation>
    </message>
    <message>
        <location filename="../../desktop/item_view.py" line="140"/>
        <source>Guidance for you (not for the customer): %1</source>
        <translation>坐席指引（勿告诉客户）：%1</translation>
    </message>
    <message>
        <location filename="../../desktop/item_view.py" line="156"/>
        <source>Related: </source>
        <translation>相关：</translation>
    </message>
    <message>
        <location filename="../../desktop/item_view.py" line="166"/>
        <source>Not verified yet</source>
        <translation>尚未复核</translation>
    </message>
    <message>
        <location filename="../../desktop/item_view.py" line="172"/>
        <source>today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location filename="../../desktop/item_view.py" line="174"/>
        <source>yesterday</source>
        <translation>昨天</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/item_view.py" line="176"/>
        <source>%n days ago</source>
        <translation>
            <numerusform>%n 天前</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/item_view.py" line="179"/>
        <source>⚠ Not verified for %n days (last: %1) — check before quoting</source>
        <translation>
            <numerusform>⚠ 已 %n 天未复核（上次：%1）— 引用前请核实</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/item_view.py" line="183"/>
        <source>Verified by %1 · %2</source>
        <translation>%1 复核 · %2</translation>
    </message>
</context>
<context>
    <name>LearningController</name>
    <message numerus="yes">
        <location filename="../../desktop/learning_controller.py" line="153"/>
        <source>(%n more in My learning)</source>
        <translation>
            <numerusform>（「我的学习」中还有 %n 条）</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/learning_controller.py" line="177"/>
        <source>Your rating is saved; it is sent with the next sync.</source>
        <translation>自评已保存，下次同步时发送。</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_controller.py" line="187"/>
        <source>Marked done; your manager sees it after the next sync.</source>
        <translation>已标记完成，下次同步后主管即可看到。</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_controller.py" line="223"/>
        <source>Thank you: your proposal goes to the knowledge editors with the next sync.</source>
        <translation>谢谢！你的提议将在下次同步时发给知识编辑。</translation>
    </message>
</context>
<context>
    <name>LearningView</name>
    <message>
        <location filename="../../desktop/learning_view.py" line="74"/>
        <source>Back (Esc)</source>
        <translation>返回（Esc）</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_view.py" line="77"/>
        <source>&lt;b&gt;My learning&lt;/b&gt;</source>
        <translation>&lt;b&gt;我的学习&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_view.py" line="79"/>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_view.py" line="92"/>
        <source>Propose an answer…</source>
        <translation>提议一个答案…</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_view.py" line="98"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_view.py" line="130"/>
        <source>Last updated %1</source>
        <translation>更新于 %1</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_view.py" line="132"/>
        <source>Role: %1</source>
        <translation>岗位：%1</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_view.py" line="135"/>
        <source>Offline: this is your profile as last synced.</source>
        <translation>离线：显示的是上次同步的学习档案。</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_view.py" line="137"/>
        <source>Sign in again (Settings → Account) to update it; this is the last synced one.</source>
        <translation>请重新登录（设置 → 账户）以更新；当前显示的是上次同步的档案。</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_view.py" line="139"/>
        <source>The last sync failed; this is the last synced profile.</source>
        <translation>上次同步失败；当前显示的是上次同步的档案。</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_view.py" line="140"/>
        <source>No server is set; this is the last synced profile.</source>
        <translation>未设置服务器；当前显示的是上次同步的档案。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/learning_view.py" line="148"/>
        <source>Changes waiting for the next sync: %n</source>
        <translation>
            <numerusform>等待下次同步的更改：%n</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/learning_view.py" line="153"/>
        <source>Your server does not offer learning profiles yet.</source>
        <translation>你的服务器暂不提供学习档案。</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_view.py" line="156"/>
        <source>Learning profiles come from your team&apos;s server. Set its address in Settings to see yours.</source>
        <translation>学习档案来自团队的服务器。请在“设置”中填写服务器地址后查看。</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_view.py" line="160"/>
        <source>Sign in (Settings → Account) and sync to see your learning profile.</source>
        <translation>请登录（设置 → 账户）并同步，即可查看你的学习档案。</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_view.py" line="163"/>
        <source>Offline: your learning profile appears after the first sync with the server.</source>
        <translation>离线：首次与服务器同步后即可看到你的学习档案。</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_view.py" line="166"/>
        <source>Your learning profile appears after the next sync.</source>
        <translation>下次同步后即可看到你的学习档案。</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_view.py" line="180"/>
        <source>Notices</source>
        <translation>通知</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_view.py" line="184"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_view.py" line="201"/>
        <source>Assignments</source>
        <translation>学习任务</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_view.py" line="216"/>
        <source>Recommended for you</source>
        <translation>为你推荐</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_view.py" line="235"/>
        <source>Skills, largest gap first</source>
        <translation>技能（差距大的在前）</translation>
    </message>
</context>
<context>
    <name>NoticeBanner</name>
    <message>
        <location filename="../../desktop/notice_banner.py" line="42"/>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../desktop/notice_banner.py" line="55"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/notice_banner.py" line="58"/>
        <source>%n more in My learning</source>
        <translation>
            <numerusform>「我的学习」中还有 %n 条</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PasteBox</name>
    <message>
        <location filename="../../desktop/paste_box.py" line="68"/>
        <source>Paste the customer&apos;s message here, then Suggest (Ctrl+Enter)</source>
        <translation>在此粘贴客户的消息，然后点“推荐”（Ctrl+Enter）</translation>
    </message>
    <message>
        <location filename="../../desktop/paste_box.py" line="73"/>
        <source>Suggest</source>
        <translation>推荐</translation>
    </message>
    <message>
        <location filename="../../desktop/paste_box.py" line="76"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../desktop/paste_box.py" line="90"/>
        <source>Paste the customer&apos;s message</source>
        <translation>粘贴客户的消息</translation>
    </message>
</context>
<context>
    <name>PinButton</name>
    <message>
        <location filename="../../desktop/favourites.py" line="140"/>
        <source>Unpin (Ctrl+D)</source>
        <translation>取消收藏 (Ctrl+D)</translation>
    </message>
    <message>
        <location filename="../../desktop/favourites.py" line="140"/>
        <source>Pin to the home screen (Ctrl+D)</source>
        <translation>收藏到首页 (Ctrl+D)</translation>
    </message>
</context>
<context>
    <name>PlaceholderLabels</name>
    <message>
        <location filename="../../desktop/placeholder_labels.py" line="21"/>
        <source>Customer name</source>
        <translation>客户姓名</translation>
    </message>
    <message>
        <location filename="../../desktop/placeholder_labels.py" line="22"/>
        <source>Your name</source>
        <translation>您的姓名</translation>
    </message>
    <message>
        <location filename="../../desktop/placeholder_labels.py" line="23"/>
        <location filename="../../desktop/placeholder_labels.py" line="24"/>
        <location filename="../../desktop/placeholder_labels.py" line="25"/>
        <source>Order number</source>
        <translation>订单号</translation>
    </message>
    <message>
        <location filename="../../desktop/placeholder_labels.py" line="26"/>
        <source>Case number</source>
        <translation>工单号</translation>
    </message>
    <message>
        <location filename="../../desktop/placeholder_labels.py" line="27"/>
        <source>Ticket number</source>
        <translation>工单号</translation>
    </message>
    <message>
        <location filename="../../desktop/placeholder_labels.py" line="28"/>
        <location filename="../../desktop/placeholder_labels.py" line="29"/>
        <source>Phone number</source>
        <translation>电话号码</translation>
    </message>
    <message>
        <location filename="../../desktop/placeholder_labels.py" line="30"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../desktop/placeholder_labels.py" line="31"/>
        <source>Refund amount</source>
        <translation>退款金额</translation>
    </message>
    <message>
        <location filename="../../desktop/placeholder_labels.py" line="32"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../desktop/placeholder_labels.py" line="33"/>
        <source>Refund date</source>
        <translation>退款日期</translation>
    </message>
    <message>
        <location filename="../../desktop/placeholder_labels.py" line="34"/>
        <source>Product</source>
        <translation>产品</translation>
    </message>
</context>
<context>
    <name>ProposalDialog</name>
    <message>
        <location filename="../../desktop/proposal_dialog.py" line="58"/>
        <source>Deskmate — propose an edit</source>
        <translation>Deskmate — 提议修改</translation>
    </message>
    <message>
        <location filename="../../desktop/proposal_dialog.py" line="60"/>
        <source>Deskmate — propose an answer</source>
        <translation>Deskmate — 提议答案</translation>
    </message>
    <message>
        <location filename="../../desktop/proposal_dialog.py" line="67"/>
        <source>Your proposal goes to the knowledge editors as a draft. It is sent with the next sync, also if you are offline now.</source>
        <translation>你的提议会作为草稿交给知识编辑。即使现在离线，也会在下次同步时发送。</translation>
    </message>
    <message>
        <location filename="../../desktop/proposal_dialog.py" line="75"/>
        <source>Edit of</source>
        <translation>修改条目</translation>
    </message>
    <message>
        <location filename="../../desktop/proposal_dialog.py" line="78"/>
        <source>the customer&apos;s question</source>
        <translation>客户的问题</translation>
    </message>
    <message>
        <location filename="../../desktop/proposal_dialog.py" line="79"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../desktop/proposal_dialog.py" line="82"/>
        <source>the answer as you would give it</source>
        <translation>你会怎样回答客户</translation>
    </message>
    <message>
        <location filename="../../desktop/proposal_dialog.py" line="84"/>
        <source>Answer</source>
        <translation>答案</translation>
    </message>
    <message>
        <location filename="../../desktop/proposal_dialog.py" line="86"/>
        <source>Skills it is about</source>
        <translation>相关技能</translation>
    </message>
    <message>
        <location filename="../../desktop/proposal_dialog.py" line="89"/>
        <source>filter skills</source>
        <translation>筛选技能</translation>
    </message>
    <message>
        <location filename="../../desktop/proposal_dialog.py" line="115"/>
        <source>Send proposal</source>
        <translation>提交提议</translation>
    </message>
    <message>
        <location filename="../../desktop/proposal_dialog.py" line="156"/>
        <source>Give the proposal a title: the question it answers.</source>
        <translation>请填写标题：它回答的是什么问题。</translation>
    </message>
    <message>
        <location filename="../../desktop/proposal_dialog.py" line="157"/>
        <source>The title is too long.</source>
        <translation>标题太长了。</translation>
    </message>
    <message>
        <location filename="../../desktop/proposal_dialog.py" line="158"/>
        <source>Write the answer you propose.</source>
        <translation>请填写你提议的答案。</translation>
    </message>
    <message>
        <location filename="../../desktop/proposal_dialog.py" line="159"/>
        <source>The answer is too long.</source>
        <translation>答案太长了。</translation>
    </message>
    <message>
        <location filename="../../desktop/proposal_dialog.py" line="160"/>
        <source>Pick fewer skills.</source>
        <translation>请少选几个技能。</translation>
    </message>
</context>
<context>
    <name>ResultList</name>
    <message>
        <location filename="../../desktop/result_list.py" line="53"/>
        <source>FAQ</source>
        <extracomment>Badge colours per kind: readable on light and dark backgrounds.</extracomment>
        <translation>FAQ</translation>
    </message>
    <message>
        <location filename="../../desktop/result_list.py" line="54"/>
        <source>Script</source>
        <translation>话术</translation>
    </message>
    <message>
        <location filename="../../desktop/result_list.py" line="55"/>
        <source>Expert</source>
        <translation>专家</translation>
    </message>
</context>
<context>
    <name>ResultsPage</name>
    <message>
        <location filename="../../desktop/results_page.py" line="64"/>
        <source>Record a knowledge gap</source>
        <translation>记录知识缺口</translation>
    </message>
    <message>
        <location filename="../../desktop/results_page.py" line="65"/>
        <source>Propose an answer</source>
        <translation>提议一个答案</translation>
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
        <location filename="../../desktop/script_form.py" line="39"/>
        <source>Fill in the blanks, then copy:</source>
        <translation>填写空白后复制：</translation>
    </message>
    <message>
        <location filename="../../desktop/script_form.py" line="47"/>
        <source>Copy filled script (Ctrl+C)</source>
        <translation>复制填好的话术（Ctrl+C）</translation>
    </message>
    <message>
        <location filename="../../desktop/script_form.py" line="92"/>
        <source>Still empty: %s</source>
        <translation>尚未填写：%s</translation>
    </message>
    <message>
        <location filename="../../desktop/script_form.py" line="117"/>
        <source>1 blank is empty: %2. Copy anyway?</source>
        <translation>还有 1 处空白未填：%2。仍要复制吗？</translation>
    </message>
    <message>
        <location filename="../../desktop/script_form.py" line="119"/>
        <source>%1 blanks are empty: %2. Copy anyway?</source>
        <translation>还有 %1 处空白未填：%2。仍要复制吗？</translation>
    </message>
    <message>
        <location filename="../../desktop/script_form.py" line="122"/>
        <source>Deskmate — empty blanks</source>
        <translation>Deskmate — 空白未填</translation>
    </message>
    <message>
        <location filename="../../desktop/script_form.py" line="127"/>
        <source>Copy anyway</source>
        <translation>仍然复制</translation>
    </message>
    <message>
        <location filename="../../desktop/script_form.py" line="128"/>
        <source>Fill them in</source>
        <translation>去填写</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="58"/>
        <source>Deskmate settings</source>
        <translation>Deskmate 设置</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="66"/>
        <source>Server URL</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="70"/>
        <source>token from your team lead or IT</source>
        <translation>向组长或 IT 获取的令牌</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="71"/>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="80"/>
        <source>Account</source>
        <translation>账号</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="91"/>
        <source>Right edge</source>
        <translation>右侧</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="92"/>
        <source>Left edge</source>
        <translation>左侧</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="94"/>
        <source>Dock at</source>
        <translation>停靠位置</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="96"/>
        <source>Primary screen</source>
        <translation>主屏幕</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="100"/>
        <source>Screen</source>
        <translation>屏幕</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="105"/>
        <source>Width</source>
        <translation>宽度</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="108"/>
        <source>Summon hotkey</source>
        <translation>呼出快捷键</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="110"/>
        <source>Gap hotkey</source>
        <translation>缺口快捷键</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="119"/>
        <source>Start Deskmate when I sign in</source>
        <translation>登录系统时启动 Deskmate</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="123"/>
        <source>Suggest answers for text I copy</source>
        <translation>为我复制的文字推荐答案</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="128"/>
        <source>Plain text up to 2,000 characters, never passwords or card numbers; it stays on this computer and is not uploaded.</source>
        <translation>仅限 2000 字以内的纯文本，绝不包括密码或卡号；文字只保存在本机，不会上传。</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="134"/>
        <source>Suggest hotkey</source>
        <translation>推荐快捷键</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="135"/>
        <source>Closing the window keeps Deskmate in the tray</source>
        <translation>关闭窗口时保留在托盘</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="139"/>
        <location filename="../../desktop/settings_dialog.py" line="145"/>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="143"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="146"/>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="147"/>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="149"/>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="156"/>
        <source>Also Ctrl+= / Ctrl+- / Ctrl+0 in the sidebar</source>
        <translation>在侧边栏也可按 Ctrl+= / Ctrl+- / Ctrl+0</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="157"/>
        <source>Text size</source>
        <translation>文字大小</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="188"/>
        <source>About Deskmate</source>
        <translation>关于 Deskmate</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="205"/>
        <source>Set by your IT department</source>
        <translation>由 IT 部门设置</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="242"/>
        <source>Nobody yet. What you do is kept on this computer and uploaded for the first account that signs in.</source>
        <translation>尚未登录。你的操作先保存在本机，将以第一个登录的账号上传。</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="248"/>
        <source>agent</source>
        <translation>坐席</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="249"/>
        <source>manager</source>
        <translation>主管</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="250"/>
        <source>editor</source>
        <translation>知识编辑</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="254"/>
        <source>team %1</source>
        <translation>班组 %1</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="256"/>
        <source>%1 (%2) since %3</source>
        <translation>%1（%2），自 %3 起</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="182"/>
        <source>Greyed-out settings are managed by your IT department.</source>
        <translation>灰色的设置由 IT 部门统一管理。</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="87"/>
        <source>Signed in as</source>
        <translation>当前账号</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="232"/>
        <source>Enter the server URL and your token first.</source>
        <translation>请先填写服务器地址和令牌。</translation>
    </message>
</context>
<context>
    <name>SidebarToolbar</name>
    <message>
        <location filename="../../desktop/sidebar_toolbar.py" line="32"/>
        <source>Search (中文 / pinyin / English)</source>
        <translation>搜索（中文 / 拼音 / English）</translation>
    </message>
    <message>
        <location filename="../../desktop/sidebar_toolbar.py" line="34"/>
        <source>Record a knowledge gap (Ctrl+Alt+G)</source>
        <translation>记录知识缺口（Ctrl+Alt+G）</translation>
    </message>
    <message>
        <location filename="../../desktop/sidebar_toolbar.py" line="35"/>
        <source>My recent activity</source>
        <translation>我的近期记录</translation>
    </message>
    <message>
        <location filename="../../desktop/sidebar_toolbar.py" line="36"/>
        <source>My learning (Ctrl+L)</source>
        <translation>我的学习（Ctrl+L）</translation>
    </message>
    <message>
        <location filename="../../desktop/sidebar_toolbar.py" line="37"/>
        <source>Keep on top</source>
        <translation>保持在最前</translation>
    </message>
    <message>
        <location filename="../../desktop/sidebar_toolbar.py" line="39"/>
        <source>Dock / undock</source>
        <translation>停靠 / 浮动</translation>
    </message>
    <message>
        <location filename="../../desktop/sidebar_toolbar.py" line="40"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../desktop/sidebar_toolbar.py" line="54"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../desktop/sidebar_toolbar.py" line="54"/>
        <source>FAQs</source>
        <translation>FAQ</translation>
    </message>
    <message>
        <location filename="../../desktop/sidebar_toolbar.py" line="54"/>
        <source>Scripts</source>
        <translation>话术</translation>
    </message>
    <message>
        <location filename="../../desktop/sidebar_toolbar.py" line="54"/>
        <source>Experts</source>
        <translation>专家</translation>
    </message>
</context>
<context>
    <name>SidebarWindow</name>
    <message>
        <location filename="../../desktop/sidebar.py" line="103"/>
        <source>Text size %1 %</source>
        <translation>文字大小 %1 %</translation>
    </message>
    <message>
        <location filename="../../desktop/sidebar.py" line="279"/>
        <location filename="../../desktop/sidebar.py" line="289"/>
        <source>Nothing found for “%s”.</source>
        <translation>没有找到“%s”。</translation>
    </message>
    <message>
        <location filename="../../desktop/sidebar.py" line="316"/>
        <source>This item is no longer in the knowledge base.</source>
        <translation>该条目已不在知识库中。</translation>
    </message>
    <message>
        <location filename="../../desktop/item_actions.py" line="69"/>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
    <message>
        <location filename="../../desktop/item_actions.py" line="71"/>
        <source>Copied.</source>
        <translation>已复制。</translation>
    </message>
    <message>
        <location filename="../../desktop/item_actions.py" line="74"/>
        <source>Copied, but some blanks are still empty.</source>
        <translation>已复制，但还有空白未填写。</translation>
    </message>
    <message>
        <location filename="../../desktop/item_actions.py" line="88"/>
        <source>No app opened the link; contact them yourself: %1</source>
        <translation>没有应用打开该链接，请自行联系：%1</translation>
    </message>
    <message>
        <location filename="../../desktop/home_list.py" line="78"/>
        <source>Pinned, recent and frequently used</source>
        <translation>已收藏、最近和常用</translation>
    </message>
    <message>
        <location filename="../../desktop/home_list.py" line="83"/>
        <source>Recent and frequently used</source>
        <translation>最近和常用</translation>
    </message>
    <message>
        <location filename="../../desktop/home_list.py" line="85"/>
        <source>Type to search</source>
        <translation>输入内容开始搜索</translation>
    </message>
</context>
<context>
    <name>SkillCard</name>
    <message>
        <location filename="../../desktop/learning_cards.py" line="175"/>
        <source>Read: </source>
        <translation>推荐阅读：</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_cards.py" line="185"/>
        <source>gap %1</source>
        <translation>差距 %1</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_cards.py" line="190"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_cards.py" line="191"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_cards.py" line="193"/>
        <source>Level %1 of 5; your role&apos;s target: %2</source>
        <translation>水平 %1（满分 5）；岗位目标：%2</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_cards.py" line="209"/>
        <source>d MMM</source>
        <translation>M 月 d 日</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_cards.py" line="211"/>
        <source>Level %1 → %2 since %3</source>
        <translation>水平 %1 → %2（自 %3）</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_cards.py" line="223"/>
        <source>Level recorded weekly from this week</source>
        <translation>本周开始每周记录水平</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_cards.py" line="231"/>
        <source>My own rating:</source>
        <translation>我的自评：</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_cards.py" line="240"/>
        <source>Rate myself %1 of 5</source>
        <translation>自评 %1 分（满分 5）</translation>
    </message>
    <message>
        <location filename="../../desktop/learning_cards.py" line="246"/>
        <source>waiting to sync</source>
        <translation>等待同步</translation>
    </message>
</context>
<context>
    <name>StartupPreparation</name>
    <message>
        <location filename="../../desktop/startup.py" line="114"/>
        <source>The search index was not rebuilt; Deskmate searches the previous one until the next start.</source>
        <translation>搜索索引未重建；在下次启动前，Deskmate 继续使用之前的索引搜索。</translation>
    </message>
    <message>
        <location filename="../../desktop/startup.py" line="121"/>
        <source>The search index was not prepared; search works after Deskmate restarts.</source>
        <translation>搜索索引未准备好；重新启动 Deskmate 后即可搜索。</translation>
    </message>
    <message>
        <location filename="../../desktop/startup.py" line="125"/>
        <source>Loading the sample knowledge pack…</source>
        <translation>正在载入示例知识包…</translation>
    </message>
</context>
<context>
    <name>StatusLine</name>
    <message>
        <location filename="../../desktop/status_line.py" line="64"/>
        <source>Offline (no server configured)</source>
        <translation>离线（未配置服务器）</translation>
    </message>
    <message>
        <location filename="../../desktop/status_line.py" line="66"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../desktop/status_line.py" line="68"/>
        <source>Offline: working from the local copy</source>
        <translation>离线：正在使用本地副本</translation>
    </message>
    <message>
        <location filename="../../desktop/status_line.py" line="69"/>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <location filename="../../desktop/status_line.py" line="72"/>
        <source>%1 · last sync: %2 · %3 FAQs, %4 scripts, %5 experts</source>
        <translation>%1 · 上次同步：%2 · FAQ %3 条、话术 %4 条、专家 %5 位</translation>
    </message>
</context>
<context>
    <name>SyncWording</name>
    <message>
        <location filename="../../desktop/sync_wording.py" line="23"/>
        <source>everything is up to date</source>
        <translation>已是最新</translation>
    </message>
    <message>
        <location filename="../../desktop/sync_wording.py" line="25"/>
        <source>%1 new, %2 updated, %3 deleted</source>
        <translation>新增 %1，更新 %2，删除 %3</translation>
    </message>
    <message>
        <location filename="../../desktop/sync_wording.py" line="32"/>
        <source>%1 activity records sent</source>
        <translation>已上传 %1 条使用记录</translation>
    </message>
    <message>
        <location filename="../../desktop/sync_wording.py" line="38"/>
        <source>%1 learning changes sent</source>
        <translation>已上传 %1 项学习更改</translation>
    </message>
    <message>
        <location filename="../../desktop/sync_wording.py" line="48"/>
        <source>The server cannot be reached. Deskmate works from the local copy and sends your records when the connection is back.</source>
        <translation>连不上服务器。Deskmate 先用本地副本工作，网络恢复后再上传你的记录。</translation>
    </message>
    <message>
        <location filename="../../desktop/sync_wording.py" line="53"/>
        <source>The server did not accept your sign-in. Open Settings, Account, and sign in again.</source>
        <translation>服务器不接受你的登录。请打开「设置 → 账号」重新登录。</translation>
    </message>
    <message>
        <location filename="../../desktop/sync_wording.py" line="57"/>
        <source>Your account may not do this on the server. Ask your Deskmate administrator.</source>
        <translation>你的账号在服务器上没有这项权限。请联系 Deskmate 管理员。</translation>
    </message>
    <message>
        <location filename="../../desktop/sync_wording.py" line="61"/>
        <source>The server asked for a full download; it starts again at the next sync.</source>
        <translation>服务器要求重新完整下载，下次同步时会从头开始。</translation>
    </message>
    <message>
        <location filename="../../desktop/sync_wording.py" line="64"/>
        <source>The server refused a batch as too large; the records stay and go in smaller batches.</source>
        <translation>服务器拒收了过大的一批数据；记录都还在，会分成小批再发。</translation>
    </message>
    <message>
        <location filename="../../desktop/sync_wording.py" line="68"/>
        <source>The server refused some records; they are kept aside. Tell your IT team.</source>
        <translation>服务器拒收了部分记录，已单独保存。请告知 IT 团队。</translation>
    </message>
    <message>
        <location filename="../../desktop/sync_wording.py" line="72"/>
        <source>The server sent something Deskmate cannot use; nothing was changed. Tell your IT team.</source>
        <translation>服务器返回了 Deskmate 无法使用的内容，本地未做任何改动。请告知 IT 团队。</translation>
    </message>
    <message>
        <location filename="../../desktop/sync_wording.py" line="77"/>
        <source>The disk is full; free some space and sync again.</source>
        <translation>磁盘已满，请清理出空间后再同步。</translation>
    </message>
    <message>
        <location filename="../../desktop/sync_wording.py" line="80"/>
        <source>The sync was cancelled; it continues next time.</source>
        <translation>同步已取消，下次会接着进行。</translation>
    </message>
    <message>
        <location filename="../../desktop/sync_wording.py" line="83"/>
        <source>The server answers too slowly. Deskmate works from the local copy and tries again later.</source>
        <translation>服务器响应太慢。Deskmate 先使用本地副本，稍后再试。</translation>
    </message>
    <message>
        <location filename="../../desktop/sync_wording.py" line="88"/>
        <source>The sync did not finish; nothing was lost and it tries again at the next sync.</source>
        <translation>同步未完成；没有丢失任何内容，下次同步时会重试。</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <location filename="../../desktop/tray.py" line="32"/>
        <source>Show Deskmate</source>
        <translation>显示 Deskmate</translation>
    </message>
    <message>
        <location filename="../../desktop/tray.py" line="34"/>
        <source>My learning</source>
        <translation>我的学习</translation>
    </message>
    <message>
        <location filename="../../desktop/tray.py" line="36"/>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <location filename="../../desktop/tray.py" line="38"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../../desktop/tray.py" line="40"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context>
</TS>
