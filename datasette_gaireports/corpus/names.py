"""Reporting bodies at every level, as real place names and department names build them.

A body is a government (人民政府, its 办公厅/办公室), a department, a
development zone's 管委会, or a township's 人民政府 / a street's 办事处. The
:class:`Agency` carries the canonical name the export uses and the shorter
forms a title may print (``铁岭市`` for ``铁岭市人民政府``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# Province → prefecture-level city → counties and districts (real names).
PLACES: dict[str, dict[str, tuple[str, ...]]] = {
    "河北省": {
        "石家庄市": ("长安区", "桥西区", "正定县", "晋州市", "赞皇县"),
        "保定市": ("竞秀区", "莲池区", "涿州市", "定州市", "阜平县"),
        "邯郸市": ("丛台区", "复兴区", "武安市", "涉县", "大名县"),
    },
    "山西省": {
        "太原市": ("小店区", "迎泽区", "清徐县", "古交市"),
        "大同市": ("平城区", "云冈区", "阳高县", "浑源县"),
        "运城市": ("盐湖区", "永济市", "河津市", "芮城县"),
    },
    "辽宁省": {
        "沈阳市": ("和平区", "沈河区", "浑南区", "新民市", "康平县"),
        "大连市": ("中山区", "甘井子区", "庄河市", "长海县"),
        "铁岭市": ("银州区", "清河区", "开原市", "昌图县", "西丰县"),
    },
    "吉林省": {
        "长春市": ("南关区", "朝阳区", "榆树市", "农安县"),
        "吉林市": ("船营区", "丰满区", "蛟河市", "永吉县"),
    },
    "黑龙江省": {
        "哈尔滨市": ("道里区", "南岗区", "五常市", "宾县"),
        "齐齐哈尔市": ("龙沙区", "建华区", "讷河市", "龙江县"),
    },
    "江苏省": {
        "南京市": ("玄武区", "秦淮区", "江宁区", "溧水区"),
        "苏州市": ("姑苏区", "吴中区", "昆山市", "常熟市", "太仓市"),
        "徐州市": ("鼓楼区", "铜山区", "新沂市", "沛县", "睢宁县"),
    },
    "浙江省": {
        "杭州市": ("上城区", "西湖区", "萧山区", "建德市", "淳安县"),
        "宁波市": ("海曙区", "鄞州区", "余姚市", "慈溪市", "象山县"),
        "台州市": ("椒江区", "黄岩区", "温岭市", "临海市", "天台县"),
    },
    "安徽省": {
        "合肥市": ("蜀山区", "包河区", "巢湖市", "肥东县", "庐江县"),
        "芜湖市": ("镜湖区", "鸠江区", "无为市", "南陵县"),
        "阜阳市": ("颍州区", "颍东区", "界首市", "临泉县", "太和县"),
    },
    "福建省": {
        "福州市": ("鼓楼区", "台江区", "福清市", "闽侯县", "连江县"),
        "泉州市": ("鲤城区", "丰泽区", "晋江市", "南安市", "安溪县"),
    },
    "江西省": {
        "南昌市": ("东湖区", "西湖区", "青山湖区", "南昌县", "进贤县"),
        "赣州市": ("章贡区", "南康区", "瑞金市", "于都县", "兴国县"),
    },
    "山东省": {
        "济南市": ("历下区", "市中区", "章丘区", "平阴县", "商河县"),
        "潍坊市": ("奎文区", "潍城区", "安丘市", "青州市", "诸城市", "临朐县"),
        "临沂市": ("兰山区", "罗庄区", "沂水县", "兰陵县", "费县"),
    },
    "河南省": {
        "郑州市": ("中原区", "金水区", "巩义市", "新郑市", "中牟县"),
        "南阳市": ("宛城区", "卧龙区", "邓州市", "唐河县", "南召县", "西峡县"),
        "洛阳市": ("西工区", "老城区", "偃师区", "孟津区", "栾川县", "嵩县"),
    },
    "湖北省": {
        "武汉市": ("江岸区", "武昌区", "洪山区", "黄陂区", "江夏区"),
        "襄阳市": ("襄城区", "樊城区", "枣阳市", "宜城市", "南漳县"),
        "荆门市": ("东宝区", "掇刀区", "钟祥市", "京山市", "沙洋县"),
    },
    "湖南省": {
        "长沙市": ("芙蓉区", "岳麓区", "浏阳市", "宁乡市", "长沙县"),
        "衡阳市": ("雁峰区", "石鼓区", "耒阳市", "常宁市", "衡南县", "衡东县"),
        "常德市": ("武陵区", "鼎城区", "津市市", "汉寿县", "桃源县"),
    },
    "广东省": {
        "广州市": ("越秀区", "海珠区", "天河区", "番禺区", "从化区"),
        "肇庆市": ("端州区", "鼎湖区", "四会市", "怀集县", "封开县", "德庆县"),
        "湛江市": ("赤坎区", "霞山区", "雷州市", "廉江市", "徐闻县"),
    },
    "四川省": {
        "成都市": ("锦江区", "青羊区", "武侯区", "都江堰市", "金堂县"),
        "绵阳市": ("涪城区", "游仙区", "江油市", "三台县", "北川羌族自治县"),
        "南充市": ("顺庆区", "高坪区", "阆中市", "南部县", "仪陇县"),
    },
    "贵州省": {
        "贵阳市": ("南明区", "云岩区", "清镇市", "开阳县", "修文县"),
        "遵义市": ("红花岗区", "汇川区", "仁怀市", "赤水市", "湄潭县"),
    },
    "云南省": {
        "昆明市": ("五华区", "盘龙区", "安宁市", "宜良县", "石林彝族自治县"),
        "曲靖市": ("麒麟区", "沾益区", "宣威市", "陆良县", "罗平县"),
    },
    "陕西省": {
        "西安市": ("新城区", "碑林区", "雁塔区", "长安区", "周至县"),
        "宝鸡市": ("渭滨区", "金台区", "凤翔区", "岐山县", "扶风县"),
        "咸阳市": ("秦都区", "渭城区", "兴平市", "乾县", "礼泉县"),
    },
    "甘肃省": {
        "兰州市": ("城关区", "七里河区", "榆中县", "皋兰县"),
        "天水市": ("秦州区", "麦积区", "甘谷县", "武山县"),
    },
    "广西壮族自治区": {
        "南宁市": ("兴宁区", "青秀区", "武鸣区", "横州市", "宾阳县"),
        "桂林市": ("秀峰区", "七星区", "荔浦市", "阳朔县", "龙胜各族自治县"),
    },
    "内蒙古自治区": {
        "呼和浩特市": ("新城区", "回民区", "赛罕区", "托克托县"),
        "鄂尔多斯市": ("东胜区", "康巴什区", "准格尔旗", "伊金霍洛旗"),
    },
}

MUNICIPALITIES: dict[str, tuple[str, ...]] = {
    "北京市": ("东城区", "西城区", "朝阳区", "海淀区", "丰台区", "顺义区", "延庆区"),
    "天津市": ("和平区", "河西区", "南开区", "滨海新区", "蓟州区"),
    "上海市": ("黄浦区", "徐汇区", "浦东新区", "闵行区", "崇明区"),
    "重庆市": ("渝中区", "江北区", "万州区", "涪陵区", "石柱土家族自治县", "巫山县"),
}

TOWNS = (
    "城关镇", "新华街道", "东风街道", "青山镇", "长安镇", "柳林镇", "石桥镇", "红星乡", "太平镇", "解放街道",
    "和平街道", "建设街道", "城南街道", "城北街道", "南关街道", "北关镇", "大营镇", "马庄乡", "李村镇",
    "王家店镇", "桃园街道", "龙泉镇", "白沙镇", "黄庄乡", "高桥镇", "东城街道", "西城街道", "三河镇",
)

# Departments by level: the name after the place.
PROVINCE_DEPARTMENTS: tuple[str, ...] = (
    "发展和改革委员会", "教育厅", "科学技术厅", "工业和信息化厅", "公安厅", "民政厅", "司法厅", "财政厅",
    "人力资源和社会保障厅", "自然资源厅", "生态环境厅", "住房和城乡建设厅", "交通运输厅", "水利厅", "农业农村厅",
    "商务厅", "文化和旅游厅", "卫生健康委员会", "退役军人事务厅", "应急管理厅", "审计厅", "市场监督管理局",
    "统计局", "医疗保障局", "林业局", "地方金融监督管理局", "药品监督管理局",
)
CITY_DEPARTMENTS: tuple[str, ...] = (
    "发展和改革委员会", "教育局", "科学技术局", "工业和信息化局", "公安局", "民政局", "司法局", "财政局",
    "人力资源和社会保障局", "自然资源和规划局", "生态环境局", "住房和城乡建设局", "交通运输局", "水利局",
    "农业农村局", "商务局", "文化广电和旅游局", "卫生健康委员会", "退役军人事务局", "应急管理局", "审计局",
    "市场监督管理局", "统计局", "医疗保障局", "城市管理局", "行政审批服务局", "住房公积金管理中心",
    "人民政府国有资产监督管理委员会", "人民防空办公室", "信访局", "林业局",
)
COUNTY_DEPARTMENTS: tuple[str, ...] = (
    "发展和改革局", "教育体育局", "科学技术局", "公安局", "民政局", "司法局", "财政局", "人力资源和社会保障局",
    "自然资源局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化和旅游局",
    "卫生健康委员会", "退役军人事务局", "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局",
    "综合行政执法局", "林业局", "乡村振兴局", "行政审批服务局",
)
ZONES = ("经济开发区管委会", "高新技术产业开发区管理委员会", "经济技术开发区管理委员会")


@dataclass(frozen=True)
class Agency:
    """A reporting body: its canonical name and how a title may print it."""

    name: str
    level: str
    """province, city, county, township."""
    kind: str
    """government, office, department, zone."""
    printed: tuple[str, ...]
    """Forms a report may print in its title (the first is the full name)."""
    parent_office: str
    """The government office that often publishes the body's report on its site."""
    site: str
    """The web site the report is published on."""
    short: str = ""
    """A township's name without its county's (``城关镇``), as its own title may print it; its signature prints
    the full name."""


def _government(place: str, level: str, parent_office: str) -> Agency:
    bare = place.endswith(("省", "自治区", "市", "县", "区", "旗"))
    printed = (place + "人民政府", place) if bare else (place + "人民政府",)
    return Agency(place + "人民政府", level, "government", printed, parent_office, place + "人民政府")


def _place_office(place: str, level: str) -> str:
    return place + ("人民政府办公厅" if level == "province" else "人民政府办公室")


def draw_agency(rng: random.Random) -> Agency:
    """A body at a random level and of a random kind, with real place names."""
    level = rng.choices(("province", "city", "county", "township"), weights=(2, 4, 5, 2))[0]
    if rng.random() < 0.15:
        city, counties = rng.choice(sorted(MUNICIPALITIES.items()))
        province, cities = city, {city: counties}
    else:
        province = rng.choice(sorted(PLACES))
        cities = PLACES[province]
        city = rng.choice(sorted(cities))
    municipal = province in MUNICIPALITIES
    if level == "province" or (municipal and level == "city"):
        place, office = province, _place_office(province, "province")
        departments = PROVINCE_DEPARTMENTS if not municipal else CITY_DEPARTMENTS
        level = "province"
    elif level == "city":
        place, office = city, _place_office(city, "city")
        departments = CITY_DEPARTMENTS
    else:
        county = rng.choice(cities[city])
        place = county if municipal or rng.random() < 0.6 else city + county
        if municipal:
            place = province + county if rng.random() < 0.5 else county
        office = _place_office(place, "county")
        departments = COUNTY_DEPARTMENTS
        if level == "township":
            town = rng.choice(TOWNS)
            full = county + town
            if town.endswith("街道"):
                name = full + "办事处"
                return Agency(name, level, "government", (name, full), office, place + "人民政府", town)
            return Agency(full + "人民政府", level, "government", (full + "人民政府", full), office, place + "人民政府",
                          town)
    kind = rng.choices(("government", "office", "department", "zone"), weights=(4, 2, 8, 1))[0]
    site = place + "人民政府"
    if kind == "government":
        return _government(place, level, office)
    if kind == "office":
        return Agency(office, level, "office", (office,), office, site)
    if kind == "zone" and level != "province":
        name = place + rng.choice(ZONES)
        return Agency(name, level, "zone", (name,), office, site)
    name = place + rng.choice(departments)
    return Agency(name, level, "department", (name,), office, site)


SCALE = {"province": 30.0, "city": 6.0, "county": 1.5, "township": 0.3}
"""Rough size of a body's figures relative to a county government's."""


def scale(agency: Agency) -> float:
    """How large the body's figures run: governments above their departments, provinces above townships."""
    base = SCALE[agency.level]
    return base * (1.0 if agency.kind in ("government", "office") else 0.25)
