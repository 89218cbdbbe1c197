"""Family ``legacy``: the 政府信息公开情况统计表 appended to reports up to 2018.

Reports in the ``prose`` format store the figures their sentences state in
the same codes.
"""

from __future__ import annotations

from ..layout import Column, Family, Instance, Row, Rule, sum_rule

VALUE = Column("value", "统计数", "value", kind="amount")
FORMATS = {"legacy": ("value",), "prose": ("value",)}
HEADING_FORMATS = {"legacy": ()}

# (code, label, English, unit, level); code None marks a heading row.
_TABLE: tuple[tuple[str, str, str, str, int], ...] = (
    ("h_active", "一、主动公开情况", "I. Active disclosure", "", 0),
    ("active_total", "(一)主动公开政府信息数(不同渠道和方式公开相同信息计1条)", "information published", "条", 1),
    ("active_normative_docs", "其中:主动公开规范性文件数", "of which normative documents", "条", 2),
    ("normative_docs_issued", "制发规范性文件总数", "normative documents issued", "件", 2),
    ("h_channels", "(二)通过不同渠道和方式公开政府信息的情况", "by channel", "", 1),
    ("channel_gazette", "1.政府公报公开政府信息数", "via the government gazette", "条", 2),
    ("channel_website", "2.政府网站公开政府信息数", "via the government website", "条", 2),
    ("channel_weibo", "3.政务微博公开政府信息数", "via Weibo", "条", 2),
    ("channel_wechat", "4.政务微信公开政府信息数", "via WeChat", "条", 2),
    ("channel_other", "5.其他方式公开政府信息数", "via other channels", "条", 2),
    ("h_response", "二、回应解读情况", "II. Responses and explanations", "", 0),
    ("response_hotspots", "(一)回应公众关注热点或重大舆情数(不同方式回应同一热点或舆情计1次)", "responses to public concerns", "次", 1),
    ("h_response_channels", "(二)通过不同渠道和方式回应解读的情况", "by channel", "", 1),
    ("response_press_conferences", "1.参加或举办新闻发布会总次数", "press conferences", "次", 2),
    ("response_press_conferences_by_head", "其中:主要负责同志参加新闻发布会次数", "of which attended by the head", "次", 3),
    ("response_online_interviews", "2.政府网站在线访谈次数", "online interviews", "次", 2),
    ("response_online_interviews_by_head", "其中:主要负责同志参加政府网站在线访谈次数", "of which with the head", "次", 3),
    ("response_policy_explanations", "3.政策解读稿件发布数", "policy explanations published", "篇", 2),
    ("response_weibo_wechat", "4.微博微信回应事件数", "responses on Weibo and WeChat", "次", 2),
    ("response_other", "5.其他方式回应事件数", "responses by other means", "次", 2),
    ("h_requests", "三、依申请公开情况", "III. Disclosure on request", "", 0),
    ("requests_received", "(一)收到申请数", "requests received", "件", 1),
    ("requests_in_person", "1.当面申请数", "in person", "件", 2),
    ("requests_fax", "2.传真申请数", "by fax", "件", 2),
    ("requests_online", "3.网络申请数", "online", "件", 2),
    ("requests_letter", "4.信函申请数", "by letter", "件", 2),
    ("requests_closed", "(二)申请办结数", "requests closed", "件", 1),
    ("requests_closed_on_time", "1.按时办结数", "closed on time", "件", 2),
    ("requests_closed_extended", "2.延期办结数", "closed after extension", "件", 2),
    ("replies", "(三)申请答复数", "replies", "件", 1),
    ("replies_already_public", "1.属于已主动公开范围数", "already public", "件", 2),
    ("replies_granted", "2.同意公开答复数", "granted", "件", 2),
    ("replies_partial", "3.同意部分公开答复数", "partially granted", "件", 2),
    ("replies_denied", "4.不同意公开答复数", "denied", "件", 2),
    ("denied_state_secret", "其中:涉及国家秘密", "state secret", "件", 3),
    ("denied_commercial_secret", "涉及商业秘密", "commercial secret", "件", 3),
    ("denied_privacy", "涉及个人隐私", "privacy", "件", 3),
    ("denied_security", "危及国家安全、公共安全、经济安全和社会稳定", "security and stability", "件", 3),
    ("denied_not_gov_info", "不是《条例》所指政府信息", "not government information", "件", 3),
    ("denied_other_law", "法律法规规定的其他情形", "other legal grounds", "件", 3),
    ("replies_not_this_agency", "5.不属于本行政机关公开数", "not this body's information", "件", 2),
    ("replies_not_exist", "6.申请信息不存在数", "information does not exist", "件", 2),
    ("replies_correction", "7.告知作出更改补充数", "asked to amend the request", "件", 2),
    ("replies_other_channel", "8.告知通过其他途径办理数", "referred to other channels", "件", 2),
    ("reviews", "四、行政复议数量", "IV. Administrative reconsiderations", "件", 0),
    ("reviews_upheld", "(一)维持具体行政行为数", "upheld", "件", 1),
    ("reviews_corrected", "(二)被依法纠错数", "corrected", "件", 1),
    ("reviews_other", "(三)其他情形数", "other", "件", 1),
    ("lawsuits", "五、行政诉讼数量", "V. Lawsuits", "件", 0),
    ("lawsuits_upheld", "(一)维持具体行政行为或者驳回原告诉讼请求数", "upheld or dismissed", "件", 1),
    ("lawsuits_corrected", "(二)被依法纠错数", "corrected", "件", 1),
    ("lawsuits_other", "(三)其他情形数", "other", "件", 1),
    ("complaints", "六、举报投诉数量", "VI. Complaints", "件", 0),
    ("fees_collected", "七、依申请公开信息收取的费用", "VII. Fees collected", "万元", 0),
    ("h_capacity", "八、机构建设和保障经费情况", "VIII. Organisation and funding", "", 0),
    ("bodies", "(一)政府信息公开工作专门机构数", "dedicated bodies", "个", 1),
    ("reading_points", "(二)设置政府信息公开查阅点数", "reading points", "个", 1),
    ("staff", "(三)从事政府信息公开工作人员数", "staff", "人", 1),
    ("staff_full_time", "1.专职人员数(不包括政府公报及政府网站工作人员数)", "full-time staff", "人", 2),
    ("staff_part_time", "2.兼职人员数", "part-time staff", "人", 2),
    ("budget", "(四)政府信息公开专项经费(不包括用于政府公报编辑管理及政府网站建设维护等方面的经费)", "dedicated budget", "万元", 1),
    ("h_meetings", "九、政府信息公开会议和培训情况", "IX. Meetings and training", "", 0),
    ("meetings", "(一)召开政府信息公开工作会议或专题会议数", "meetings", "次", 1),
    ("trainings", "(二)举办各类培训班数", "training courses", "次", 1),
    ("trainees", "(三)接受培训人员数", "people trained", "人次", 1),
)

ROWS = tuple(
    Row(code, label, en, HEADING_FORMATS if code.startswith("h_") else FORMATS,
        heading=code.startswith("h_"), unit=unit, level=level)
    for code, label, en, unit, level in _TABLE
)
AMOUNTS = frozenset({"fees_collected", "budget"})
F = frozenset({"legacy", "prose"})


def _sum(id: str, zh: str, en: str, total: str, parts: tuple[str, ...]) -> Rule:
    return sum_rule(id, "legacy", zh, en, f"{total} = " + " + ".join(parts), [Instance(total, (total,), parts, F)])


def _at_most(scope: str, part: str, whole: str) -> Instance:
    return Instance(scope, (part,), (whole,), F)


RULES = (
    _sum("L1", "收到申请数等于各渠道申请数之和", "requests received = in person + fax + online + letter",
         "requests_received", ("requests_in_person", "requests_fax", "requests_online", "requests_letter")),
    _sum("L2", "申请办结数等于按时办结数与延期办结数之和", "requests closed = on time + extended",
         "requests_closed", ("requests_closed_on_time", "requests_closed_extended")),
    _sum("L3", "申请答复数等于各类答复数之和", "replies = the eight kinds of reply",
         "replies", ("replies_already_public", "replies_granted", "replies_partial", "replies_denied",
                     "replies_not_this_agency", "replies_not_exist", "replies_correction", "replies_other_channel")),
    _sum("L4", "不同意公开答复数等于各不同意公开情形之和", "replies denied = sum of the grounds",
         "replies_denied", ("denied_state_secret", "denied_commercial_secret", "denied_privacy",
                            "denied_security", "denied_not_gov_info", "denied_other_law")),
    _sum("L5", "行政复议数量等于各结果之和", "reviews = upheld + corrected + other",
         "reviews", ("reviews_upheld", "reviews_corrected", "reviews_other")),
    _sum("L6", "行政诉讼数量等于各结果之和", "lawsuits = upheld + corrected + other",
         "lawsuits", ("lawsuits_upheld", "lawsuits_corrected", "lawsuits_other")),
    _sum("L7", "从事政府信息公开工作人员数等于专职与兼职人员数之和", "staff = full time + part time",
         "staff", ("staff_full_time", "staff_part_time")),
    sum_rule(
        "L8", "legacy", "“其中”项不大于其所属项", "an “of which” item does not exceed its parent",
        "active_normative_docs <= active_total; *_by_head <= parent",
        [
            _at_most("active_normative_docs", "active_normative_docs", "active_total"),
            _at_most("press_conferences_by_head", "response_press_conferences_by_head", "response_press_conferences"),
            _at_most("online_interviews_by_head", "response_online_interviews_by_head", "response_online_interviews"),
        ],
        relation="<=",
    ),
    sum_rule(
        "L9", "legacy", "办结数、答复数不大于收到申请数(上年结转的申请可使其不成立,仅作提示)",
        "closed and replies do not exceed requests received (carry-over can break it: a warning)",
        "requests_closed <= requests_received; replies <= requests_received",
        [_at_most("requests_closed", "requests_closed", "requests_received"),
         _at_most("replies", "replies", "requests_received")],
        relation="<=",
        severity="warning",
    ),
)

FAMILY = Family(
    name="legacy",
    table_no="附表",
    title="政府信息公开情况统计表",
    en="The statistics appendix of reports up to 2018 (and figures stated in prose)",
    shape="long",
    row_key="indicator",
    columns=(VALUE,),
    rows=ROWS,
    sections=("政府信息公开情况统计表",),
    rules=RULES,
    corner="统计指标",
    unit_header="单位",
)
