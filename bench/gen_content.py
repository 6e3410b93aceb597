#!/usr/bin/env python3
"""Generate gongkai's own synthetic content: N realistic department-years.

Usage: python3 gen_content.py --n 1000 --seed 42 --out /tmp/gongkai-bench/gk-1000

Writes OUT/<year>/<code>/{unit,functions,economic,sangong,projects,procurement,
assets,organisation,prior,narrative}.yaml and OUT/codes/function.tsv (the few
7-digit 项 codes the departments use that gongkai's built-in list lacks).

Each department-year has: 20-40 economic rows (leaves + declared 301/302/303
and 合计), function rows by source (leaves + declared 类/款/合计), 5-10
projects whose cost-indicator caps add up to the budget and whose budgets add
up to 项目支出 per function code, spending plans, procurement lines with
quantity x unit price (goods add up to the assets' planned purchase), 三公
with a prior year, fixed assets, the 机构设置 table, prior.yaml and narrative
texts without typed figures (figure sentences are gongkai's templates).

Deterministic: department-year i depends only on (seed, i), so the first 1000
of --n 10000 equal --n 1000. All amounts are integers in 0.01 万元.
Standard library only.
"""
import argparse
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from yamlw import NONE, Raw, amount, flow_map, flow_seq, q  # noqa: E402

YEAR = 2025
HERE = os.path.dirname(os.path.abspath(__file__))
BUILTIN_FUNCTION = os.path.join(HERE, "..", "src", "codes", "data", "function-2022.tsv")

# 7-digit 项 (and their 款) used below; the site list adds those the built-in list lacks.
FUNC = {
    "201": "一般公共服务支出", "20101": "人大事务", "2010101": "行政运行", "2010102": "一般行政管理事务",
    "2010104": "人大会议", "2010105": "人大立法", "2010106": "人大监督", "2010107": "人大代表履职能力提升",
    "2010108": "代表工作",
    "20102": "政协事务", "2010201": "行政运行", "2010202": "一般行政管理事务", "2010204": "政协会议",
    "2010205": "委员视察", "2010206": "参政议政",
    "20103": "政府办公厅（室）及相关机构事务", "2010301": "行政运行", "2010302": "一般行政管理事务",
    "2010305": "专项业务及机关事务管理", "2010306": "政务公开审批", "2010308": "信访事务",
    "20106": "财政事务", "2010601": "行政运行", "2010602": "一般行政管理事务", "2010604": "预算改革业务",
    "2010605": "财政国库业务", "2010607": "信息化建设",
    "20108": "审计事务", "2010801": "行政运行", "2010804": "审计业务", "2010805": "审计管理",
    "20105": "统计信息事务", "2010501": "行政运行", "2010505": "专项统计业务", "2010507": "专项普查活动",
    "204": "公共安全支出", "20406": "司法", "2040601": "行政运行", "2040604": "基层司法业务",
    "2040605": "普法宣传", "2040607": "公共法律服务",
    "205": "教育支出", "20501": "教育管理事务", "2050101": "行政运行", "2050102": "一般行政管理事务",
    "2050199": "其他教育管理事务支出",
    "208": "社会保障和就业支出", "20802": "民政管理事务", "2080201": "行政运行", "2080206": "社会组织管理",
    "2080208": "基层政权建设和社区治理",
    "20805": "行政事业单位养老支出", "2080501": "行政单位离退休",
    "2080505": "机关事业单位基本养老保险缴费支出", "2080506": "机关事业单位职业年金缴费支出",
    "210": "卫生健康支出", "21001": "卫生健康管理事务", "2100101": "行政运行", "2100102": "一般行政管理事务",
    "21004": "公共卫生", "2100408": "基本公共卫生服务", "2100409": "重大公共卫生服务",
    "21011": "行政事业单位医疗", "2101101": "行政单位医疗", "2101103": "公务员医疗补助",
    "213": "农林水支出", "21301": "农业农村", "2130101": "行政运行", "2130106": "科技转化与推广服务",
    "2130108": "病虫害控制", "2130109": "农产品质量安全",
    "221": "住房保障支出", "22102": "住房改革支出", "2210201": "住房公积金",
    "224": "灾害防治及应急管理支出", "22401": "应急管理事务", "2240101": "行政运行",
    "2240104": "灾害风险防治", "2240106": "安全监管", "2240108": "应急救援",
}

# (name, 行政运行 leaf, project leaves, project themes, duties, rank)
DEPT_TYPES = [
    ("人民代表大会常务委员会办公室", "2010101", ["2010104", "2010105", "2010106", "2010107", "2010108"],
     ["人大会议", "立法调研", "执法检查", "代表履职培训", "代表活动", "预算联网监督", "备案审查", "代表建议督办"],
     ["依法审议本行政区域内的重大事项", "监督本级人民政府、监察委员会、人民法院和人民检察院的工作",
      "联系本级人民代表大会代表，受理代表提出的建议、批评和意见", "承办常务委员会会议的会务工作"]),
    ("政协委员会办公室", "2010201", ["2010202", "2010204", "2010205", "2010206"],
     ["政协全体会议", "委员视察调研", "文史资料编纂", "提案办理督办", "委员履职培训", "协商议政"],
     ["组织政协委员开展视察调研", "承办政协全体会议和常委会议", "督办委员提案", "编纂文史资料"]),
    ("人民政府办公室", "2010301", ["2010302", "2010305", "2010306", "2010308"],
     ["政务值班保障", "电子政务运维", "政府网站运维", "政务热线运行", "政务公开", "督查督办", "应急值守"],
     ["协助政府领导同志处理政府日常工作", "负责政务值班和应急信息报送", "推进政务公开和政务服务",
      "督促检查政府工作部门落实政府决定"]),
    ("财政局", "2010601", ["2010602", "2010604", "2010605", "2010607"],
     ["预算管理一体化系统运维", "财政投资评审", "政府债务管理", "国有资产管理", "预算绩效评价", "会计监督检查"],
     ["拟订财政发展规划和政策", "编制年度预决算草案并组织执行", "管理政府性债务", "组织实施预算绩效管理"]),
    ("审计局", "2010801", ["2010804", "2010805"],
     ["财政预算执行审计", "经济责任审计", "审计信息化建设", "政府投资项目审计", "专项资金审计"],
     ["组织实施审计监督", "对预算执行情况进行审计", "开展领导干部经济责任审计"]),
    ("统计局", "2010501", ["2010505", "2010507"],
     ["经济普查", "人口抽样调查", "统计数据质量核查", "统计信息化运维", "农业统计调查"],
     ["组织实施统计调查和普查", "监督检查统计法律法规的实施", "发布统计信息"]),
    ("司法局", "2040601", ["2040604", "2040605", "2040607"],
     ["普法宣传", "人民调解", "法律援助", "社区矫正", "行政复议", "公共法律服务平台运行"],
     ["承担全面依法治理的统筹协调", "负责普法宣传", "管理公共法律服务", "指导人民调解工作"]),
    ("教育局", "2050101", ["2050102", "2050199"],
     ["学生资助", "教师培训", "校园安全", "教育信息化", "课后服务", "教育督导"],
     ["贯彻执行教育法律法规", "统筹管理各级各类教育", "负责教师队伍建设", "组织教育督导评估"]),
    ("民政局", "2080201", ["2080206", "2080208"],
     ["社会组织管理", "地名普查", "社区治理", "养老服务监管", "婚姻登记", "殡葬管理"],
     ["负责社会救助", "负责社会组织登记和管理", "推进社区治理", "管理养老服务"]),
    ("卫生健康委员会", "2100101", ["2100102", "2100408", "2100409"],
     ["基本公共卫生服务", "疾病预防控制", "卫生监督执法", "妇幼健康服务", "健康宣传", "爱国卫生运动"],
     ["拟订卫生健康事业发展规划", "组织疾病预防控制", "推进基本公共卫生服务", "负责卫生应急工作"]),
    ("农业农村局", "2130101", ["2130106", "2130108", "2130109"],
     ["农技推广", "病虫害防控", "农产品质量检测", "高标准农田建设", "乡村振兴示范", "农民培训"],
     ["统筹推进乡村振兴", "负责农业生产发展", "负责农产品质量安全监管", "组织农业技术推广"]),
    ("应急管理局", "2240101", ["2240104", "2240106", "2240108"],
     ["安全生产执法", "应急物资储备", "应急救援演练", "灾害风险普查", "应急指挥平台运维", "森林防火"],
     ["组织编制应急预案", "监管安全生产", "统筹应急救援力量", "组织灾害救助"]),
]

CITIES = [("河北省", "石家庄市"), ("河北省", "唐山市"), ("河北省", "保定市"), ("河北省", "张家口市"),
          ("河北省", "承德市"), ("河北省", "沧州市"), ("山西省", "太原市"), ("山西省", "大同市"),
          ("山西省", "长治市"), ("山东省", "济南市"), ("山东省", "潍坊市"), ("山东省", "临沂市"),
          ("河南省", "郑州市"), ("河南省", "洛阳市"), ("河南省", "新乡市"), ("江苏省", "徐州市"),
          ("浙江省", "金华市"), ("安徽省", "芜湖市"), ("江西省", "赣州市"), ("湖北省", "宜昌市"),
          ("湖南省", "岳阳市"), ("四川省", "绵阳市"), ("陕西省", "宝鸡市"), ("甘肃省", "天水市")]
PLACE = "安平永宁长清河阳山东西南北新丰兴泰和康乐临城武昌华德远定恒顺海宝鹿青云广福林江源"

PERSONNEL = [  # code, probability
    ("30101", 1), ("30102", 1), ("30103", 1), ("30106", 0.2), ("30107", 0.6), ("30108", 1), ("30109", 0.7),
    ("30110", 1), ("30111", 0.8), ("30112", 1), ("30113", 1), ("30114", 0.15), ("30199", 0.4),
]
PUBLIC = ["30201", "30202", "30203", "30204", "30205", "30206", "30207", "30208", "30209", "30211",
          "30213", "30214", "30215", "30216", "30217", "30218", "30226", "30227", "30228", "30229",
          "30231", "30239", "30240", "30299"]
PUBLIC_MUST = {"30201", "30211", "30217", "30228", "30231", "30299", "30215", "30216"}
FAMILY = [("30301", 0.3), ("30302", 1), ("30304", 0.15), ("30305", 0.4), ("30309", 0.5), ("30399", 0.3)]
ECON_NAMES = {
    "301": "工资福利支出", "30101": "基本工资", "30102": "津贴补贴", "30103": "奖金", "30106": "伙食补助费",
    "30107": "绩效工资", "30108": "机关事业单位基本养老保险缴费", "30109": "职业年金缴费",
    "30110": "职工基本医疗保险缴费", "30111": "公务员医疗补助缴费", "30112": "其他社会保障缴费",
    "30113": "住房公积金", "30114": "医疗费", "30199": "其他工资福利支出",
    "302": "商品和服务支出", "30201": "办公费", "30202": "印刷费", "30203": "咨询费", "30204": "手续费",
    "30205": "水费", "30206": "电费", "30207": "邮电费", "30208": "取暖费", "30209": "物业管理费",
    "30211": "差旅费", "30212": "因公出国（境）费用", "30213": "维修(护)费", "30214": "租赁费",
    "30215": "会议费", "30216": "培训费", "30217": "公务接待费", "30218": "专用材料费", "30226": "劳务费",
    "30227": "委托业务费", "30228": "工会经费", "30229": "福利费", "30231": "公务用车运行维护费",
    "30239": "其他交通费用", "30240": "税金及附加费用", "30299": "其他商品和服务支出",
    "303": "对个人和家庭的补助", "30301": "离休费", "30302": "退休费", "30304": "抚恤金", "30305": "生活补助",
    "30309": "奖励金", "30399": "其他对个人和家庭的补助",
}

# procurement catalogue: item, catalogue code, measure, price range (0.01万元), goods?
GOODS = [
    ("台式计算机", "A02010104", "台", (450, 650)), ("便携式计算机", "A02010105", "台", (600, 900)),
    ("激光打印机", "A0201060102", "台", (150, 400)), ("复印机", "A020201", "台", (1500, 3500)),
    ("扫描仪", "A02010609", "台", (200, 500)), ("多功能一体机", "A020204", "台", (800, 1600)),
    ("空调机", "A0206180203", "台", (400, 900)), ("木制台、桌类", "A060205", "张", (150, 350)),
    ("木骨架为主的椅凳类", "A060302", "张", (30, 120)), ("投影仪", "A020202", "台", (500, 1200)),
]
SERVICES = [
    ("印刷服务", "C081401", "项", (100, 800)), ("物业管理服务", "C1204", "项", (500, 3000)),
    ("信息系统运行维护服务", "C020301", "项", (500, 4000)), ("会议服务", "C0601", "项", (200, 1000)),
    ("法律顾问服务", "C0801", "项", (300, 1000)), ("车辆维修和保养服务", "C050301", "份", (20, 60)),
    ("车辆加油服务", "C050302", "千升", (80, 110)), ("机动车保险服务", "C15040201", "份", (40, 70)),
]
WORKS = [("办公用房维修工程", "B0799", "项", (1000, 6000))]

BASIS = ["年初工作计划", "参考上年情况", "历史数据", "行业标准", "相关政策文件", "意见反馈", "合同约定"]

GLOSSARY = [
    ("一般公共预算拨款收入", "指本级财政当年拨付的资金。"),
    ("事业收入", "指事业单位开展专业业务活动及辅助活动所取得的收入。"),
    ("其他收入", "指除“一般公共预算拨款收入”“事业收入”等以外的收入。"),
    ("上年结转", "指以前年度尚未完成、结转到本年仍按原规定用途继续使用的资金。"),
    ("基本支出", "指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。"),
    ("项目支出", "指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。"),
    ("“三公”经费", "纳入财政预算管理的“三公”经费，是指部门用财政拨款安排的因公出国（境）费、"
     "公务用车购置及运行维护费和公务接待费。"),
    ("机关运行经费", "是指各部门的公用经费，包括办公及印刷费、邮电费、差旅费、会议费、福利费、日常维修费、"
     "专用材料及一般设备购置费、办公用房水电费、办公用房取暖费、办公用房物业管理费、公务用车运行维护费以及其他费用。"),
]


def split(rng, total, k, lo=0.3):
    """Split a positive integer into k positive integers that add up exactly."""
    if k <= 1:
        return [total]
    w = [rng.uniform(lo, 1.0) for _ in range(k)]
    s = sum(w)
    parts = [max(1, int(total * x / s)) for x in w]
    parts[0] += total - sum(parts)
    assert parts[0] > 0
    return parts


def fmtz(v):
    return "%d.%02d" % (v // 100, v % 100)


def region(seed, r):
    if r < len(CITIES):
        prov, city = CITIES[r]
        return prov, city, city, "市级"
    ci = r % len(CITIES)
    j = r // len(CITIES) - 1
    prov, city = CITIES[ci]
    pairs = [a + b for a in PLACE for b in PLACE if a != b]
    random.Random(seed * 7919 + ci).shuffle(pairs)
    suffix = "区" if (r + j) % 3 == 0 else "县"
    county = pairs[j % len(pairs)] + suffix
    return prov, city + county, county, "区级" if suffix == "区" else "县级"


def make(seed, i):
    """All files of department-year i as {filename: text}."""
    rng = random.Random(seed * 1000003 + i + 17)
    r, t = divmod(i, len(DEPT_TYPES))
    dname, admin_leaf, proj_leaves_all, themes, duties = DEPT_TYPES[t]
    prov, locality, short, level = region(seed, r)
    name = (short if level == "市级" else locality) + dname
    code = "%04d%02d" % (1001 + r, t + 1)
    staff = rng.randint(15, 220)
    retirees = rng.randint(0, staff // 2)
    files = {}

    # ------------------------------------------------------------ economic (table 6)
    econ = {}
    for c, p in PERSONNEL:
        if rng.random() < p:
            econ[c] = staff * {"30101": rng.randint(300, 450), "30102": rng.randint(250, 400)}.get(
                c, rng.randint(15, 160))
    wage = sum(econ.values())
    for c, pct in (("30108", 16), ("30109", 8), ("30113", 12)):
        if c in econ:
            econ[c] = wage * pct // 100
    public_total = staff * rng.randint(150, 350) + rng.randint(500, 3000)
    chosen = [c for c in PUBLIC if c in PUBLIC_MUST or rng.random() < 0.55]
    abroad = rng.randint(300, 1500) if rng.random() < 0.12 else 0
    if abroad:
        chosen.append("30212")
    for c, v in zip(chosen, split(rng, public_total, len(chosen), 0.2)):
        econ[c] = v
    if abroad:
        econ["30212"] = abroad
    for c, p in FAMILY:
        if rng.random() < p and (retirees or c not in ("30301", "30302", "30305")):
            base = retirees if c in ("30301", "30302", "30305") else 1
            econ[c] = base * rng.randint(300, 650) if c == "30302" else rng.randint(20, 1500)
    econ = {c: v for c, v in econ.items() if v > 0}
    # keep 20-40 rows (3 parents + 合计 + leaves)
    while len(econ) + 4 > 40:
        drop = sorted(c for c in econ if c.startswith("302") and c not in PUBLIC_MUST and c != "30212")[-1]
        econ["30299"] += econ.pop(drop)

    def esum(prefix):
        return sum(v for c, v in econ.items() if c.startswith(prefix))
    personnel = esum("301") + esum("303")
    public = esum("302")
    basic_total = personnel + public
    rows = ["# 一般公共预算财政拨款基本支出（按经济分类科目）。301、302、303 和“合计”为公开数（申报值）。",
            "rows:", "  - " + flow_map({"name": "合计", "personnel": amount(personnel), "public": amount(public)})]
    for parent in ("301", "302", "303"):
        kids = sorted(c for c in econ if c.startswith(parent))
        if not kids:
            continue
        pers = parent != "302"
        rows.append("  - " + flow_map({"code": parent, "name": ECON_NAMES[parent],
                                       ("personnel" if pers else "public"): amount(esum(parent))}))
        for c in kids:
            rows.append("  - " + flow_map({"code": c, "name": ECON_NAMES[c],
                                           ("personnel" if pers else "public"): amount(econ[c])}))
    files["economic.yaml"] = "\n".join(rows) + "\n"

    # ------------------------------------------------------------ basic by function leaf
    basic_leaf = {}

    def add(leaf, v):
        if v:
            basic_leaf[leaf] = basic_leaf.get(leaf, 0) + v
    social = {"30108": "2080505", "30109": "2080506", "30110": "2101101", "30111": "2101103",
              "30113": "2210201", "30301": "2080501", "30302": "2080501", "30305": "2080501"}
    for c, v in econ.items():
        add(social.get(c, admin_leaf), v)

    # ------------------------------------------------------------ projects
    nproj = rng.randint(5, 10)
    proj_total = basic_total * rng.randint(20, 110) // 100 + rng.randint(2000, 8000)
    budgets = split(rng, proj_total, nproj, 0.15)
    pleaves = rng.sample(proj_leaves_all, min(len(proj_leaves_all), rng.randint(2, 4)))
    pool = themes[:]
    rng.shuffle(pool)
    other_source = rng.choice(["事业收入", "其他收入", "上年结转-一般公共预算", "上年结转-其他"]) \
        if rng.random() < 0.35 else None
    projects = []
    for k in range(nproj):
        theme = pool[k % len(pool)]
        pname = theme + ("工作经费" if k < len(pool) else "专项经费（二期）")
        b = budgets[k]
        other = b * rng.randint(10, 40) // 100 if (other_source and k < 2) else 0
        projects.append({"name": pname, "theme": theme, "budget": b, "fiscal": b - other, "other": other,
                         "leaf": pleaves[k % len(pleaves)],
                         "code": "%s%d%04d" % (code, YEAR, k + 1)})

    # ------------------------------------------------------------ functions.yaml
    by_source = {"一般公共预算": {}}
    for leaf, v in basic_leaf.items():
        by_source["一般公共预算"][leaf] = [v, 0]
    for p in projects:
        by_source["一般公共预算"].setdefault(p["leaf"], [0, 0])[1] += p["fiscal"]
        if p["other"]:
            by_source.setdefault(other_source, {}).setdefault(p["leaf"], [0, 0])[1] += p["other"]
    rows = ["# 部门预算支出（按支出功能分类科目 × 资金来源）。只有 7 位科目是叶子；类、款、合计为公开数（申报值）。",
            "rows:"]
    for source, leaves in by_source.items():
        src = None if source == "一般公共预算" else source
        def tot(prefix):
            return [sum(v[j] for c, v in leaves.items() if c.startswith(prefix)) for j in (0, 1)]
        b, p = tot("")
        rows.append("  - " + flow_map({"name": "合计", "source": src, "basic": amount(b), "project": amount(p)}))
        codes = sorted(set(leaves) | {c[:3] for c in leaves} | {c[:5] for c in leaves})
        for c in codes:
            b, p = leaves[c] if c in leaves else tot(c)
            rows.append("  - " + flow_map({"code": c, "name": FUNC[c], "source": src,
                                           "basic": amount(b), "project": amount(p)}))
    files["functions.yaml"] = "\n".join(rows) + "\n"

    # ------------------------------------------------------------ sangong (table 9)
    car_run = econ.get("30231", 0)
    recept = econ.get("30217", 0)
    car_buy = rng.randint(1500, 3000) if rng.random() < 0.08 else 0
    if car_buy > projects[0]["budget"] // 2:
        car_buy = 0
    variant = rng.random() < 0.1
    sub = abroad + car_buy + car_run + recept

    def g(v):
        return flow_map({"general": amount(v)})
    sg = ["# 财政拨款“三公”经费支出（表9）。一、二、小计、合计为公开数（申报值）。",
          "abroad_teaching: {}",
          "abroad_other: %s" % g(abroad),
          "car_purchase: %s" % g(car_buy),
          "car_running: %s" % g(car_run),
          "reception: %s" % g(recept)]
    total_sg = sub
    if variant:
        meet, train = econ.get("30215", 0), econ.get("30216", 0)
        sg += ["meeting: %s" % g(meet), "training: %s" % g(train)]
        total_sg += meet + train
    sg += ["abroad: %s" % g(abroad), "car: %s" % g(car_buy + car_run),
           "subtotal: %s" % g(sub), "total: %s" % g(total_sg)]
    files["sangong.yaml"] = "\n".join(sg) + "\n"

    # ------------------------------------------------------------ projects.yaml
    out = ["# 预算项目：预算数、功能科目、资金用途、支出计划、绩效目标和指标。成本指标上限之和等于预算数。",
           "projects:"]
    for p in projects:
        b = p["budget"]
        out.append("  - name: %s" % q(p["name"]))
        out.append("    code: %s" % q(p["code"]))
        out.append("    unit: %s" % q(code + "001" + name + "本级"))
        out.append("    function_code: %s   # %s" % (q(p["leaf"]), FUNC[p["leaf"]]))
        out.append("    budget: %s" % flow_map({"fiscal": amount(p["fiscal"]) or NONE,
                                                "other": amount(p["other"]) or NONE,
                                                "total": amount(b)}))
        out.append("    use_of_funds: %s" % q("用于开展%s相关工作，包括组织实施、资料印制、设备购置和委托服务等。" % p["theme"]))
        m = rng.randint(5, 30)
        j = rng.randint(m + 10, 65)
        o = rng.randint(j + 10, 95)
        out.append("    spending_plan: %s" % flow_map({"march": Raw("%d%%" % m), "june": Raw("%d%%" % j),
                                                      "october": Raw("%d%%" % o), "december": Raw("100%")}))
        out.append("    goals:")
        out.append("      - %s" % q("1.按照年度计划完成%s各项任务，保障%s有序开展。" % (p["theme"], p["theme"])))
        out.append("      - %s" % q("2.加强资金管理，提高资金使用效益，确保资金安全。"))
        if rng.random() < 0.5:
            out.append("      - %s" % q("3.推动%s提质增效，服务对象满意度保持在较高水平。" % p["theme"]))
        out.append("    indicators:")
        th = p["theme"]
        ind = [
            ["产出指标", "数量指标", th + "开展次数", "全年组织开展" + th + "相关工作次数",
             "≥%d次" % rng.randint(2, 40), rng.choice(BASIS)],
            [None, None, "覆盖单位数", th + "覆盖的基层单位数量", "≥%d个" % rng.randint(5, 120), rng.choice(BASIS)],
            [None, "质量指标", "任务完成率", th + "年度任务完成比例", "100%", "年初工作计划"],
            [None, None, "验收合格率", "工作成果经验收合格的比例", "≥%d%%" % rng.randint(90, 99), "行业标准"],
            [None, "时效指标", "完成及时率", "%d月底前完成年度任务" % rng.randint(10, 12), "100%", "年初工作计划"],
        ]
        ncost = rng.randint(2, 4)
        labels = [("业务运行成本", "开展" + th + "所需的场地、资料及劳务等费用"),
                  ("设备购置成本", "购置必要办公设备及耗材的费用"),
                  ("委托服务成本", "委托第三方提供专业服务的费用"),
                  ("印刷成本", "印制宣传及工作资料的费用")]
        for k, ((lab, desc), v) in enumerate(zip(labels[:ncost], split(rng, b, ncost, 0.3))):
            ind.append([None, "成本指标" if k == 0 else None, lab, desc, "≤%s万元" % fmtz(v), "参考上年情况"])
        ind.append(["效益指标", "社会效益指标", th + "成效", "通过实施" + th + "，提升服务保障水平",
                    rng.choice(["较上一年有提升", "明显提升", "持续改善", "有效保障"]), "历史数据"])
        if rng.random() < 0.5:
            ind.append([None, "可持续影响指标", "长效机制建立", "形成" + th + "常态化工作机制", "长期", "相关政策文件"])
        ind.append(["满意度指标", "服务对象满意度指标", "服务对象满意度", "服务对象对" + th + "的满意程度",
                    "≥%d%%" % rng.randint(90, 98), "意见反馈"])
        for row in ind:
            out.append("      - %s" % flow_seq(row))
    files["projects.yaml"] = "\n".join(out) + "\n"

    # ------------------------------------------------------------ procurement
    lines = []
    spent = {}
    routine = "日常公用经费项目"
    if car_buy:
        lines.append((projects[0], ("轿车", "A02030500", "辆", None), 1, car_buy, 0))
        spent[projects[0]["name"]] = car_buy
    nlines = rng.randint(3, 10)
    for _ in range(nlines * 3):
        if len(lines) >= nlines:
            break
        use_routine = rng.random() < 0.3
        p = None if use_routine else rng.choice(projects)
        kind = rng.random()
        if use_routine:
            item = rng.choice(SERVICES[4:])
        elif kind < 0.55:
            item = rng.choice(GOODS)
        elif kind < 0.95:
            item = rng.choice(SERVICES[:5])
        else:
            item = WORKS[0]
        lo, hi = item[3]
        price = rng.randint(lo, hi)
        qty = rng.randint(1, 12) if item[1].startswith("A") or item[2] in ("份", "千升") else 1
        budget = public if use_routine else p["budget"]
        key = routine if use_routine else p["name"]
        cap = budget // 3 - spent.get(key, 0)
        while qty > 1 and qty * price > cap:
            qty -= 1
        amt = qty * price
        if amt > cap or amt <= 0:
            continue
        spent[key] = spent.get(key, 0) + amt
        sme = amt if amt < 400 else amt * rng.choice([0, 40, 100]) // 100
        lines.append((p, item, qty, price, sme))
    out = ["# 政府采购预算：每行一项，金额 = 数量 × 单价；project_budget、合计为公开数（申报值）。",
           "note: %s" % q("注：同一采购目录序号的物品，其单价会因配置规格不同而变动，均符合资产配置标准。")]
    total = sum(q_ * pr for _, _, q_, pr, _ in lines)
    small = sum(s for *_, s in lines)
    goods = sum(q_ * pr for _, it, q_, pr, _ in lines if it[1].startswith("A"))
    out.append("total: %s" % (amount(total) or "~"))
    out.append("total_small_firms: %s" % (amount(small) or "~"))
    out.append("lines:")
    for p, item, qty, price, sme in lines:
        amt = qty * price
        out.append("  - unit: %s" % q(name + "本级"))
        out.append("    project: %s" % q(p["name"] if p else routine))
        out.append("    project_budget: %s" % amount(p["budget"] if p else public))
        out.append("    item: %s" % q(item[0]))
        out.append("    catalogue: %s" % q(item[1]))
        out.append("    measure: %s" % q(item[2]))
        out.append("    quantity: %d" % qty)
        out.append("    unit_price: %s" % amount(price))
        out.append("    general: %s" % amount(amt))
        out.append("    small_firms: %s" % (amount(sme) or "~"))
    files["procurement.yaml"] = "\n".join(out) + "\n"

    # ------------------------------------------------------------ assets
    cars = max(1, car_run // rng.randint(250, 450)) if car_run else 0
    area = rng.randint(800, 12000)
    office = area * rng.randint(40, 90) // 100
    bval = area * rng.randint(150, 400) // 10
    oval = bval * office // area
    vval = cars * rng.randint(1200, 2500)
    neq = rng.randint(0, 4)
    eqv = neq * rng.randint(2000, 6000)
    nother = staff * rng.randint(3, 8)
    otv = nother * rng.randint(30, 120)
    out = ["# 固定资产占用情况（上年末）。total、planned_purchase 为公开数（申报值）。",
           "as_of: %d-12-31" % (YEAR - 1),
           "total: %s" % amount(bval + vval + eqv + otv),
           "buildings: %s   # 平方米" % flow_map({"quantity": area, "value": amount(bval)}),
           "office_buildings: %s" % flow_map({"quantity": office, "value": amount(oval)}),
           "vehicles: %s" % flow_map({"quantity": cars or NONE, "value": amount(vval) or NONE}),
           "equipment: %s" % flow_map({"quantity": neq or NONE, "value": amount(eqv) or NONE}),
           "other: %s" % flow_map({"quantity": nother, "value": amount(otv)})]
    if goods:
        out.append("planned_purchase: %s" % amount(goods))
    files["assets.yaml"] = "\n".join(out) + "\n"

    # ------------------------------------------------------------ organisation
    rank = {"市级": "正处级", "区级": "正科级", "县级": "正科级"}[level]
    units = ["  - " + flow_map({"code": code + "001", "name": name + "本级", "kind": "行政", "rank": rank,
                                "funding": "财政拨款"})]
    for k in range(rng.randint(0, 3)):
        units.append("  - " + flow_map({"code": "%s%03d" % (code, k + 2),
                                        "name": "%s%s中心" % (short, rng.choice(themes)),
                                        "kind": rng.choice(["事业", "参公"]), "rank": "副科级",
                                        "funding": rng.choice(["财政拨款", "财政补助"])}))
    files["organisation.yaml"] = "units:\n" + "\n".join(units) + "\n"

    # ------------------------------------------------------------ prior
    total_all = basic_total + proj_total
    prior_basic = basic_total * rng.randint(92, 106) // 100 + 1
    prior_total = total_all * rng.randint(85, 115) // 100 + 3
    if prior_total <= prior_basic:
        prior_total = prior_basic + proj_total
    prior_personnel = personnel * rng.randint(92, 106) // 100 + 2
    prior_public = prior_basic - prior_personnel
    if prior_public < public // 2:       # keep last year's 公用经费 plausible (and positive)
        prior_public = public * 9 // 10 + 1
        prior_basic = prior_personnel + prior_public
        if prior_total <= prior_basic:
            prior_total = prior_basic + proj_total
    p_abroad = abroad * rng.randint(80, 120) // 100 if abroad else (rng.randint(300, 900) if rng.random() < 0.1 else 0)
    p_buy = 0 if car_buy or rng.random() < 0.9 else rng.randint(1500, 3000)
    p_run = car_run * rng.randint(90, 112) // 100
    p_rec = recept * rng.randint(85, 115) // 100
    p_sg = p_abroad + p_buy + p_run + p_rec
    if p_sg == sub:
        p_rec += 1
        p_sg += 1
    out = ["# 上年（%d年）数，用于“比上年增减情况”和“三公”经费增减说明。" % (YEAR - 1),
           "year: %d" % (YEAR - 1),
           "total: %s" % amount(prior_total), "basic: %s" % amount(prior_basic),
           "project: %s" % amount(prior_total - prior_basic),
           "personnel: %s" % amount(prior_personnel), "public: %s" % amount(prior_public),
           "sangong: %s" % flow_map({"total": amount(p_sg) or Raw("0.00"), "abroad": amount(p_abroad) or NONE,
                                      "car_purchase": amount(p_buy) or NONE,
                                      "car_running": amount(p_run) or NONE,
                                      "reception": amount(p_rec) or NONE})]
    files["prior.yaml"] = "\n".join(out) + "\n"

    # ------------------------------------------------------------ narrative (no typed figures)
    d_total = total_all - prior_total
    d_basic = basic_total - prior_basic
    d_proj = proj_total - (prior_total - prior_basic)
    n = ["# 情况说明中不含数字的文字；含数字的句子由 gongkai 的模板根据各表生成。",
         "preamble:",
         "  - %s" % q("按照《中华人民共和国预算法》《地方预决算公开操作规程》等规定，现将%s%d年部门预算公开如下：" % (name, YEAR)),
         "duties:",
         "  - %s" % q("根据%s职能配置、内设机构和人员编制规定，%s的主要职责是：" % (name, name))]
    for k, duty in enumerate(duties):
        n.append("  - %s" % q("（%s）%s；" % ("一二三四五六"[k], duty)))
    n.append("  - %s" % q("（%s）完成上级交办的其他任务。" % "一二三四五六七"[len(duties)]))
    n += ["overview:",
          "  - %s" % q("按照预算管理有关规定，目前部门预算的编制实行综合预算管理，即全部收入和支出都反映在预算中。"
                       "%s机关及所属单位的收支包含在部门预算中。" % name),
          "project_purposes: %s" % q("、".join(p["name"] for p in projects[:3]) + "等"),
          "change_reasons:",
          "  total: %s" % q("主要是%s" % ("新增%s等重点任务" % projects[0]["theme"] if d_total > 0
                                         else "落实过紧日子要求，压减一般性支出")),
          "  basic: %s" % q("主要是%s" % ("人员增加及工资标准调整" if d_basic > 0 else "人员减少及退休人员变动")),
          "  project: %s" % q("主要是%s" % ("%s任务增加" % projects[-1]["theme"] if d_proj > 0
                                           else "部分项目完成后不再安排")),
          "running_costs_use: %s" % q("办公费、印刷费、邮电费、差旅费、物业管理费、公务用车运行维护费等日常运行支出"),
          "sangong_change: %s" % q("主要原因是%s" % ("公务用车使用年限增加，维修费用上升" if sub > p_sg
                                                  else "严格落实过紧日子要求，压减公务接待和公务用车支出")),
          "performance:",
          "  overall:",
          "  - %s" % q("%d年，%s将围绕中心工作，%s，不断提升履职能力和服务水平。" % (YEAR, name, duties[0])),
          "  sub_goals:"]
    for p in projects[:rng.randint(2, 4)]:
        n += ["  - title: %s" % q(p["theme"]),
              "    goal: %s" % q("按照年度工作计划，完成%s各项任务。" % p["theme"]),
              "    indicators: %s" % q("任务完成率100%%，工作及时率100%%，服务对象满意度≥%d%%。" % rng.randint(90, 98))]
    n += ["  safeguards:",
          "  - %s" % q("1、加强制度建设。建立健全预算绩效管理制度，为全年绩效目标的实现奠定制度基础。"),
          "  - %s" % q("2、规范财务管理。科学编制预算、优化支出结构、加快项目支出，确保支出进度达到规定标准。"),
          "  - %s" % q("3、加强绩效监控。开展绩效运行监控，发现问题及时采取措施，确保绩效目标如期保质实现。"),
          "procurement_intro: %s" % q("具体内容见下表。"),
          "glossary:"]
    for term, definition in GLOSSARY:
        n += ["  - term: %s" % q(term), "    definition: %s" % q(definition)]
    n += ["other_matters:", "  - %s" % q("本部门无其他需要说明的事项。")]
    files["narrative.yaml"] = "\n".join(n) + "\n"

    files["unit.yaml"] = "\n".join([
        "code: %s" % q(code), "name: %s" % q(name), "level: %s" % level, "province: %s" % q(prov),
        "locality: %s" % q(locality), "year: %d" % YEAR, "amount_unit: 万元"]) + "\n"
    return code, files


def builtin_functions():
    try:
        with open(BUILTIN_FUNCTION, encoding="utf-8") as f:
            return {line.split("\t")[0] for line in f if line.strip() and not line.startswith("#")}
    except OSError:
        return set()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    for i in range(a.n):
        code, files = make(a.seed, i)
        folder = os.path.join(a.out, str(YEAR), code)
        os.makedirs(folder, exist_ok=True)
        for fname, text in files.items():
            with open(os.path.join(folder, fname), "w", encoding="utf-8") as f:
                f.write(text)
    builtin = builtin_functions()
    os.makedirs(os.path.join(a.out, "codes"), exist_ok=True)
    with open(os.path.join(a.out, "codes", "function.tsv"), "w", encoding="utf-8") as f:
        f.write("# 站点补充科目：gen_content.py 使用、gongkai 内置清单未收录的支出功能分类科目。\n")
        for c in sorted(FUNC):
            if c not in builtin:
                f.write("%s\t%s\n" % (c, FUNC[c]))
    print("wrote %d department-years to %s" % (a.n, a.out), file=sys.stderr)


if __name__ == "__main__":
    main()
