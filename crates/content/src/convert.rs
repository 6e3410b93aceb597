//! Conversion: the raw values of a parsed content file
//! ([`schema`](crate::schema), text with positions) into the validated
//! [`model`](gongkai_model::disclosure), value by value: amounts to exact
//! decimals in the file's unit, codes checked against the year's lists,
//! labels to enumerations. Conversion goes on after a bad value, so one run
//! reports every problem it can find.

use crate::load::suggest;
use crate::schema::{self, Cell, Text};
use gongkai_model::amount::{AmountUnit, parse_amount, parse_percent};
use gongkai_model::codes::{CodeLists, Kind};
use gongkai_model::diag::{Diagnostics, Loc};
use gongkai_model::disclosure::*;
use gongkai_model::identity::{Phase, Scope, is_region_code};
use rust_decimal::Decimal;
use std::path::Path;
use std::sync::Arc;

/// Converts the values of one file: amounts in its unit, codes against the
/// year's lists (none for `unit.yaml`, read before the year is known).
pub(crate) struct FileCtx<'a> {
    /// The file, for the position of every finding.
    pub(crate) file: Arc<Path>,
    /// The unit its amounts are entered in.
    pub(crate) unit: AmountUnit,
    pub(crate) codes: Option<&'a CodeLists>,
}

impl<'a> FileCtx<'a> {
    /// The conversion of `file`, amounts in `unit`, codes against `codes` when given.
    pub(crate) fn new(file: Arc<Path>, unit: AmountUnit, codes: Option<&'a CodeLists>) -> Self {
        FileCtx { file, unit, codes }
    }

    /// Where a value is.
    pub(crate) fn loc(&self, text: &Text) -> Loc {
        let mut loc = Loc::at(&self.file, &text.referenced);
        if loc.len == 0 {
            loc.len = text.value.chars().count() as u32;
        }
        loc
    }

    /// A text, trimmed, with its position.
    pub(crate) fn text(&self, text: &Text) -> Located<String> {
        Located {
            value: text.value.trim().to_string(),
            loc: self.loc(text),
        }
    }

    /// A text, `None` when absent or empty.
    pub(crate) fn opt_text(&self, cell: &Cell) -> Option<Located<String>> {
        cell.as_ref().map(|t| self.text(t)).filter(|t| !t.value.is_empty())
    }

    /// [`FileCtx::opt_text`] without its position.
    pub(crate) fn plain(&self, cell: &Cell) -> Option<String> {
        self.opt_text(cell).map(|t| t.value)
    }

    /// A list of texts.
    pub(crate) fn texts(&self, list: &[Text]) -> Vec<Located<String>> {
        list.iter().map(|t| self.text(t)).collect()
    }

    /// An amount in the file's unit (a negative one is warned about).
    pub(crate) fn amount(&self, cell: &Cell, diags: &mut Diagnostics) -> Option<Fact> {
        let text = cell.as_ref()?;
        match parse_amount(&text.value, self.unit) {
            Ok(value) => {
                let fact = value.map(|value| Located {
                    value,
                    loc: self.loc(text),
                });
                if let Some(f) = fact
                    .as_ref()
                    .filter(|f| f.value.yuan.is_sign_negative() && !f.value.is_zero())
                {
                    diags
                        .warning(
                            "amount-negative",
                            f.loc.clone(),
                            format!("negative amount `{}`", text.value.trim()),
                        )
                        .help = Some("budget tables hold no negative amounts; check the sign".into());
                }
                fact
            }
            Err(e) => {
                let rule = match e {
                    gongkai_model::amount::AmountError::TooManyDecimals { .. } => "amount-decimals",
                    gongkai_model::amount::AmountError::Malformed { .. } => "amount-format",
                };
                diags.error(rule, self.loc(text), e.to_string()).help = Some(e.help());
                None
            }
        }
    }

    /// A plain number (a quantity).
    pub(crate) fn number(&self, cell: &Cell, what: &str, diags: &mut Diagnostics) -> Option<Located<Decimal>> {
        let text = cell.as_ref()?;
        let t = text.value.trim();
        if t.is_empty() || t == "--" {
            return None;
        }
        match t.parse::<Decimal>() {
            Ok(value) if !t.contains(['e', 'E']) => Some(Located {
                value,
                loc: self.loc(text),
            }),
            _ => {
                diags
                    .error("number-format", self.loc(text), format!("{what} `{t}` is not a number"))
                    .help = Some("write a plain number such as 12 or 0.5".into());
                None
            }
        }
    }

    /// A share such as `75%` (or a plain number).
    pub(crate) fn percent(&self, cell: &Cell, diags: &mut Diagnostics) -> Option<Located<Decimal>> {
        let text = cell.as_ref()?;
        let t = text.value.trim();
        if t.is_empty() {
            return None;
        }
        match parse_percent(t).or_else(|| t.parse::<Decimal>().ok()) {
            Some(value) => Some(Located {
                value,
                loc: self.loc(text),
            }),
            None => {
                diags
                    .error("percent-format", self.loc(text), format!("`{t}` is not a percentage"))
                    .help = Some("write a share such as 75%".into());
                None
            }
        }
    }

    /// A budget year.
    pub(crate) fn year(&self, text: &Text, diags: &mut Diagnostics) -> Option<u16> {
        match text.value.trim().parse::<u16>() {
            Ok(y) if (1949..=2200).contains(&y) => Some(y),
            _ => {
                diags
                    .error(
                        "year-format",
                        self.loc(text),
                        format!("`{}` is not a year", text.value.trim()),
                    )
                    .help = Some("write the four-digit budget year, e.g. 2022".into());
                None
            }
        }
    }

    /// Checks a code's form, then judges it and its name against the year's
    /// lists (see `gongkai_model::codes::verdict`): only a code whose parent
    /// is unknown too is an error.
    pub(crate) fn code(
        &self,
        code: &Text,
        name: Option<&Located<String>>,
        kind: Kind,
        diags: &mut Diagnostics,
    ) -> Option<Located<String>> {
        let located = self.text(code);
        let value = &located.value;
        if !value.chars().all(|c| c.is_ascii_digit()) || !kind.valid_length(value.len()) {
            let shape = match kind {
                Kind::Function => "3, 5 or 7 digits (类, 款, 项)",
                Kind::Economic => "3 or 5 digits (类, 款)",
            };
            diags.error(
                "code-format",
                located.loc.clone(),
                format!("`{value}` is not a {}: it must have {shape}", kind.label()),
            );
            return None;
        }
        let codes = self.codes?;
        if let Some(finding) = codes.check(kind, value, &located.loc, name.map(|n| (n.value.as_str(), &n.loc))) {
            diags.push(finding);
        }
        Some(located)
    }

    /// `unit.yaml`; `None` when its year is not a year.
    pub(crate) fn unit(&self, raw: &schema::UnitFile, diags: &mut Diagnostics) -> Option<Unit> {
        let year = self.year(&raw.year, diags);
        let amount_unit = match &raw.amount_unit {
            None => AmountUnit::Wan,
            Some(label) => AmountUnit::from_label(&label.value).unwrap_or_else(|| {
                diags
                    .error(
                        "amount-unit",
                        self.loc(label),
                        format!("unknown amount unit `{}`", label.value.trim()),
                    )
                    .help = Some("write `amount_unit: 万元` or `amount_unit: 元`".into());
                AmountUnit::Wan
            }),
        };
        let code = self.text(&raw.code);
        if code.value.is_empty() || !code.value.chars().all(|c| c.is_ascii_alphanumeric()) {
            diags
                .error(
                    "unit-code",
                    code.loc.clone(),
                    format!("department code `{}` must be letters and digits only", code.value),
                )
                .help = Some("the code names folders and web addresses; write it as published, e.g. \"101\"".into());
        }
        const LEVELS: [&str; 5] = ["省级", "市级", "县级", "区级", "乡镇级"];
        let level = self.text(&raw.level);
        if !LEVELS.contains(&level.value.as_str()) {
            diags
                .error(
                    "unit-level",
                    level.loc.clone(),
                    format!("unknown level `{}`", level.value),
                )
                .help = Some(format!("one of {}", LEVELS.join(" / ")));
        }
        let locality_text = self.text(&raw.locality).value;
        let region = raw.region.as_ref().map(|r| self.text(r)).and_then(|region| {
            if is_region_code(&region.value) {
                region_agrees(&region, &locality_text, diags);
                return Some(region.value);
            }
            diags
                .error(
                    "unit-region",
                    region.loc.clone(),
                    format!("`{}` is not a 区划代码", region.value),
                )
                .help = Some(
                "six digits, e.g. region: \"130208\" (唐山市丰润区); leave `region` out on a site of one locality"
                    .into(),
            );
            None
        });
        let phase = match raw.phase.as_ref().map(|p| self.text(p)) {
            None => Phase::Budget,
            Some(label) => Phase::from_label(&label.value).unwrap_or_else(|| {
                diags
                    .error(
                        "unit-phase",
                        label.loc.clone(),
                        format!("unknown phase `{}`", label.value),
                    )
                    .help = Some("`phase: 预算` (the budget, the default) or `phase: 决算` (final accounts)".into());
                Phase::Budget
            }),
        };
        let unit_code = raw.unit_code.as_ref().map(|c| self.text(c));
        let scope = match raw.scope.as_ref().map(|s| self.text(s)) {
            None => Scope::Department,
            Some(label) if label.value == "部门" => Scope::Department,
            Some(label) if label.value == "单位" => match &unit_code {
                Some(c) if !c.value.is_empty() && c.value.chars().all(|ch| ch.is_ascii_alphanumeric()) => {
                    Scope::Unit(c.value.clone())
                }
                Some(c) => {
                    diags
                        .error(
                            "unit-code",
                            c.loc.clone(),
                            format!("unit code `{}` must be letters and digits only", c.value),
                        )
                        .help = Some("write the unit's code as published, e.g. unit_code: \"101001\"".into());
                    Scope::Department
                }
                None => {
                    diags
                        .error(
                            "unit-code",
                            label.loc.clone(),
                            "a 单位 budget needs the unit's code: add `unit_code`",
                        )
                        .help =
                        Some("e.g. unit_code: \"101001\" (本级) — it names the unit's folder and web address".into());
                    Scope::Department
                }
            },
            Some(label) => {
                diags
                    .error(
                        "unit-scope",
                        label.loc.clone(),
                        format!("unknown scope `{}`", label.value),
                    )
                    .help = Some(
                    "`scope: 部门` (the department, consolidated; the default) or `scope: 单位` with `unit_code`"
                        .into(),
                );
                Scope::Department
            }
        };
        if let (Some(c), Scope::Department) = (&unit_code, &scope) {
            diags.warning(
                "unit-code",
                c.loc.clone(),
                "`unit_code` is ignored: this is a 部门 budget (add `scope: 单位` if it is one unit's)",
            );
        }
        Some(Unit {
            code: code.value,
            name: self.text(&raw.name).value,
            level: level.value,
            province: raw.province.as_ref().map(|p| self.text(p).value),
            locality: locality_text,
            year: year?,
            region,
            phase,
            scope,
            amount_unit,
            loc: Loc::file_start(&self.file),
        })
    }

    /// `functions.yaml`.
    pub(crate) fn functions(&self, raw: schema::FunctionsFile, diags: &mut Diagnostics) -> Functions {
        let rows = raw
            .rows
            .iter()
            .filter_map(|row| {
                let name = self.opt_text(&row.name);
                let code = match &row.code {
                    Some(code) => Some(self.code(code, name.as_ref(), Kind::Function, diags)?),
                    None => {
                        let cells = [&row.basic, &row.project, &row.operating, &row.remit, &row.subsidy];
                        self.require_total_label(name.as_ref(), &cells, diags)?;
                        None
                    }
                };
                let source = self.source(&row.source, diags)?;
                if source.fund().is_some() {
                    self.appropriation_types(row, source, diags);
                }
                let loc = code.as_ref().or(name.as_ref()).map(|l| l.loc.clone())?;
                Some(FunctionRow {
                    code,
                    name,
                    source,
                    amounts: [
                        self.amount(&row.basic, diags),
                        self.amount(&row.project, diags),
                        self.amount(&row.operating, diags),
                        self.amount(&row.remit, diags),
                        self.amount(&row.subsidy, diags),
                    ],
                    loc,
                })
            })
            .collect();
        let year_end_carryover = raw
            .year_end_carryover
            .iter()
            .flatten()
            .filter_map(|item| {
                let source = self.source(&Some(item.source.clone()), diags)?;
                Some((source, self.amount(&Some(item.amount.clone()), diags)?))
            })
            .collect();
        Functions {
            rows,
            year_end_carryover,
        }
    }

    /// Fiscal appropriations are spent as 基本支出 or 项目支出 only: tables
    /// 5, 7 and 8 have no other columns.
    fn appropriation_types(&self, row: &schema::FunctionRow, source: Source, diags: &mut Diagnostics) {
        for (cell, ty) in [
            (&row.operating, ExpType::Operating),
            (&row.remit, ExpType::Remit),
            (&row.subsidy, ExpType::Subsidy),
        ] {
            if let Some(text) = cell
                .as_ref()
                .filter(|t| !matches!(parse_amount(&t.value, self.unit), Ok(None)))
            {
                diags
                    .error(
                        "appropriation-type",
                        self.loc(text),
                        format!("{} appropriations cannot be spent as {}", source.label(), ty.label()),
                    )
                    .help = Some(
                    "财政拨款 tables show only 基本支出 and 项目支出; give this money its real source (e.g. `source: 事业收入`) or move it to basic/project"
                        .into(),
                );
            }
        }
    }

    /// A row without code must be the 合计 row; a row with neither code nor
    /// name but with figures is an error, never silently dropped.
    fn require_total_label(
        &self,
        name: Option<&Located<String>>,
        cells: &[&Cell],
        diags: &mut Diagnostics,
    ) -> Option<()> {
        let help = "give the row its 科目编码 (`code: …`); only the 合计 row goes without one";
        match name {
            Some(n) if n.value == "合计" => Some(()),
            Some(n) => {
                diags
                    .error(
                        "missing-code",
                        n.loc.clone(),
                        format!("row `{}` has no `code`", n.value),
                    )
                    .help = Some(help.into());
                None
            }
            None => {
                if let Some(first) = cells.iter().find_map(|c| c.as_ref()) {
                    diags
                        .error(
                            "missing-code",
                            self.loc(first),
                            "this row has figures but no `code` (and no name)",
                        )
                        .help = Some(help.into());
                }
                None
            }
        }
    }

    /// A source of funds by its label or name (default 一般公共预算).
    fn source(&self, cell: &Cell, diags: &mut Diagnostics) -> Option<Source> {
        let Some(text) = cell else {
            return Some(Source::General);
        };
        match Source::from_label(&text.value) {
            Some(s) => Some(s),
            None => {
                let labels: Vec<&str> = Source::ALL.iter().map(|s| s.label()).collect();
                let names: Vec<&str> = Source::ALL.iter().map(|s| s.name()).collect();
                let candidates: Vec<&str> = labels.iter().chain(names.iter()).copied().collect();
                let hint = suggest(text.value.trim(), &candidates)
                    .and_then(Source::from_label)
                    .map(|s| format!("did you mean `{}`? ", s.label()))
                    .unwrap_or_default();
                diags
                    .error(
                        "unknown-source",
                        self.loc(text),
                        format!("unknown source of funds `{}`", text.value.trim()),
                    )
                    .help = Some(format!("{hint}one of: {}", labels.join(", ")));
                None
            }
        }
    }

    /// `economic.yaml`.
    pub(crate) fn economic(&self, raw: schema::EconomicFile, diags: &mut Diagnostics) -> Economic {
        let rows = raw
            .rows
            .iter()
            .filter_map(|row| {
                let name = self.opt_text(&row.name);
                let code = match &row.code {
                    Some(code) => Some(self.code(code, name.as_ref(), Kind::Economic, diags)?),
                    None => {
                        self.require_total_label(name.as_ref(), &[&row.personnel, &row.public], diags)?;
                        None
                    }
                };
                let loc = code.as_ref().or(name.as_ref()).map(|l| l.loc.clone())?;
                Some(EconomicRow {
                    code,
                    name,
                    personnel: self.amount(&row.personnel, diags),
                    public: self.amount(&row.public, diags),
                    loc,
                })
            })
            .collect();
        Economic { rows }
    }

    /// A 三公 row's amounts by fund.
    fn funds(&self, raw: &Option<schema::FundCells>, diags: &mut Diagnostics) -> Option<FundFacts> {
        raw.as_ref().map(|f| {
            FundFacts([
                self.amount(&f.general, diags),
                self.amount(&f.gov_fund, diags),
                self.amount(&f.state_capital, diags),
            ])
        })
    }

    /// `sangong.yaml`.
    pub(crate) fn sangong(&self, raw: schema::SangongFile, diags: &mut Diagnostics) -> Sangong {
        Sangong {
            abroad_teaching: self.funds(&raw.abroad_teaching, diags).unwrap_or_default(),
            abroad_other: self.funds(&raw.abroad_other, diags).unwrap_or_default(),
            car_purchase: self.funds(&raw.car_purchase, diags).unwrap_or_default(),
            car_running: self.funds(&raw.car_running, diags).unwrap_or_default(),
            reception: self.funds(&raw.reception, diags).unwrap_or_default(),
            meeting: self.funds(&raw.meeting, diags),
            training: self.funds(&raw.training, diags),
            declared_abroad: self.funds(&raw.abroad, diags),
            declared_car: self.funds(&raw.car, diags),
            declared_subtotal: self.funds(&raw.subtotal, diags),
            declared_total: self.funds(&raw.total, diags),
            loc: Some(Loc::file_start(&self.file)),
        }
    }

    /// `projects.yaml`.
    pub(crate) fn projects(&self, raw: schema::ProjectsFile, diags: &mut Diagnostics) -> Projects {
        let projects = raw.projects.iter().map(|p| self.project(p, diags)).collect();
        Projects {
            projects,
            loc: Loc::file_start(&self.file),
        }
    }

    /// One project of `projects.yaml`.
    fn project(&self, p: &schema::ProjectEntry, diags: &mut Diagnostics) -> Project {
        let function_code = p
            .function_code
            .as_ref()
            .and_then(|c| self.code(c, None, Kind::Function, diags));
        let (fiscal, other, declared_budget) = match &p.budget {
            Some(b) => (
                self.amount(&b.fiscal, diags),
                self.amount(&b.other, diags),
                self.amount(&b.total, diags),
            ),
            None => (None, None, None),
        };
        let spending_plan = p
            .spending_plan
            .as_ref()
            .map(|s| [&s.march, &s.june, &s.october, &s.december].map(|cell| self.percent(cell, diags)));
        Project {
            name: self.text(&p.name),
            code: self.opt_text(&p.code),
            unit: self.plain(&p.unit),
            function_code,
            fiscal,
            other,
            declared_budget,
            has_budget: p.budget.is_some(),
            use_of_funds: self.plain(&p.use_of_funds),
            spending_plan,
            goals: self.texts(&p.goals),
            indicators: self.indicators(&p.indicators, diags),
        }
    }

    /// The indicator rows of a project, empty first cells repeating the row above.
    fn indicators(&self, rows: &[schema::Spanned<Vec<Cell>>], diags: &mut Diagnostics) -> Vec<Indicator> {
        const CELLS: &str = "[一级指标, 二级指标, 三级指标, 绩效指标描述, 指标值, 指标值确定依据]";
        let mut level1 = String::new();
        let mut level2 = String::new();
        let mut out = Vec::new();
        for row in rows {
            let row_loc = Loc::at(&self.file, &row.referenced);
            if row.value.len() != 6 {
                diags.error(
                    "indicator-row",
                    row_loc,
                    format!("an indicator row has 6 cells {CELLS}; this one has {}", row.value.len()),
                );
                continue;
            }
            let cell = |i: usize| self.plain(&row.value[i]).unwrap_or_default();
            let (l1, l2) = (cell(0), cell(1));
            if !l1.is_empty() {
                level1 = l1;
            }
            if !l2.is_empty() {
                level2 = l2;
            }
            if level1.is_empty() || level2.is_empty() {
                diags.error(
                    "indicator-row",
                    row_loc.clone(),
                    "the first indicator row must name its 一级指标 and 二级指标 (later rows may leave them empty to repeat the row above)",
                );
            }
            let value = match &row.value[4] {
                Some(text) if !text.value.trim().is_empty() => self.text(text),
                _ => {
                    diags.warning(
                        "indicator-value",
                        row_loc.clone(),
                        format!("indicator `{}` has no 指标值", cell(2)),
                    );
                    Located {
                        value: String::new(),
                        loc: row_loc,
                    }
                }
            };
            out.push(Indicator {
                level1: level1.clone(),
                level2: level2.clone(),
                name: cell(2),
                description: cell(3),
                value,
                basis: cell(5),
            });
        }
        out
    }

    /// `procurement.yaml`.
    pub(crate) fn procurement(&self, raw: schema::ProcurementFile, diags: &mut Diagnostics) -> Procurement {
        let lines = raw
            .lines
            .iter()
            .map(|l| ProcurementLine {
                unit: self.plain(&l.unit),
                project: self.text(&l.project),
                declared_project_budget: self.amount(&l.project_budget, diags),
                item: self.text(&l.item).value,
                catalogue: self.text(&l.catalogue),
                measure: self.plain(&l.measure),
                quantity: self.number(&l.quantity, "quantity", diags),
                unit_price: self.amount(&l.unit_price, diags),
                funds: [
                    self.amount(&l.general, diags),
                    self.amount(&l.gov_fund, diags),
                    self.amount(&l.state_capital, diags),
                    self.amount(&l.special_account, diags),
                    self.amount(&l.unit_funds, diags),
                    self.amount(&l.carryover_appropriation, diags),
                    self.amount(&l.carryover_other, diags),
                ],
                small_firms: self.amount(&l.small_firms, diags),
                loc: self.loc(&l.item),
            })
            .collect();
        Procurement {
            note: self.plain(&raw.note),
            declared_total: self.amount(&raw.total, diags),
            declared_small_firms: self.amount(&raw.total_small_firms, diags),
            lines,
            loc: Loc::file_start(&self.file),
        }
    }

    /// `assets.yaml`.
    pub(crate) fn assets(&self, raw: schema::AssetsFile, diags: &mut Diagnostics) -> Assets {
        let mut line = |l: &Option<schema::AssetLine>| match l {
            Some(l) => AssetLine {
                quantity: self.number(&l.quantity, "quantity", diags),
                value: self.amount(&l.value, diags),
            },
            None => AssetLine::default(),
        };
        let lines = [
            line(&raw.buildings),
            line(&raw.office_buildings),
            line(&raw.vehicles),
            line(&raw.equipment),
            line(&raw.other),
        ];
        Assets {
            as_of: self.plain(&raw.as_of),
            declared_total: self.amount(&raw.total, diags),
            lines,
            declared_planned_purchase: self.amount(&raw.planned_purchase, diags),
            note: self.plain(&raw.note),
            loc: Loc::file_start(&self.file),
        }
    }

    /// `organisation.yaml`.
    pub(crate) fn organisation(&self, raw: schema::OrganisationFile, _diags: &mut Diagnostics) -> Vec<OrgUnit> {
        raw.units
            .iter()
            .map(|u| OrgUnit {
                code: self.plain(&u.code),
                name: self.text(&u.name).value,
                kind: self.plain(&u.kind),
                rank: self.plain(&u.rank),
                funding: self.plain(&u.funding),
            })
            .collect()
    }

    /// `prior.yaml`.
    pub(crate) fn prior(&self, raw: schema::PriorFile, diags: &mut Diagnostics) -> Prior {
        let s = raw.sangong.as_ref();
        let sg =
            |diags: &mut Diagnostics, f: fn(&schema::PriorSangong) -> &Cell| s.and_then(|s| self.amount(f(s), diags));
        Prior {
            year: self.year(&raw.year, diags).unwrap_or_default(),
            total: self.amount(&raw.total, diags),
            basic: self.amount(&raw.basic, diags),
            project: self.amount(&raw.project, diags),
            personnel: self.amount(&raw.personnel, diags),
            public: self.amount(&raw.public, diags),
            sangong_total: sg(diags, |s| &s.total),
            sangong_abroad: sg(diags, |s| &s.abroad),
            sangong_car_purchase: sg(diags, |s| &s.car_purchase),
            sangong_car_running: sg(diags, |s| &s.car_running),
            sangong_reception: sg(diags, |s| &s.reception),
            sangong_meeting: sg(diags, |s| &s.meeting),
            sangong_training: sg(diags, |s| &s.training),
        }
    }

    /// `narrative.yaml`.
    pub(crate) fn narrative(&self, raw: schema::NarrativeFile, _diags: &mut Diagnostics) -> Narrative {
        let reasons = raw.change_reasons.as_ref();
        let perf = raw.performance.as_ref();
        Narrative {
            preamble: self.texts(&raw.preamble),
            duties: self.texts(&raw.duties),
            overview: self.texts(&raw.overview),
            project_purposes: self.opt_text(&raw.project_purposes),
            change_reason_total: reasons.and_then(|r| self.opt_text(&r.total)),
            change_reason_basic: reasons.and_then(|r| self.opt_text(&r.basic)),
            change_reason_project: reasons.and_then(|r| self.opt_text(&r.project)),
            running_costs_use: self.opt_text(&raw.running_costs_use),
            sangong_change: self.opt_text(&raw.sangong_change),
            performance_overall: perf.map(|p| self.texts(&p.overall)).unwrap_or_default(),
            performance_sub_goals: perf
                .map(|p| {
                    p.sub_goals
                        .iter()
                        .map(|g| SubGoal {
                            title: self.text(&g.title),
                            goal: self.text(&g.goal),
                            indicators: self.text(&g.indicators),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            performance_safeguards: perf.map(|p| self.texts(&p.safeguards)).unwrap_or_default(),
            procurement_intro: self.opt_text(&raw.procurement_intro),
            glossary: raw
                .glossary
                .iter()
                .map(|g| (self.text(&g.term), self.text(&g.definition)))
                .collect(),
            other_matters: self.texts(&raw.other_matters),
        }
    }

    /// `corrections.yaml`.
    pub(crate) fn corrections(&self, raw: schema::CorrectionsFile, _diags: &mut Diagnostics) -> Vec<Correction> {
        raw.corrections
            .iter()
            .map(|c| Correction {
                date: self.text(&c.date).value,
                note: self.plain(&c.note),
                changes: c.changes.iter().map(|t| self.text(t).value).collect(),
            })
            .collect()
    }

    /// `published.yaml`.
    pub(crate) fn published(&self, raw: schema::PublishedFile, diags: &mut Diagnostics) -> Vec<PublishedCell> {
        raw.cells
            .iter()
            .filter_map(|c| {
                let table = self.text(&c.table);
                let Some(id) = gongkai_model::table::TableId::from_slug(&table.value) else {
                    diags
                        .error(
                            "published-cell",
                            table.loc.clone(),
                            format!("`{}` is not a table", table.value),
                        )
                        .help = Some(
                        "one of summary, revenue, expenditure, appropriation, general-budget, basic-economic, gov-fund, state-capital, sangong".into(),
                    );
                    return None;
                };
                let row = self.text(&c.row);
                Some(PublishedCell {
                    table: id,
                    column: self.text(&c.column).value,
                    value: self.amount(&c.value, diags),
                    loc: row.loc.clone(),
                    row: row.value,
                })
            })
            .collect()
    }
}

/// A 区划代码 the list does not know, or one that names another division
/// than `locality`, is a warning (a digit slipped, or a copied unit.yaml).
fn region_agrees(region: &Located<String>, locality: &str, diags: &mut Diagnostics) {
    use gongkai_model::regions;
    let Some(division) = regions::division(&region.value) else {
        diags
            .warning(
                "unit-region",
                region.loc.clone(),
                format!(
                    "`{}` is not in the list of 区划代码 ({})",
                    region.value,
                    regions::EDITION
                ),
            )
            .help = Some("check the digits against the 民政部 list; a code retired before 2019 is not in it".into());
        return;
    };
    if locality.is_empty() || regions::agrees(&region.value, locality) {
        return;
    }
    if let regions::Match::Found(named) = regions::find(locality) {
        diags
            .warning(
                "unit-region",
                region.loc.clone(),
                format!(
                    "region {} is {}, but locality `{locality}` is {} ({})",
                    region.value,
                    division.full_name(),
                    named.full_name(),
                    named.code()
                ),
            )
            .help = Some(format!(
            "if this is {}, write region: \"{}\"; otherwise correct `locality`",
            named.full_name(),
            named.code()
        ));
    }
}
