"""Chinese help texts of the CLI: every command's description and every option's help.

Keyed by command name, then by the option's longest flag (``--lang``), so that a renamed or new
option shows up as missing (``tests/test_cli_zh.py`` fails on an option without Chinese help)
instead of silently falling back to English. Applied by ``cli/main.py`` at ``--help`` time
under a Chinese locale (LANG=zh_CN.UTF-8, DISPUTEKIT_LANG=zh or ``--lang zh``); the English
texts stay in the command modules. ``CLICK`` translates Click's own messages (usage errors,
section titles), which Click looks up through gettext.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NOW = "以此时刻为准进行判断（ISO 8601；默认：SOURCE_DATE_EPOCH 或系统时钟）。"
JSON = "输出 JSON（供脚本使用）。"
PROFILE = "店铺自己的 TOML 文件，覆盖平台配置中的取值。"
BY = "操作人（默认：DISPUTEKIT_USER 或登录用户名）。"
AS = "把文件当作此类证据，而不是按内容识别类型。"
TAG = "证据表明什么（如 before_shipment 出库前、returned_item 退回商品、return 退货）。"


@dataclass(frozen=True)
class CommandText:
    doc: str
    options: dict[str, str] = field(default_factory=dict)


ROOT = CommandText(
    doc="""disputekit — 淘宝/天猫退款纠纷证据包。

    示例：

    \b
        disputekit init CASE --order-id 3712345678901234567 --refund-id 20250420001 ...
        disputekit add CASE chat.txt tracking.json photo.jpg
        disputekit check CASE
    """,
    options={
        "--lang": "提示信息和输出的语言（默认按系统区域设置；中文区域为 zh）。",
        "--verbose": "出错时显示详情（调用栈）。",
        "--version": "显示版本并退出。",
        "--help": "显示此帮助并退出。",
    },
)

COMMANDS: dict[str, CommandText] = {
    "init": CommandText(
        doc="""新建案件文件夹（写出 CASE/case.toml，与手写的文件相同）。

    示例：

    \b
        disputekit init CASE --order-id 3712345678901234567 --refund-id 20250420001 \\
            --buyer tb_buyer --seller 悦家旗舰店 --amount 128.50 --requested-at "2025-04-20 10:02"
    """,
        options={
            "--platform": "平台（每个内置平台配置一个）。",
            "--order-id": "订单号。",
            "--refund-id": "退款编号。",
            "--buyer": "买家昵称，与聊天记录中一致。",
            "--seller": "店铺/卖家昵称；子账号“店铺：客服”也能匹配。",
            "--amount": "退款金额（元），如 128.50、¥12、12元、1,280.00。",
            "--refund-type": "退款类型：仅退款 refund_only 或 退货退款 return_and_refund。",
            "--state": "当前退款状态。",
            "--order-status": "退款对应的交易状态。",
            "--requested-at": "买家申请退款的时间（2025-04-20 10:02、2025年4月20日 10:02 等，北京时间）。",
            "--refund-phase": "售中 onsale 或 售后 aftersale（天猫必填）。",
            "--ordered-at": "下单时间。",
            "--paid-at": "付款时间。",
            "--return-waybill": "买家退货的运单号。",
            "--return-courier": "买家退货的快递公司（代码或名称）。",
            "--buyer-claim": "买家的诉求，几个字即可（显示在封面）。",
            "--shipped-at": "卖家发货时间。",
            "--signed-at": "包裹签收时间。",
            "--state-since": "进入当前退款状态的时间。",
            "--deadline": "平台（千牛）倒计时给出的处理期限，优先于估算。",
            "--waybill": "卖家发货的运单号。",
            "--courier": "发货快递公司（代码或名称，如 zhongtong/中通）。",
            "--ground": "选定的拒绝理由。",
            "--item": "商品标题。",
            "--lang": "证据包的语言。",
            "--by": "制作此案件的客服。",
            "--now": NOW, "--json": JSON,
        },
    ),
    "add": CommandText(
        doc="""向案件添加证据文件。原件逐字节保存并计算哈希。

    先检查每个文件；只要有一个被拒，就一个也不添加。

    示例：

    \b
        disputekit add CASE chat.txt tracking.json IMG_0231.HEIC --caption "出库前拍照"
    """,
        options={
            "--caption": "随证据显示的说明（如 出库前拍照）。",
            "--as": AS, "--tag": TAG,
            "--courier": "物流记录未写明快递公司时，指定快递公司。",
            "--waybill": "物流记录未写明运单号时，指定运单号（记为客服录入）。",
            "--by": BY, "--now": NOW, "--json": JSON,
        },
    ),
    "list": CommandText(
        doc="""列出案件的证据：证据编号、类型、名称、大小、sha256、关键信息（已撤回的证据也列出，
    并标明已撤回）。

    示例：

    \b
        disputekit list CASE --json
    """,
        options={"--json": JSON},
    ),
    "mark": CommandText(
        doc="""标记关键聊天消息（--message）或视频时刻（--at）；证据包突出显示这些消息，并放大显示
    这些视频画面。

    示例：

    \b
        disputekit mark CASE E2 --message 14 --message 15
    """,
        options={
            "--message": "要突出显示的消息编号（可重复）。",
            "--at": "要放大显示其画面的视频时刻，如 00:41 或 1:02:03（可重复）。",
            "--unmark": "改为取消标记。",
            "--by": BY, "--now": NOW, "--json": JSON,
        },
    ),
    "withdraw": CommandText(
        doc="""撤回一件错误的证据：它将退出所有检查、证据包和上传包。

    不删除任何东西：原件、它在 `list` 中的条目和历史都保留，它的编号也不会再用。

    示例：

    \b
        disputekit withdraw CASE E4 --reason "其他订单的出库照片"
    """,
        options={
            "--reason": "撤回的原因（记入审计日志）。",
            "--by": BY, "--now": NOW, "--json": JSON,
        },
    ),
    "tag": CommandText(
        doc="""修改证据的标签或说明（记入审计日志）。

    示例：

    \b
        disputekit tag CASE E4 --tag returned_item --caption "退货开箱照片"
    """,
        options={
            "--tag": "新标签：证据表明什么（如 returned_item 退回商品）。",
            "--caption": "新说明（\"\" 表示删除）。",
            "--by": BY, "--now": NOW, "--json": JSON,
        },
    ),
    "facts": CommandText(
        doc="""录入物流记录缺少的信息（快递公司、运单号）；显示为客服录入。

    运单号与案件 [shipment] 或 [return_shipment] 的运单号相同时，未加标签的记录会被标为该次发货。

    示例：

    \b
        disputekit facts CASE E3 --courier 中通 --waybill 73512345678901
    """,
        options={
            "--courier": "物流记录的快递公司（代码或名称，如 中通）。",
            "--waybill": "物流记录的运单号。",
            "--by": BY, "--now": NOW, "--json": JSON,
        },
    ),
    "inspect": CommandText(
        doc="""显示 disputekit 从单个文件读出的内容，无需案件。

    示例：

    \b
        disputekit inspect chat.txt --json
    """,
        options={
            "--as": AS,
            "--buyer": "买家昵称，用于判断聊天中的角色。",
            "--seller": "卖家昵称，用于判断聊天中的角色。",
            "--courier": "物流记录未写明快递公司时，指定快递公司。",
            "--json": JSON,
        },
    ),
    "check": CommandText(
        doc="""按平台规则、时间线和处理期限检查证据。

    没有阻断问题时退出码 0，有则为 3。

    示例：

    \b
        disputekit check CASE
        disputekit check CASE --ground goods_signed --now 2025-04-21T09:00+08:00 --json
    """,
        options={
            "--ground": "按此拒绝理由评估（不保存）。",
            "--profile": PROFILE, "--now": NOW, "--json": JSON,
        },
    ),
    "grounds": CommandText(
        doc="""列出适合本案的拒绝理由，以及每个理由还缺什么。

    ✔ 适用（所需事实均已确立），? 未核实（缺证据或事实：暂不可用），✘ 受阻（有规则与之矛盾）。

    示例：

    \b
        disputekit grounds CASE
    """,
        options={"--profile": PROFILE, "--now": NOW, "--json": JSON},
    ),
    "queue": CommandText(
        doc="""列出文件夹下的所有案件，最紧急的在前。每天早上运行一次（店规第 9 条）。

    有案件距超时不足 24 小时（或已超时）时退出码为 3，便于定时任务报警。

    示例：

    \b
        disputekit queue ~/disputes --json
    """,
        options={"--now": NOW, "--json": JSON},
    ),
    "draft": CommandText(
        doc="""输出拒绝理由，可直接粘贴（不超过平台的字数上限）。

    示例：

    \b
        disputekit draft CASE --ground goods_signed
    """,
        options={
            "--ground": "按此拒绝理由起草，而不是案件选定的理由。",
            "--lang": "拒绝理由的语言（默认：案件的语言）。",
            "--draft": "即使有阻断问题也输出拒绝理由，并标明草稿/DRAFT——不可粘贴提交。",
            "--profile": PROFILE, "--now": NOW, "--json": JSON,
        },
    ),
    "build": CommandText(
        doc="""生成 out/dossier.pdf（内部复核版）、out/submission.pdf（提交平台版）和上传包
    out/upload/（加 --draft 时为 out/draft/）。

    仍有阻断问题时拒绝生成（退出码 3），除非加 --draft。

    示例：

    \b
        disputekit build CASE
        disputekit build CASE --lang en --out /tmp/x --json
    """,
        options={
            "--lang": "复核版、提交版和上传包共用的语言（默认：案件的语言）。",
            "--out": "输出文件夹（默认：CASE/out）。",
            "--draft": "有阻断问题也生成；每页和每个文件都标明草稿，上传包写到 out/draft/，绝不写到 out/upload/。",
            "--ground": "使用此拒绝理由。",
            "--jobs": "准备图片的进程数。",
            "--by": "封面上显示的制作人。",
            "--profile": PROFILE, "--now": NOW, "--json": JSON,
        },
    ),
    "review": CommandText(
        doc="""组长视图：案件信息、复核状态、上次决定以来的变化、检查结果。

    示例：

    \b
        disputekit review CASE
        disputekit review CASE --json
    """,
        options={"--profile": PROFILE, "--now": NOW, "--json": JSON},
    ),
    "approve": CommandText(
        doc="""按案件当前状态批准。之后的任何改动都会使批准失效。

    仍有阻断问题时拒绝批准（退出码 3）。若 out/dossier.pdf 是按当前状态生成的正式证据包，
    批准记录会写下它的哈希和页面摘要；加 --sign-key 时先用组长的证书（PKCS#12）给它加上
    PDF 签名（店铺配置了时间戳服务时带签名时间戳）。密钥打不开、密码不对或证书过期时
    退出码 5，不写任何内容。

    示例：

    \b
        disputekit approve CASE --by 王组长 -m "证据充分，可以拒绝"
        disputekit approve CASE --by 王组长 --sign-key lead.p12
    """,
        options={
            "--by": "作出决定的复核人（组长）。",
            "--comment": "随批准记录的意见（如 证据充分，可以拒绝）。",
            "--sign-key": "组长的 PKCS#12 文件（.p12/.pfx）：用它给 out/dossier.pdf 加 PDF 签名。",
            "--sign-password-env": "存放 .p12 密码的环境变量名（默认 DISPUTEKIT_SIGN_PASSWORD）；"
                                   "密码绝不写在命令行上。",
            "--profile": PROFILE, "--now": NOW, "--json": JSON,
        },
    ),
    "return": CommandText(
        doc="""把案件退回给客服，并写明缺什么。

    示例：

    \b
        disputekit return CASE --by 王组长 -m "缺少退回包裹的开箱视频截图"
    """,
        options={
            "--by": "作出决定的复核人（组长）。",
            "--comment": "缺什么或需要改什么（必填）。",
            "--profile": PROFILE, "--now": NOW, "--json": JSON,
        },
    ),
    "archive": CommandText(
        doc="""把案件封存到 ARCHIVE/YYYY/MM/CASE-ID/vN：嵌入原件的 PDF/A-3b 证据包、哈希清单、
    审计日志、上传包、结果。只读；重复执行结果相同。

    有阻断问题，或店铺要求批准而没有有效批准时，拒绝封存（退出码 3）。

    示例：

    \b
        disputekit archive CASE --to ~/dispute-archive --outcome won
    """,
        options={
            "--to": "归档文件夹（新建或为空时创建）。",
            "--outcome": "纠纷结果；已封存的状态记录新结果时新增一个版本。",
            "--by": "归档人（默认：DISPUTEKIT_USER 或登录用户名）。",
            "--profile": PROFILE, "--now": NOW, "--json": JSON,
        },
    ),
    "verify": CommandText(
        doc="""重新计算全部哈希，检查清单、审计链和证据包附件。

    PATH 可以是归档、已归档的案件（ARCHIVE/YYYY/MM/CASE-ID 或其中的 vN）、案件文件夹或
    dossier.pdf。完好时退出码为 0，否则为 4。

    示例：

    \b
        disputekit verify ~/dispute-archive/2025/04/taobao-20250420001
        disputekit verify out/dossier.pdf --json
        disputekit verify CASE --against ~/dispute-archive
    """,
        options={
            "--deep": "同时按 PDF/A-3b 校验已封存的证据包（较慢）。",
            "--against": "用于案件文件夹：同时与 ARCHIVE 中封存的该案各版本核对（案件被回滚或"
                         "改写到已归档状态之前即校验失败）。",
            "--jobs": "同时计算哈希的文件数（默认：CPU 核数，最多 8）。",
            "--json": JSON,
        },
    ),
    "search": CommandText(
        doc="""查找已归档的案件；每条结果一行，最新申请的在前。

    示例：

    \b
        disputekit search ~/dispute-archive --buyer tb_小明2021
        disputekit search ~/dispute-archive --ground goods_signed --outcome lost --since 2025-04-01
    """,
        options={
            "--order": "订单号（完全一致）。",
            "--refund": "退款编号（完全一致）。",
            "--buyer": "买家昵称（完全一致）。",
            "--seller": "店铺/卖家昵称（完全一致）。",
            "--ground": "拒绝理由。",
            "--outcome": "结果；pending 表示尚未记录。",
            "--since": "退款申请日期不早于 DATE。",
            "--until": "退款申请日期不晚于 DATE（含当天）。",
            "--all-versions": "列出每个封存版本，而不只是最新版本。",
            "--limit": "最多显示的结果数（0：全部）。",
            "--json": JSON,
        },
    ),
    "reindex": CommandText(
        doc="""根据封存的文件夹（以它们为准）重建 ARCHIVE/index.sqlite。

    示例：

    \b
        disputekit reindex ~/dispute-archive
    """,
        options={"--json": JSON},
    ),
    "stats": CommandText(
        doc="""案件数、各拒绝理由的结果、胜率、拒绝用时、保住和退还的金额。

    示例：

    \b
        disputekit stats ~/dispute-archive --since 2025-01-01
    """,
        options={
            "--since": "只统计退款申请日期不早于 DATE 的案件。",
            "--until": "只统计退款申请日期不晚于 DATE 的案件。",
            "--chart": "PNG 图表的保存位置（默认：ARCHIVE/stats.png）。",
            "--no-chart": "不生成图表。",
            "--json": JSON,
        },
    ),
}

# Options every command has (Click adds --help itself).
COMMON: dict[str, str] = {"--help": "显示此帮助并退出。"}

# Click's own messages (it looks them up through gettext), msgid → Chinese.
CLICK: dict[str, str] = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "位置参数",
    # "Show this message and exit." is not here: Click caches the --help option per command, so
    # it is localized by flag (COMMON, ROOT) instead of when Click creates it.
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "No such option {name!r}.": "没有这个选项 {name!r}。",
    "No such command {name!r}.": "没有这个命令 {name!r}。",
    "Did you mean {possibility}?": "您是不是要用 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（您是不是要用其中之一：{possibilities}？）",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受值。",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不在可选值 {choices} 之中。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是有效的布尔值。可用值：{states}",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "{value!r} 不符合任一格式 {formats}。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 不可执行。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    # Not "file"/"directory"/"path": click.Path takes its name from them once, when a command
    # module is first imported, and that name is the metavar (FILE) for the rest of the process.
    "Aborted!": "已中止！",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
    "deprecated": "已弃用",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，但只给了 1 个。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值，但给了 {len} 个。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Choose from:\n\t{choices}": "可选值：\n\t{choices}",
    "integer": "整数",
    "float": "数",
    "integer range": "整数范围",
}


def option_help(command: str, flag: str) -> str | None:
    """The Chinese help of ``command``'s option ``flag`` (its longest spelling), if any."""
    found = ROOT if command == "" else COMMANDS.get(command)
    if found is not None and flag in found.options:
        return found.options[flag]
    return COMMON.get(flag)
