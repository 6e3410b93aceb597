#!/usr/bin/env python3
"""Convert the Hugo benchmark corpus (bench/hugo/gen_corpus.py) into gongkai content.

Usage: python3 hugo_to_content.py CORPUS_DIR CONTENT_DIR

CORPUS_DIR holds index.json and depts/<code>.json (one department-year each).
CONTENT_DIR receives one folder per department-year, CONTENT_DIR/<year>/<code>/,
and CONTENT_DIR/codes/function.tsv (+ economic.tsv when needed) for the corpus
codes that gongkai's built-in lists (src/codes/data/) lack.

Only published figures are used, never recomputed ones: leaves are typed as
leaves and every parent / 合计 row of the corpus tables is kept as a declared
total, so `gongkai check` re-verifies the corpus' own sums.

| gongkai file     | from the corpus |
|------------------|-----------------|
| unit.yaml        | code, name, region, year, unit |
| functions.yaml   | 7-digit rows of 部门预算支出总表 (基本支出小计, 项目支出), the 项目支出 split by
|                  | source with 部门预算收入总表 (事业收入, 其他收入, 上年结转 …) and
|                  | 一般公共预算财政拨款支出表; parents and 合计 per source as declared totals |
| economic.yaml    | 一般公共预算财政拨款基本支出表 (leaves + declared 301/302/303 and 合计) |
| sangong.yaml     | 财政拨款“三公”经费支出表 (leaves + declared groups, 小计, 合计) |
| projects.yaml    | projects: code, budget (财政资金 / 其他资金 / declared 预算数), function code,
|                  | goals, indicator rows |
| procurement.yaml | 政府采购预算表 lines and the declared 合计 |
| prior.yaml       | last year's totals, from the year-on-year changes the narrative states |
| narrative.yaml   | only figure-free text: 部门职责, overview, the reasons and phrases the
|                  | templates quote, 名词解释, 其他事项 (figure sentences are gongkai's templates) |

Not converted: 七、国有资产信息 (the corpus has no asset table, only a sentence whose
threshold "单位价值50万元以上" gongkai's prose-literal rule would flag) and the
figure sentence of 五、预算绩效信息 (gongkai prints the project tables itself).

上年结转 in the corpus is not in the 一般公共预算财政拨款支出表, so it is entered as
source 上年结转-其他 (non-appropriation carry-over), which keeps gongkai's tables 4/5
equal to the corpus' 财政拨款 table.

Standard library only.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from yamlw import NONE, Raw, amount, amount0, flow_map, flow_seq, q  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BUILTIN = os.path.join(HERE, "..", "src", "codes", "data")

# 收入总表 columns (after code, name, 合计, 本年收入小计, 财政拨款收入) -> gongkai source
REV_SOURCES = [
    (5, "财政专户"),
    (6, "事业收入"),
    (7, "经营收入"),
    (8, "上级补助"),
    (9, "附属单位上缴"),
    (10, "其他收入"),
    (11, "上年结转-其他"),
]

PROVINCE = {}
for _p, _cs in [
    ("河北省", "石家庄市 唐山市 秦皇岛市 邯郸市 邢台市 保定市 张家口市 承德市 沧州市 廊坊市 衡水市"),
    ("山西省", "太原市 大同市 阳泉市 长治市 晋城市 朔州市 晋中市 运城市 忻州市 临汾市 吕梁市"),
    ("山东省", "济南市 淄博市 枣庄市 潍坊市 济宁市 泰安市 威海市 日照市 临沂市 德州市 聊城市 滨州市 菏泽市"),
    ("河南省", "郑州市 开封市 洛阳市 平顶山市 安阳市 鹤壁市 新乡市 焦作市 濮阳市"),
]:
    for _c in _cs.split():
        PROVINCE[_c] = _p


def c(x):
    """'1234.56' -> 123456 (0.01 万元); '' -> 0."""
    x = x.strip()
    if not x:
        return 0
    neg = x.startswith("-")
    a, _, b = x.lstrip("-").partition(".")
    v = int(a) * 100 + int((b + "00")[:2])
    return -v if neg else v


def read_list(path):
    out = {}
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                code, _, name = line.rstrip("\n").partition("\t")
                out[code.strip()] = name.strip()
    except OSError:
        return None
    return out


def builtin_list(kind):
    """Union of gongkai's built-in lists of `kind` (None when the repository is not there)."""
    if not os.path.isdir(BUILTIN):
        return None
    merged = {}
    for f in sorted(os.listdir(BUILTIN)):
        if f.startswith(kind + "-") and f.endswith(".tsv"):
            merged.update(read_list(os.path.join(BUILTIN, f)) or {})
    return merged


def newest_builtin(kind, year):
    """The built-in list gongkai applies to `year` (greatest list year <= year)."""
    if not os.path.isdir(BUILTIN):
        return None
    years = sorted(int(f[len(kind) + 1:-4]) for f in os.listdir(BUILTIN)
                   if f.startswith(kind + "-") and f.endswith(".tsv"))
    if not years:
        return None
    pick = max([y for y in years if y <= year] or [years[0]])
    return read_list(os.path.join(BUILTIN, "%s-%d.tsv" % (kind, pick)))


def tables(d):
    return {t["title"]: t for t in d["tables"]}


def functions_yaml(d):
    T = tables(d)
    exp = T["部门预算支出总表"]["rows"]
    rev = {r[0]: r for r in T["部门预算收入总表"]["rows"]}
    fis = {r[0]: r for r in T["一般公共预算财政拨款支出表"]["rows"]}
    names = {r[0]: r[1] for r in exp if r[0]}
    leaves = [r for r in exp if len(r[0]) == 7]
    # per source: code -> (basic, project) for leaves
    by_source = {}
    for r in leaves:
        code = r[0]
        basic, project, total = c(r[3]), c(r[7]), c(r[2])
        if c(r[8]) or c(r[9]):
            raise SystemExit("%s %s: 上缴上级 / 对附属单位补助 not supported by the converter" % (d["code"], code))
        f = fis.get(code)
        g_basic, g_proj = (c(f[3]), c(f[4])) if f else (0, 0)
        if g_basic != basic:
            raise SystemExit("%s %s: basic expenditure not all from 一般公共预算" % (d["code"], code))
        if g_basic or g_proj:
            by_source.setdefault("一般公共预算", {})[code] = (g_basic, g_proj)
        rest = project - g_proj
        rr = rev.get(code)
        for col, source in REV_SOURCES:
            v = c(rr[col]) if rr else 0
            if v:
                by_source.setdefault(source, {})[code] = (0, v)
                rest -= v
        if rest != 0 or basic + project != total:
            raise SystemExit("%s %s: 项目支出 does not split into sources" % (d["code"], code))
    lines = [
        "# 部门预算支出（按支出功能分类科目）：叶子行录自“部门预算支出总表”（基本支出小计、项目支出），",
        "# 项目支出按资金来源拆分（部门预算收入总表、一般公共预算财政拨款支出表）。",
        "# 类、款和“合计”行为公开数（申报值），按资金来源分列，由 gongkai 核对。",
        "rows:",
    ]
    order = ["一般公共预算"] + [s for _, s in REV_SOURCES]
    for source in order:
        if source not in by_source:
            continue
        rows = by_source[source]
        src = None if source == "一般公共预算" else source
        if source == "一般公共预算":
            table = fis            # published per-row figures of this source
            def pub(code):
                r = table[code]
                return c(r[3]), c(r[4])
        else:
            col = dict((s, k) for k, s in REV_SOURCES)[source]
            def pub(code, col=col):
                return 0, c(rev[code][col])
        codes = set(rows)
        parents = sorted({x[:3] for x in codes} | {x[:5] for x in codes})
        b, p = pub("")
        lines.append("  - " + flow_map({"name": "合计", "source": src, "basic": amount(b), "project": amount(p)}))
        for code in sorted(set(parents) | codes):
            if code in rows:
                b, p = rows[code]
            else:
                b, p = pub(code)
            lines.append("  - " + flow_map({"code": code, "name": names.get(code), "source": src,
                                            "basic": amount(b), "project": amount(p)}))
    return "\n".join(lines) + "\n", set(names.items())


def economic_yaml(d):
    rows = tables(d)["一般公共预算财政拨款基本支出表"]["rows"]
    lines = ["# 一般公共预算财政拨款基本支出（按经济分类）：录自基本支出表；301/302/303 和“合计”行为申报值。",
             "rows:"]
    names = set()
    for r in rows:
        code = r[0] or None
        if code:
            names.add((code, r[1]))
        lines.append("  - " + flow_map({"code": code, "name": r[1], "personnel": amount(c(r[3])),
                                        "public": amount(c(r[4]))}))
    return "\n".join(lines) + "\n", names


SANGONG_KEYS = ["total", "subtotal", "abroad", "abroad_teaching", "abroad_other", "car", "car_purchase",
                "car_running", "reception"]


def sangong_yaml(d):
    rows = tables(d)["财政拨款“三公”经费支出表"]["rows"]
    assert len(rows) == 9, d["code"]
    lines = ["# 财政拨款“三公”经费支出表：明细项为叶子；小计、合计、一、二为申报值。"]
    for key, r in zip(SANGONG_KEYS, rows):
        funds = {"general": amount(c(r[2])), "gov_fund": amount(c(r[3])), "state_capital": amount(c(r[4]))}
        lines.append("%s: %s   # %s" % (key, flow_map(funds), r[0]))
    return "\n".join(lines) + "\n"


def projects_yaml(d):
    out = ["# 预算项目绩效目标（预算数、功能科目、绩效目标、绩效指标）", "projects:"]
    for p in d["projects"]:
        out.append("  - name: %s" % q(p["name"]))
        out.append("    code: %s" % q(p["code"]))
        out.append("    function_code: %s   # %s" % (q(p["func_code"]), p["func_name"]))
        out.append("    budget: %s" % flow_map({"fiscal": amount(c(p["fiscal"])) or NONE,
                                                "other": amount(c(p["other_funds"])) or NONE,
                                                "total": amount(c(p["budget"]))}))
        out.append("    goals:")
        for g in p["goals"]:
            out.append("      - %s" % q(g))
        out.append("    indicators:")
        for r in p["indicators"]["rows"]:
            out.append("      - %s" % flow_seq(r))
    return "\n".join(out) + "\n"


def procurement_yaml(d):
    rows = tables(d)["政府采购预算表"]["rows"]
    out = ["# 政府采购预算表：每行一项；project_budget 与合计为申报值。"]
    total = rows[-1]
    assert total[0] == "合计", d["code"]
    out.append("total: %s" % scalar_amount(c(total[7])))
    out.append("total_small_firms: %s" % scalar_amount(c(total[9])))
    out.append("lines:")
    for r in rows[:-1]:
        out.append("  - project: %s" % q(r[0]))
        if r[1]:
            out.append("    project_budget: %s" % amount(c(r[1])))
        out.append("    item: %s" % q(r[2]))
        out.append("    catalogue: %s" % q(r[3]))
        out.append("    measure: %s" % q(r[4]))
        out.append("    quantity: %s" % r[5])
        out.append("    unit_price: %s" % scalar_amount(c(r[6])))
        out.append("    general: %s" % scalar_amount(c(r[8])))
        out.append("    small_firms: %s" % scalar_amount(c(r[9])))
        other = c(r[7]) - c(r[8])
        if other:
            out.append("    unit_funds: %s" % amount(other))
    return "\n".join(out) + "\n"


def scalar_amount(v):
    return str(amount(v)) if v else "~"


CHANGE_RE = re.compile(r"(增加|减少)([\d.]+)万元|持平")


def change(text):
    """'增加12.30万元' -> +1230, '减少…' -> -…, '持平' -> 0."""
    m = CHANGE_RE.match(text)
    if not m:
        return None
    if m.group(0) == "持平":
        return 0
    v = c(m.group(2))
    return v if m.group(1) == "增加" else -v


def narrative(d):
    """(narrative.yaml text, prior.yaml text or None)."""
    secs = {s["heading"][:2]: s for s in d["narrative"]}
    T = tables(d)
    year = d["year"]
    n = {}
    prior = {}
    reasons = {}
    if "一、" in secs:
        n["duties"] = secs["一、"]["paragraphs"]
    if "二、" in secs:
        paras = secs["二、"]["paragraphs"]
        n["overview"] = [p for p in paras if not re.match(r"\d、", p)]
        for p in paras:
            if p.startswith("2、"):
                m = re.search(r"主要用于(.+?)。", p)
                if m:
                    n["project_purposes"] = m.group(1)
            if p.startswith("3、"):
                m = re.search(r"较(\d{4})年(增加[\d.]+万元|减少[\d.]+万元|持平)，其中：基本支出"
                              r"(增加[\d.]+万元|减少[\d.]+万元|持平)，([^；]*)；项目支出"
                              r"(增加[\d.]+万元|减少[\d.]+万元|持平)，(.*)。$", p)
                if m:
                    prior["year"] = int(m.group(1))
                    prior["d_total"] = change(m.group(2))
                    prior["d_basic"] = change(m.group(3))
                    prior["d_project"] = change(m.group(5))
                    reasons["basic"] = m.group(4)
                    reasons["project"] = m.group(6)
    if "三、" in secs:
        m = re.search(r"主要用于(.+?)。", secs["三、"]["paragraphs"][0])
        if m:
            n["running_costs_use"] = m.group(1)
    if "四、" in secs:
        p = secs["四、"]["paragraphs"][0]
        m = re.search(r"与(\d{4})年相比(增加[\d.]+万元|减少[\d.]+万元|持平)，(.*?)。?$", p)
        if m:
            prior["d_sangong"] = change(m.group(2))
            if m.group(2) == "持平":   # the template prints this text alone
                n["sangong_change"] = "与%s年相比持平，%s。" % (m.group(1), m.group(3))
            else:                      # the template prints 与…相比增加/减少…万元，<text>。
                n["sangong_change"] = m.group(3)
    if "六、" in secs:
        m = re.search(r"万元。(具体[^。]*。)$", secs["六、"]["paragraphs"][0])
        if m:
            n["procurement_intro"] = m.group(1)
    if "八、" in secs:
        gl = []
        for p in secs["八、"]["paragraphs"]:
            m = re.match(r"（[一二三四五六七八九十]+）([^：]+)：(.*)$", p)
            if m:
                gl.append((m.group(1), m.group(2)))
        n["glossary"] = gl
    if "九、" in secs:
        n["other_matters"] = secs["九、"]["paragraphs"]

    out = ["# 情况说明中不含数字的文字。含数字的句子（收入、支出、增减、机关运行经费、“三公”、政府采购）",
           "# 由 gongkai 的模板根据各表生成。"]
    for key in ("duties", "overview"):
        if n.get(key):
            out.append("%s:" % key)
            out.extend("  - %s" % q(x) for x in n[key])
    for key in ("project_purposes",):
        if n.get(key):
            out.append("%s: %s" % (key, q(n[key])))
    if reasons:
        out.append("change_reasons:")
        for k in ("basic", "project"):
            if reasons.get(k):
                out.append("  %s: %s" % (k, q(reasons[k])))
    for key in ("running_costs_use", "sangong_change", "procurement_intro"):
        if n.get(key):
            out.append("%s: %s" % (key, q(n[key])))
    if n.get("glossary"):
        out.append("glossary:")
        for term, definition in n["glossary"]:
            out.append("  - term: %s" % q(term))
            out.append("    definition: %s" % q(definition))
    if n.get("other_matters"):
        out.append("other_matters:")
        out.extend("  - %s" % q(x) for x in n["other_matters"])
    narrative_text = "\n".join(out) + "\n"

    prior_text = None
    if "d_total" in prior:
        exp = T["部门预算支出总表"]["rows"][0]
        total, basic, project = c(exp[2]), c(exp[3]), c(exp[7])
        sg = c(T["财政拨款“三公”经费支出表"]["rows"][1][1])
        p = ["# 上年数：由情况说明“比上年增减情况”和“三公”经费增减推算（本年数 − 增减额）。",
             "year: %d" % prior.get("year", year - 1),
             "total: %s" % amount0(total - prior["d_total"]),
             "basic: %s" % amount0(basic - prior["d_basic"]),
             "project: %s" % amount0(project - prior["d_project"]),
             "personnel: ~", "public: ~"]
        if prior.get("d_sangong") is not None:
            p.append("sangong: %s" % flow_map({"total": amount0(sg - prior["d_sangong"]), "abroad": NONE,
                                                "car_purchase": NONE, "car_running": NONE,
                                                "reception": NONE}))
        prior_text = "\n".join(p) + "\n"
    return narrative_text, prior_text


def unit_yaml(d):
    region = d["region"]
    city = next((x for x in PROVINCE if region.startswith(x)), None)
    if region in PROVINCE:
        level = "市级"
    elif region.endswith("区"):
        level = "区级"
    else:
        level = "县级"
    return "\n".join([
        "code: %s" % q(d["code"]),
        "name: %s" % q(d["name"]),
        "level: %s" % level,
        "province: %s" % (q(PROVINCE[city]) if city else "~"),
        "locality: %s" % q(region),
        "year: %d" % d["year"],
        "amount_unit: 万元",
    ]) + "\n"


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def convert(corpus, content):
    idx = json.load(open(os.path.join(corpus, "index.json"), encoding="utf-8"))
    func_used, econ_used = {}, {}
    years = set()
    for e in idx["departments"]:
        d = json.load(open(os.path.join(corpus, e["file"]), encoding="utf-8"))
        years.add(d["year"])
        folder = os.path.join(content, str(d["year"]), d["code"])
        os.makedirs(folder, exist_ok=True)
        write(os.path.join(folder, "unit.yaml"), unit_yaml(d))
        text, names = functions_yaml(d)
        func_used.update(names)
        write(os.path.join(folder, "functions.yaml"), text)
        text, names = economic_yaml(d)
        econ_used.update(names)
        write(os.path.join(folder, "economic.yaml"), text)
        write(os.path.join(folder, "sangong.yaml"), sangong_yaml(d))
        write(os.path.join(folder, "projects.yaml"), projects_yaml(d))
        for p in d["projects"]:
            func_used.setdefault(p["func_code"], p["func_name"])
        write(os.path.join(folder, "procurement.yaml"), procurement_yaml(d))
        ntext, ptext = narrative(d)
        write(os.path.join(folder, "narrative.yaml"), ntext)
        if ptext:
            write(os.path.join(folder, "prior.yaml"), ptext)
    # site code lists: the corpus codes gongkai's list of the year lacks
    year = min(years) if years else 2025
    os.makedirs(os.path.join(content, "codes"), exist_ok=True)
    for kind, used in (("function", func_used), ("economic", econ_used)):
        builtin = newest_builtin(kind, year)
        missing = sorted((k, v) for k, v in used.items() if builtin is None or k not in builtin)
        path = os.path.join(content, "codes", kind + ".tsv")
        if missing:
            write(path, "# 站点补充科目：基准语料中使用、gongkai 内置清单未收录的编码（hugo_to_content.py 生成）。\n"
                  + "".join("%s\t%s\n" % kv for kv in missing))
        elif os.path.exists(path):
            os.remove(path)
    return len(idx["departments"])


def main():
    if len(sys.argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        sys.exit(2)
    n = convert(sys.argv[1], sys.argv[2])
    print("converted %d departments into %s" % (n, sys.argv[2]), file=sys.stderr)


if __name__ == "__main__":
    main()
