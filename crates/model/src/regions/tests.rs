use super::*;
use crate::identity::is_region_code;

fn code(m: &Match) -> Option<&'static str> {
    m.division().map(Division::code)
}

fn codes(m: &Match) -> Vec<&'static str> {
    m.candidates().into_iter().map(Division::code).collect()
}

#[test]
fn the_list_is_well_formed() {
    let rows: Vec<Vec<&str>> = lines(REGIONS).collect();
    let mut seen = HashSet::new();
    let mut previous = "";
    for row in &rows {
        let [code, name] = row[..] else {
            panic!("not code<TAB>name: {row:?}")
        };
        assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()), "{code}");
        assert!(is_region_code(code), "{code}");
        assert!(
            !name.is_empty() && !name.contains(char::is_whitespace),
            "{code} {name:?}"
        );
        assert!(seen.insert(code), "{code} twice");
        assert!(previous < code, "{code} after {previous}: not in the official order");
        previous = code;
    }
    for row in &rows {
        let code = row[0];
        let (province, prefecture) = (format!("{}0000", &code[..2]), format!("{}00", &code[..4]));
        match Level::of(code) {
            Level::Province => {}
            Level::Prefecture => assert!(seen.contains(province.as_str()), "{code}: no province {province}"),
            Level::County => assert!(
                seen.contains(prefecture.as_str()) || seen.contains(province.as_str()),
                "{code}: neither {prefecture} nor {province}"
            ),
        }
    }
    // The comment lines say what the files are.
    assert!(REGIONS.starts_with("# 中华人民共和国县以上行政区划代码"));
    assert!(FORMER.starts_with("# County-level divisions"));
}

#[test]
fn counts_per_level() {
    let count = |level| all().filter(|d| d.level() == level).count();
    assert_eq!(count(Level::Province), 34);
    assert_eq!(count(Level::Prefecture), 333);
    assert_eq!(count(Level::County), 2845);
    assert_eq!(all().count(), 3212);
    assert_eq!(former().count(), 74);
}

#[test]
fn the_former_list_is_well_formed() {
    let mut previous = "";
    for row in lines(FORMER) {
        let [code, name, year, successors] = row[..] else {
            panic!("not 4 fields: {row:?}")
        };
        assert!(is_region_code(code) && Level::of(code) == Level::County, "{code}");
        assert!(previous < code, "{code} after {previous}");
        previous = code;
        assert!(!name.is_empty(), "{code}");
        assert!(matches!(year.parse::<u16>(), Ok(2019..=2025)), "{code} {year}");
        for s in successors.split(',') {
            let successor = division(s).unwrap_or_else(|| panic!("{code}: successor {s} unknown"));
            assert_eq!(successor.until(), None, "{code}: successor {s} is not in force");
        }
    }
    for d in former() {
        assert!(d.until().is_some());
        assert!(!d.successors().is_empty(), "{d}");
        assert!(d.parent().is_some_and(|p| p.until().is_none()), "{d}");
    }
}

#[test]
fn names_are_full_paths() {
    assert_eq!(name("130208"), Some("河北省唐山市丰润区"));
    assert_eq!(name("130532"), Some("河北省邢台市平乡县"));
    assert_eq!(name("130722"), Some("河北省张家口市张北县"));
    assert_eq!(name("310107"), Some("上海市普陀区"));
    assert_eq!(name("130700"), Some("河北省张家口市"));
    assert_eq!(name("130000"), Some("河北省"));
    assert_eq!(name("419001"), Some("河南省济源市"));
    assert_eq!(name("500229"), Some("重庆市城口县"));
    assert_eq!(name("710000"), Some("台湾省"));
    assert_eq!(name("999999"), None);
    assert_eq!(name("张北县"), None);
    // A code in force wins over a retired one of the same digits.
    assert_eq!(name("130502"), Some("河北省邢台市襄都区"));
    assert_eq!(name("500105"), Some("重庆市江北区"));

    let chain: Vec<&str> = chain("130208").into_iter().map(Division::code).collect();
    assert_eq!(chain, ["130000", "130200", "130208"]);
    let chain: Vec<&str> = chain_names("310107");
    assert_eq!(chain, ["上海市", "普陀区"]);
    let fengrun = division("130208").expect("130208");
    assert_eq!(fengrun.name(), "丰润区");
    assert_eq!(fengrun.level(), Level::County);
    assert_eq!(fengrun.parent().map(Division::code), Some("130200"));
    assert!(division("130000").is_some_and(|hebei| hebei.contains(fengrun)));
    assert!(!fengrun.contains(division("130000").expect("130000")));
    assert_eq!(fengrun.to_string(), "130208 河北省唐山市丰润区");
    assert_eq!(Level::Prefecture.label(), "地级");
}

fn chain_names(code: &str) -> Vec<&'static str> {
    chain(code).into_iter().map(Division::name).collect()
}

#[test]
fn every_division_is_its_own_unique_name_under_its_parent() {
    // find(full name) answers the division itself, for every division in force.
    for d in all() {
        assert_eq!(find(d.full_name()), Match::Found(d), "{d}");
    }
}

#[test]
fn full_and_short_names() {
    for (text, expected) in [
        ("唐山市丰润区", "130208"),
        ("河北省唐山市丰润区", "130208"),
        ("丰润区", "130208"),
        ("平乡县", "130532"),
        ("邢台市平乡县", "130532"),
        ("张北县", "130722"),
        ("上海市普陀区", "310107"),
        ("张家口市", "130700"),
        ("河北省", "130000"),
        ("北京市朝阳区", "110105"),
        ("长春市朝阳区", "220104"),
        ("吉林省长春市朝阳区", "220104"),
        ("朝阳市朝阳县", "211321"),
        ("吉林省吉林市", "220200"),
        ("济南市市中区", "370103"),
        ("西安市长安区", "610116"),
    ] {
        assert_eq!(code(&find(text)), Some(expected), "{text}");
    }
    assert_eq!(find(""), Match::NotFound);
    assert_eq!(find("人民代表大会常务委员会办公室"), Match::NotFound);
    assert_eq!(find("丰润"), Match::NotFound, "a name without its 区 is not read");
}

#[test]
fn department_names_and_headers() {
    for (text, expected) in [
        ("唐山市丰润区人民代表大会常务委员会办公室", "130208"),
        ("张家口市人民代表大会常务委员会办公室", "130700"),
        ("上海市普陀区司法局", "310107"),
        ("101丰润区人大", "130208"),
        ("平乡县财政局2024年部门预算", "130532"),
        ("2023年唐山市丰润区人民代表大会常务委员会办公室部门预算公开", "130208"),
        ("中共张北县委宣传部", "130722"),
        ("河北省张家口市张北县人民政府办公室", "130722"),
        // A name the document mentions in passing does not outrank the
        // division the department belongs to.
        ("张家口市主城区环境卫生管理处", "130700"),
        ("丰润区对口支援新疆维吾尔自治区工作", "130208"),
    ] {
        assert_eq!(code(&find(text)), Some(expected), "{text}");
    }
}

#[test]
fn ambiguous_names_report_every_candidate() {
    assert_eq!(codes(&find("朝阳区")), ["110105", "220104"]);
    assert!(matches!(find("朝阳区"), Match::Ambiguous(_)));
    assert_eq!(find("朝阳区").division(), None);
    assert_eq!(codes(&find("鼓楼区")), ["320106", "320302", "350102", "410204"]);
    assert_eq!(codes(&find("普陀区司法局")), ["310107", "330903"]);
    assert_eq!(codes(&find("市中区")), ["370103", "370402", "511002", "511102"]);
    // 桥西区: 石家庄, 张家口, and 邢台's until it was renamed 信都区 in 2020.
    let qiaoxi = find("桥西区").candidates();
    assert_eq!(
        qiaoxi.iter().map(|d| d.code()).collect::<Vec<_>>(),
        ["130104", "130503", "130703"]
    );
    assert_eq!(qiaoxi[1].until(), Some(2020));
    assert_eq!(qiaoxi[1].name(), "桥西区");
    // A text naming two divisions of one level names neither.
    assert_eq!(codes(&find("丰润区、平乡县")), ["130208", "130532"]);
}

#[test]
fn context_narrows() {
    assert_eq!(code(&find_in("朝阳区", &["北京市"])), Some("110105"));
    assert_eq!(code(&find_in("朝阳区", &["吉林省"])), Some("220104"));
    assert_eq!(code(&find_in("朝阳区", &["长春市"])), Some("220104"));
    assert_eq!(code(&find_in("朝阳区", &["220000"])), Some("220104"));
    assert_eq!(code(&find_in("普陀区", &["浙江"])), Some("330903"));
    assert_eq!(codes(&find_in("鼓楼区", &["江苏省"])), ["320106", "320302"]);
    assert_eq!(code(&find_in("鼓楼区", &["江苏省", "徐州市"])), Some("320302"));
    assert_eq!(codes(&find_in("桥西区", &["河北省"])), ["130104", "130503", "130703"]);
    assert_eq!(code(&find_in("桥西区", &["张家口市"])), Some("130703"));
    // Outside the context there is nothing.
    assert_eq!(find_in("朝阳区", &["河北省"]), Match::NotFound);
    assert_eq!(find_in("丰润区", &["邢台市"]), Match::NotFound);
    // The context may be the division's parent, or the division itself.
    assert_eq!(code(&find_in("河北省财政厅", &["唐山市"])), Some("130000"));
    assert_eq!(code(&find_in("丰润区", &["130208"])), Some("130208"));
    // An item that names nothing is ignored.
    assert_eq!(codes(&find_in("朝阳区", &["火星"])), ["110105", "220104"]);
}

#[test]
fn short_forms_of_autonomous_divisions() {
    for (text, expected) in [
        ("孟村县", "130930"),
        ("青龙县", "130321"),
        ("围场县", "130828"),
        ("大厂县人民政府", "131028"),
        ("延边州", "222400"),
        ("恩施州财政局", "422800"),
        ("莫力达瓦旗", "150722"),
        ("梅里斯区", "230208"),
        ("管城区", "410104"),
        ("内蒙古", "150000"),
        ("广西", "450000"),
        ("新疆", "650000"),
        ("积石山县", "622927"),
        ("双江县", "530925"),
        ("河南县", "632324"),
    ] {
        assert_eq!(code(&find(text)), Some(expected), "{text}");
    }
    // No short form is left for a name that is only the ethnic name.
    for name in ["东乡族自治县", "鄂伦春自治旗", "鄂温克族自治旗"] {
        assert_eq!(short_form(name), None, "{name}");
    }
    // Every other autonomous division has one, and it has lost its ethnic names.
    for d in all() {
        if ["东乡族自治县", "鄂伦春自治旗", "鄂温克族自治旗"].contains(&d.name()) {
            continue;
        }
        if d.name().contains("自治") || d.name().ends_with("族区") {
            let form = short_form(d.name()).unwrap_or_else(|| panic!("{d}: no short form"));
            assert!(!form.contains('族') && !form.contains("自治"), "{d}: {form}");
        }
    }
}

#[test]
fn short_forms_only_when_unique() {
    // A short form that is another division's name stays that division's.
    let index = index();
    for (form, divisions) in &index.names {
        if divisions.iter().all(|&d| index.entries[d as usize].name != *form) {
            assert_eq!(divisions.len(), 1, "{form}");
        }
    }
}

#[test]
fn weak_names_need_their_parent() {
    assert_eq!(find("主城区"), Match::NotFound);
    assert_eq!(code(&find("阳泉市城区")), Some("140302"));
    assert_eq!(code(&find("阳泉市郊区")), Some("140311"));
    assert_eq!(code(&find("佳木斯市郊区")), Some("230811"));
    assert_eq!(code(&find("攀枝花市东区")), Some("510402"));
    assert_eq!(codes(&find("城区")), ["140302", "140502", "441502"]);
    assert_eq!(code(&find("西城区")), Some("110102"));
    assert_eq!(code(&find("峰峰矿区")), Some("130406"));
}

#[test]
fn retired_divisions_are_found_for_old_documents() {
    // 江北区 is 宁波's, and was 重庆's until 2025.
    let jiangbei = find("江北区").candidates();
    assert_eq!(
        jiangbei.iter().map(|d| d.code()).collect::<Vec<_>>(),
        ["330205", "500105"]
    );
    let chongqing = find("重庆市江北区财政局").division().expect("重庆市江北区");
    assert_eq!((chongqing.code(), chongqing.until()), ("500105", Some(2025)));
    assert_eq!(
        chongqing.successors().iter().map(|d| d.code()).collect::<Vec<_>>(),
        ["500157"]
    );
    assert_eq!(chongqing.to_string(), "500105 重庆市江北区 (until 2025)");
    assert_eq!(code(&find("宁波市江北区")), Some("330205"));
    assert_eq!(code(&find("渝北区")), Some("500112"));
    assert_eq!(code(&find("两江新区")), Some("500157"));
    assert_eq!(code(&find("邢台县")), Some("130521"));
    assert_eq!(code(&find("邢台市桥东区")), Some("130502"));
    // A division that lives on under its name is read as the one in force.
    assert_eq!(code(&find("公主岭市")), Some("220184"));
    assert_eq!(code(&find("南通市崇川区")), Some("320613"));
    assert_eq!(code(&find("三明市三元区")), Some("350404"));
}

#[test]
fn region_and_locality_agree() {
    assert!(agrees("130208", "丰润区"));
    assert!(agrees("130208", "唐山市丰润区"));
    assert!(agrees("130208", "河北省唐山市丰润区"));
    assert!(agrees("310107", "上海市普陀区"));
    assert!(agrees("110105", "朝阳区"), "one of the candidates");
    assert!(!agrees("130208", "平乡县"));
    assert!(!agrees("130208", "唐山市"));
    assert!(!agrees("330903", "上海市普陀区"));
    assert!(!agrees("130208", "丰润"));
}

#[test]
fn a_long_text_is_read_quickly() {
    let page = "唐山市丰润区人民代表大会常务委员会办公室2024年部门预算，一般公共预算支出1234.56万元。".repeat(2000);
    let start = std::time::Instant::now();
    assert_eq!(code(&find(&page)), Some("130208"));
    assert!(
        start.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}
