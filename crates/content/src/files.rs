//! The files of a department-year, declared once.
//!
//! Each content file is declared here and nowhere else: its name, whether a
//! department-year must have it, its schema type, how it is loaded into the
//! model, how it is written from the model (`rollover`) and what `new`
//! writes for it. The loader, the fast front end's differential check,
//! `new`, `rollover`, the importer, the fuzz targets and the tests all go
//! through [`FILES`], in its order.
//!
//! A new file is its schema type (in [`crate::schema`]), its model type and
//! the field of [`Disclosure`] that holds it (with its empty value in
//! [`Disclosure::new`]), its conversion (`convert`), its writer (in
//! [`crate::write`]), and here an implementation of the private `Yaml`
//! trait and an entry of [`FILES`].

use crate::convert::FileCtx;
use crate::fast::{self, Comparison};
use crate::load::{HasAmountUnit, Loader};
use crate::{scaffold, schema, write};
use gongkai_model::diag::Diagnostics;
use gongkai_model::disclosure::{Disclosure, Unit};
use serde::de::DeserializeOwned;
use std::any::Any;
use std::fmt;

/// One file of a department-year folder (or, for [`SECTIONS`], the folder
/// of the section texts).
#[derive(Clone, Copy)]
pub struct ContentFile {
    /// Its name in the department-year folder (`functions.yaml`;
    /// `sections/` for the section texts).
    pub name: &'static str,
    /// Whether a department-year must have it: only `unit.yaml`, whose
    /// presence makes a folder a department-year.
    pub required: bool,
    /// Whether `rollover` carries this year's figures over in it as drafts
    /// to edit (and says so at its head).
    pub drafted: bool,
    /// How the loader reads it into the disclosure; `None` for `unit.yaml`,
    /// which [`load`](crate::load::load) reads first: it gives the unit and
    /// the code lists every other file is read with.
    pub(crate) load: Option<fn(&mut Loader<'_>, &mut Disclosure)>,
    /// Its schema type, for a YAML file.
    schema: Option<Schema>,
    /// Its files as written from a disclosure: none when the disclosure
    /// lacks the part.
    write: fn(&Disclosure) -> Vec<(String, String)>,
    /// What `new` writes for it, if anything.
    scaffold: fn(&Unit) -> Option<String>,
}

/// Which YAML front end [`ContentFile::parse`] uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Front {
    /// The fast front end ([`crate::fast`]).
    Fast,
    /// serde-saphyr, as the loader calls it.
    Saphyr,
}

/// A file parsed as its schema type (type-erased), or why it was not.
pub type Parsed = Result<Box<dyn Any>, String>;

/// What is done with a YAML file's schema type, type-erased.
#[derive(Clone, Copy)]
struct Schema {
    compare: fn(&str) -> Comparison,
    parse: fn(&str, Front) -> Parsed,
}

impl Schema {
    /// What is done with schema type `T`.
    const fn of<T: DeserializeOwned + fmt::Debug + 'static>() -> Schema {
        Schema {
            compare: fast::compare::<T>,
            parse: parse::<T>,
        }
    }
}

/// Parses `text` as `T` with `front`.
fn parse<T: DeserializeOwned + 'static>(text: &str, front: Front) -> Parsed {
    match front {
        Front::Fast => fast::from_str::<T>(text)
            .map(|v| Box::new(v) as Box<dyn Any>)
            .map_err(|e| e.to_string()),
        Front::Saphyr => {
            let options = serde_saphyr::options! { with_snippet: false };
            serde_saphyr::from_str_with_options::<T>(text, options)
                .map(|v| Box::new(v) as Box<dyn Any>)
                .map_err(|e| e.to_string())
        }
    }
}

impl ContentFile {
    /// Whether it is one YAML file (every file but [`SECTIONS`]).
    pub fn is_yaml(&self) -> bool {
        self.schema.is_some()
    }

    /// Its files as written from `d` (`rollover`): none when `d` lacks
    /// the part, one per section text for [`SECTIONS`].
    pub fn write(&self, d: &Disclosure) -> Vec<(String, String)> {
        (self.write)(d)
    }

    /// What `new` writes for it for `unit`, if anything.
    pub fn scaffold(&self, unit: &Unit) -> Option<String> {
        (self.scaffold)(unit)
    }

    /// For the differential test and the `load_fast` fuzz target: reads
    /// `text` as this file with the fast front end and, when it accepts,
    /// with serde-saphyr, and compares the two ([`fast::compare`]); `None`
    /// for [`SECTIONS`].
    pub fn compare_fast(&self, text: &str) -> Option<Comparison> {
        self.schema.map(|s| (s.compare)(text))
    }

    /// Parses `text` as this file's schema type with one front end (for
    /// timing them); `None` for [`SECTIONS`].
    pub fn parse(&self, text: &str, front: Front) -> Option<Parsed> {
        self.schema.map(|s| (s.parse)(text, front))
    }

    /// The declaration of YAML file `F`.
    const fn yaml<F: Yaml>() -> ContentFile {
        ContentFile {
            name: F::NAME,
            required: false,
            drafted: F::DRAFTED,
            load: Some(load_yaml::<F>),
            schema: Some(Schema::of::<F::Schema>()),
            write: write_yaml::<F>,
            scaffold: F::scaffold,
        }
    }
}

impl fmt::Debug for ContentFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContentFile")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// A YAML file that holds a part of the disclosure.
trait Yaml {
    /// Its name in the folder.
    const NAME: &'static str;
    /// See [`ContentFile::drafted`].
    const DRAFTED: bool = false;
    /// Its schema type.
    type Schema: DeserializeOwned + fmt::Debug + HasAmountUnit + 'static;
    /// Converts the parsed file into its part of `into`.
    fn load(ctx: &FileCtx<'_>, raw: Self::Schema, diags: &mut Diagnostics, into: &mut Disclosure);
    /// Its text, when `d` has this part.
    fn write(d: &Disclosure) -> Option<String>;
    /// What `new` writes for it.
    fn scaffold(_unit: &Unit) -> Option<String> {
        None
    }
}

/// Reads YAML file `F` into its part of the disclosure (when it is there).
fn load_yaml<F: Yaml>(loader: &mut Loader<'_>, into: &mut Disclosure) {
    loader.yaml::<F::Schema, ()>(F::NAME, |ctx, raw, diags| F::load(ctx, raw, diags, into));
}

/// YAML file `F` as written from `d`, when `d` has its part.
fn write_yaml<F: Yaml>(d: &Disclosure) -> Vec<(String, String)> {
    F::write(d)
        .map(|text| (F::NAME.to_string(), text))
        .into_iter()
        .collect()
}

/// `unit.yaml`: who publishes, for which year, in which unit. Required.
pub const UNIT: ContentFile = ContentFile {
    name: "unit.yaml",
    required: true,
    drafted: false,
    load: None,
    schema: Some(Schema::of::<schema::UnitFile>()),
    write: |d| vec![(UNIT.name.to_string(), write::unit(&d.unit))],
    scaffold: |unit| Some(write::unit(unit)),
};

/// `functions.yaml`.
struct FunctionsYaml;
impl Yaml for FunctionsYaml {
    const NAME: &'static str = "functions.yaml";
    const DRAFTED: bool = true;
    type Schema = schema::FunctionsFile;
    fn load(ctx: &FileCtx<'_>, raw: Self::Schema, diags: &mut Diagnostics, into: &mut Disclosure) {
        into.functions = Some(ctx.functions(raw, diags));
    }
    fn write(d: &Disclosure) -> Option<String> {
        d.functions.as_ref().map(|f| write::functions(f, d.unit.amount_unit))
    }
    fn scaffold(_: &Unit) -> Option<String> {
        Some(scaffold::FUNCTIONS.into())
    }
}
/// `functions.yaml`: expenditure by function code × source × type.
pub const FUNCTIONS: ContentFile = ContentFile::yaml::<FunctionsYaml>();

/// `economic.yaml`.
struct EconomicYaml;
impl Yaml for EconomicYaml {
    const NAME: &'static str = "economic.yaml";
    const DRAFTED: bool = true;
    type Schema = schema::EconomicFile;
    fn load(ctx: &FileCtx<'_>, raw: Self::Schema, diags: &mut Diagnostics, into: &mut Disclosure) {
        into.economic = Some(ctx.economic(raw, diags));
    }
    fn write(d: &Disclosure) -> Option<String> {
        d.economic.as_ref().map(|e| write::economic(e, d.unit.amount_unit))
    }
    fn scaffold(_: &Unit) -> Option<String> {
        Some(scaffold::ECONOMIC.into())
    }
}
/// `economic.yaml`: basic expenditure by economic code (table 6).
pub const ECONOMIC: ContentFile = ContentFile::yaml::<EconomicYaml>();

/// `sangong.yaml`.
struct SangongYaml;
impl Yaml for SangongYaml {
    const NAME: &'static str = "sangong.yaml";
    const DRAFTED: bool = true;
    type Schema = schema::SangongFile;
    fn load(ctx: &FileCtx<'_>, raw: Self::Schema, diags: &mut Diagnostics, into: &mut Disclosure) {
        into.sangong = Some(ctx.sangong(raw, diags));
    }
    fn write(d: &Disclosure) -> Option<String> {
        d.sangong.as_ref().map(|s| write::sangong(s, d.unit.amount_unit))
    }
    fn scaffold(_: &Unit) -> Option<String> {
        Some(scaffold::SANGONG.into())
    }
}
/// `sangong.yaml`: 三公 by item and fund (table 9).
pub const SANGONG: ContentFile = ContentFile::yaml::<SangongYaml>();

/// `projects.yaml`.
struct ProjectsYaml;
impl Yaml for ProjectsYaml {
    const NAME: &'static str = "projects.yaml";
    const DRAFTED: bool = true;
    type Schema = schema::ProjectsFile;
    fn load(ctx: &FileCtx<'_>, raw: Self::Schema, diags: &mut Diagnostics, into: &mut Disclosure) {
        into.projects = Some(ctx.projects(raw, diags));
    }
    fn write(d: &Disclosure) -> Option<String> {
        d.projects.as_ref().map(|p| write::projects(p, d.unit.amount_unit))
    }
    fn scaffold(_: &Unit) -> Option<String> {
        Some(scaffold::PROJECTS.into())
    }
}
/// `projects.yaml`: projects, budgets, spending plans, performance targets.
pub const PROJECTS: ContentFile = ContentFile::yaml::<ProjectsYaml>();

/// `procurement.yaml`.
struct ProcurementYaml;
impl Yaml for ProcurementYaml {
    const NAME: &'static str = "procurement.yaml";
    const DRAFTED: bool = true;
    type Schema = schema::ProcurementFile;
    fn load(ctx: &FileCtx<'_>, raw: Self::Schema, diags: &mut Diagnostics, into: &mut Disclosure) {
        into.procurement = Some(ctx.procurement(raw, diags));
    }
    fn write(d: &Disclosure) -> Option<String> {
        d.procurement
            .as_ref()
            .map(|p| write::procurement(p, d.unit.amount_unit))
    }
    fn scaffold(_: &Unit) -> Option<String> {
        Some(scaffold::PROCUREMENT.into())
    }
}
/// `procurement.yaml`: government procurement lines.
pub const PROCUREMENT: ContentFile = ContentFile::yaml::<ProcurementYaml>();

/// `assets.yaml`.
struct AssetsYaml;
impl Yaml for AssetsYaml {
    const NAME: &'static str = "assets.yaml";
    const DRAFTED: bool = true;
    type Schema = schema::AssetsFile;
    fn load(ctx: &FileCtx<'_>, raw: Self::Schema, diags: &mut Diagnostics, into: &mut Disclosure) {
        into.assets = Some(ctx.assets(raw, diags));
    }
    fn write(d: &Disclosure) -> Option<String> {
        d.assets.as_ref().map(|a| write::assets(a, d.unit.amount_unit))
    }
    fn scaffold(unit: &Unit) -> Option<String> {
        Some(scaffold::assets(unit))
    }
}
/// `assets.yaml`: fixed assets at the end of last year.
pub const ASSETS: ContentFile = ContentFile::yaml::<AssetsYaml>();

/// `organisation.yaml`.
struct OrganisationYaml;
impl Yaml for OrganisationYaml {
    const NAME: &'static str = "organisation.yaml";
    type Schema = schema::OrganisationFile;
    fn load(ctx: &FileCtx<'_>, raw: Self::Schema, diags: &mut Diagnostics, into: &mut Disclosure) {
        into.organisation = ctx.organisation(raw, diags);
    }
    fn write(d: &Disclosure) -> Option<String> {
        (!d.organisation.is_empty()).then(|| write::organisation(&d.organisation))
    }
    fn scaffold(unit: &Unit) -> Option<String> {
        Some(scaffold::organisation(unit))
    }
}
/// `organisation.yaml`: the 机构设置 table.
pub const ORGANISATION: ContentFile = ContentFile::yaml::<OrganisationYaml>();

/// `prior.yaml`.
struct PriorYaml;
impl Yaml for PriorYaml {
    const NAME: &'static str = "prior.yaml";
    type Schema = schema::PriorFile;
    fn load(ctx: &FileCtx<'_>, raw: Self::Schema, diags: &mut Diagnostics, into: &mut Disclosure) {
        into.prior = Some(ctx.prior(raw, diags));
    }
    fn write(d: &Disclosure) -> Option<String> {
        d.prior.as_ref().map(|p| write::prior(p, d.unit.amount_unit))
    }
    fn scaffold(unit: &Unit) -> Option<String> {
        Some(scaffold::prior(unit))
    }
}
/// `prior.yaml`: last year's figures for the year-on-year sentences.
pub const PRIOR: ContentFile = ContentFile::yaml::<PriorYaml>();

/// `narrative.yaml`.
struct NarrativeYaml;
impl Yaml for NarrativeYaml {
    const NAME: &'static str = "narrative.yaml";
    type Schema = schema::NarrativeFile;
    fn load(ctx: &FileCtx<'_>, raw: Self::Schema, diags: &mut Diagnostics, into: &mut Disclosure) {
        into.narrative = ctx.narrative(raw, diags);
    }
    fn write(d: &Disclosure) -> Option<String> {
        Some(write::narrative(&d.narrative))
    }
    fn scaffold(_: &Unit) -> Option<String> {
        Some(scaffold::NARRATIVE.into())
    }
}
/// `narrative.yaml`: the explanatory texts that are not figures.
pub const NARRATIVE: ContentFile = ContentFile::yaml::<NarrativeYaml>();

/// `corrections.yaml`.
struct CorrectionsYaml;
impl Yaml for CorrectionsYaml {
    const NAME: &'static str = "corrections.yaml";
    type Schema = schema::CorrectionsFile;
    fn load(ctx: &FileCtx<'_>, raw: Self::Schema, diags: &mut Diagnostics, into: &mut Disclosure) {
        into.corrections = ctx.corrections(raw, diags);
    }
    fn write(d: &Disclosure) -> Option<String> {
        (!d.corrections.is_empty()).then(|| write::corrections(&d.corrections))
    }
}
/// `corrections.yaml`: the 更正说明 of a republished disclosure.
pub const CORRECTIONS: ContentFile = ContentFile::yaml::<CorrectionsYaml>();

/// `published.yaml`.
struct PublishedYaml;
impl Yaml for PublishedYaml {
    const NAME: &'static str = "published.yaml";
    type Schema = schema::PublishedFile;
    fn load(ctx: &FileCtx<'_>, raw: Self::Schema, diags: &mut Diagnostics, into: &mut Disclosure) {
        into.published = ctx.published(raw, diags);
    }
    fn write(d: &Disclosure) -> Option<String> {
        (!d.published.is_empty()).then(|| write::published(&d.published, d.unit.amount_unit))
    }
}
/// `published.yaml`: cells as the published document printed them where
/// its tables disagree with the derived ones (written by `import`).
pub const PUBLISHED: ContentFile = ContentFile::yaml::<PublishedYaml>();

/// The folder of the author's section texts, `sections/<id>.md` (Markdown,
/// figures as `{{ fact }}` references).
pub const SECTIONS: ContentFile = ContentFile {
    name: "sections/",
    required: false,
    drafted: false,
    load: Some(|loader, into| into.sections = loader.sections()),
    schema: None,
    write: |d| {
        d.sections
            .iter()
            .map(|(id, text)| (section_path(id), text.value.clone()))
            .collect()
    },
    scaffold: |_| None,
};

/// The name of the folder of section texts.
pub(crate) const SECTIONS_DIR: &str = "sections";

/// The path of section `id`'s text in a department-year folder: `sections/<id>.md`.
pub(crate) fn section_path(id: &str) -> String {
    format!("{SECTIONS_DIR}/{id}.md")
}

/// Every file of a department-year, in the order they are loaded, written
/// and listed.
pub const FILES: [ContentFile; 13] = [
    UNIT,
    FUNCTIONS,
    ECONOMIC,
    SANGONG,
    PROJECTS,
    PROCUREMENT,
    ASSETS,
    ORGANISATION,
    PRIOR,
    NARRATIVE,
    PUBLISHED,
    CORRECTIONS,
    SECTIONS,
];

/// The declared file called `name` (`functions.yaml`, `sections/`).
pub fn by_name(name: &str) -> Option<&'static ContentFile> {
    FILES.iter().find(|f| f.name == name)
}

/// The declared file a misnamed one was meant to be: `Assets.yaml`,
/// `assets.yml`, `assets.yaml.txt` (Notepad), `assets .yaml`, `asset.yaml`
/// all mean `assets.yaml`. `None` for a declared name itself and for a name
/// nothing like one.
pub fn meant(name: &str) -> Option<&'static ContentFile> {
    if by_name(name).is_some() {
        return None;
    }
    let lower = name.trim().to_lowercase();
    let lower = lower.strip_suffix(".txt").unwrap_or(&lower).trim();
    let stem = lower
        .strip_suffix(".yaml")
        .or_else(|| lower.strip_suffix(".yml"))
        .or_else(|| lower.strip_suffix(".yam"))?
        .trim();
    yaml_files().find(|f| {
        let declared = f.name.trim_end_matches(".yaml");
        stem == declared || gongkai_model::diag::closest(stem, &[declared]).is_some()
    })
}

/// The YAML files, in [`FILES`] order.
pub fn yaml_files() -> impl Iterator<Item = &'static ContentFile> {
    FILES.iter().filter(|f| f.is_yaml())
}

/// Every file of `d` as written from the model (`rollover` writes a
/// draft this way).
pub fn write_all(d: &Disclosure) -> Vec<(String, String)> {
    FILES.iter().flat_map(|f| f.write(d)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_unit_yaml_comes_first() {
        let names: std::collections::BTreeSet<&str> = FILES.iter().map(|f| f.name).collect();
        assert_eq!(names.len(), FILES.len());
        assert_eq!(FILES[0].name, "unit.yaml");
        assert!(FILES.iter().all(|f| f.required == (f.name == "unit.yaml")));
        assert!(FILES.iter().all(|f| f.load.is_some() != f.required));
        assert_eq!(by_name("sections/").map(|f| f.is_yaml()), Some(false));
        assert_eq!(yaml_files().count(), FILES.len() - 1);
    }
}
