"""The words around the tables: sections of the report and sentences that state figures.

Sentences that state a figure return it as a *fact* (a legacy code and its
value): a report without tables is read from those sentences, so they are its
truth. Filler sentences carry figures no table code stands for (web visits,
issues of a gazette, domain names), which a reader must not pick up.
"""

from __future__ import annotations

import random

from ..values import Number
from .names import Agency

Facts = dict[str, Number]


def self_name(agency: Agency, rng: random.Random) -> str:
    """How the report refers to its body (我局, 我市, 本机关…)."""
    if agency.kind in ("government", "office"):
        place = {"province": "省", "city": "市", "county": "县", "township": "镇"}[agency.level]
        if agency.name.endswith("区人民政府"):
            place = "区"
        if agency.name.endswith(("乡人民政府",)):
            place = "乡"
        if agency.name.endswith("办事处"):
            return rng.choice(("本街道", "我街道", "本机关"))
        return rng.choice((f"我{place}", f"全{place}", "本机关"))
    if agency.name.endswith("委员会"):
        return rng.choice(("我委", "本机关"))
    if agency.name.endswith("中心"):
        return rng.choice(("我中心", "本单位"))
    return rng.choice(("我局", "本机关", "我单位")) if agency.name.endswith("局") else rng.choice(("本机关", "本单位"))


FILLER = (
    "{year}年，{self}深入贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，持续推进决策、执行、管理、服务、结果公开。",
    "{self}调整政务公开工作领导小组，明确分管负责同志和具体工作人员，形成主要领导亲自抓、分管领导具体抓、工作人员抓落实的工作格局。",
    "围绕重点领域信息公开，及时公开财政预决算、重大建设项目、公共资源配置、社会公益事业建设等信息，方便群众查询。",
    "严格落实政府信息公开保密审查制度，按照“先审查、后公开”和“一事一审”的原则，确保公开信息不涉密、涉密信息不公开。",
    "门户网站全年访问量达{visits}万人次，编印政府公报{issues}期，发放政务公开宣传资料{flyers}余份。",
    "对政府网站域名进行清理，保留一级域名{domains}个，其余不合规域名全部关停。",
    "按照“谁起草、谁解读”的原则，做到政策文件与解读材料同步组织、同步审签、同步部署。",
    "完善政府信息公开指南和公开目录，进一步明确公开的内容、时限、形式和主体。",
    "加强政务新媒体管理，规范信息发布流程，提升政务公开的及时性和互动性。",
)
PROBLEMS = (
    "政府信息公开工作还存在一些不足：一是公开的深度和广度有待拓展；二是政策解读的形式还比较单一；三是工作人员业务能力需进一步提升。",
    "下一步，{self}将进一步加强政府信息公开工作，健全工作机制，加强业务培训，不断提高政务公开工作水平。",
    "针对上年度存在的问题，{self}及时制定整改措施，逐项落实到位。",
)
OTHER_MATTERS = (
    "本年度无其他需要报告的事项。",
    "{year}年度，{self}认真办理人大代表建议和政协委员提案，办理结果按规定予以公开。",
)


def fill(template: str, agency: Agency, year: int, rng: random.Random) -> str:
    return template.format(
        self=self_name(agency, rng), year=year, visits=rng.randint(3, 400), issues=rng.randint(4, 24),
        flyers=rng.randint(2, 90) * 100, domains=rng.randint(1, 30),
    )


def filler(agency: Agency, year: int, rng: random.Random, k: int) -> list[str]:
    return [fill(t, agency, year, rng) for t in rng.sample(FILLER, k)]


def problems(agency: Agency, year: int, rng: random.Random) -> list[str]:
    return [fill(t, agency, year, rng) for t in rng.sample(PROBLEMS, 2)]


def other_matters(agency: Agency, year: int, rng: random.Random) -> list[str]:
    return [fill(rng.choice(OTHER_MATTERS), agency, year, rng)]


DIGITS = "〇一二三四五六七八九"
"""Chinese numerals 0 to 9, as a year is printed digit by digit (二〇二二)."""


def chinese_numeral(n: int, two: str = "二") -> str:
    """``n`` (0 to 9,999) in Chinese numerals as a count is written: 零, 十二, 二十, 一百零五; ``two`` may be 两."""
    if n == 0:
        return "零"
    if n == 2:
        return two
    out, gap = "", False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, unit)
        if d:
            out += ("零" if gap and out else "") + ("" if unit == 10 and d == 1 and not out else DIGITS[d]) + name
            gap = False
        elif out:
            gap = True
    return out


def _count(n: Number, rng: random.Random) -> str:
    """A count as a report prints it: mostly in digits, sometimes in Chinese numerals (两件, 十二件)."""
    if isinstance(n, int) and 0 < n < 10_000 and rng.random() < 0.15:
        return chinese_numeral(n, rng.choice("二两"))
    return str(n)


_RECEIVED = (
    "{year}年，{self}共收到政府信息公开申请{n}件",
    "全年共受理依申请公开政府信息{n}件",
    "{self}共收到并及时处理政府信息依申请公开{n}宗",
    "{year}年度{self}收到公民、法人或其他组织提出的政府信息公开申请{n}件",
)
_CHANNELS = {
    "requests_in_person": ("当面申请{n}件", "现场申请{n}件"),
    "requests_online": ("网络申请{n}件", "通过网上申请系统申请{n}件", "在线申请{n}件"),
    "requests_letter": ("信函申请{n}件", "信件申请{n}件"),
    "requests_fax": ("传真申请{n}件",),
}
_REVIEWS_NONE = (
    "{year}年，{self}未发生因政府信息公开引起的行政复议、行政诉讼。",
    "本年度{self}没有因政府信息公开工作被申请行政复议或提起行政诉讼的情况。",
)
_RECEIVED_NONE = ("本年度{self}未收到政府信息公开申请。", "{year}年，{self}没有收到公民、法人或其他组织提出的政府信息公开申请。")
_REVIEWS_SOME = "{year}年，{self}因政府信息公开被申请行政复议{r}件，被提起行政诉讼{l}件。"
_COMPLAINTS_NONE = ("全年未收到有关政府信息公开工作的举报投诉。", "本年度没有收到对政府信息公开工作的举报和投诉。")
_FEES_NONE = ("{self}在办理依申请公开过程中未收取任何费用。", "{year}年，{self}没有收取政府信息公开相关费用。")
_ACTIVE_TOTAL = ("{year}年，{self}主动公开政府信息{n}条。", "全年共主动公开政府信息{n}条，其中通过政府网站公开的占绝大多数。")


def request_sentences(facts_in: dict[str, Number | None], agency: Agency, year: int, rng: random.Random) -> tuple[list[str], Facts]:
    """Sentences stating requests received (and by channel), reviews, lawsuits, complaints and fees.

    ``facts_in`` holds the figures the report may state (legacy codes); a
    figure that is ``None`` is not stated. Returns the sentences and the
    facts they state.
    """
    s = {"self": self_name(agency, rng), "year": year}
    out: list[str] = []
    facts: Facts = {}
    active = facts_in.get("active_total")
    if active is not None and rng.random() < 0.6:
        out.append(rng.choice(_ACTIVE_TOTAL).format(n=active, **s))
        facts["active_total"] = active
    received = facts_in.get("requests_received")
    if received == 0 and rng.random() < 0.5:
        out.append(rng.choice(_RECEIVED_NONE).format(**s))
        facts["requests_received"] = 0
    elif received is not None:
        sentence = rng.choice(_RECEIVED).format(n=_count(received, rng), **s)
        parts = []
        for code, forms in _CHANNELS.items():
            v = facts_in.get(code)
            if v is not None and (v > 0 or rng.random() < 0.3):
                parts.append(rng.choice(forms).format(n=_count(v, rng)))
                facts[code] = v
        rng.shuffle(parts)
        if parts and received > 0:
            sentence += "，其中" + "、".join(parts)
        else:
            for code in _CHANNELS:
                facts.pop(code, None)
        out.append(sentence + "。内容主要涉及征地拆迁、政策文件、行政执法等方面，均已依法依规予以答复。")
        facts["requests_received"] = received
    reviews, lawsuits = facts_in.get("reviews"), facts_in.get("lawsuits")
    if reviews is not None and lawsuits is not None:
        if reviews == 0 and lawsuits == 0:
            out.append(rng.choice(_REVIEWS_NONE).format(**s))
        else:
            out.append(_REVIEWS_SOME.format(r=_count(reviews, rng), l=_count(lawsuits, rng), **s))
        facts["reviews"], facts["lawsuits"] = reviews, lawsuits
    if facts_in.get("complaints") == 0 and rng.random() < 0.6:
        out.append(rng.choice(_COMPLAINTS_NONE))
        facts["complaints"] = 0
    if facts_in.get("fees_collected") == 0 and rng.random() < 0.7:
        out.append(rng.choice(_FEES_NONE).format(**s))
        facts["fees_collected"] = 0
    return out, facts
