//! Where an imported department-year goes in a site: the folder of its
//! identity, `content/<identity path>` ([`Identity::path`]), unless the site
//! already keeps the same department-year elsewhere.
//!
//! Department codes are local (every county's people's congress office is
//! 101), so two departments of one year and code are told apart by their
//! region. The site's department-years of the same year, phase, code and
//! scope are compared with the import:
//!
//! - one with the same identity is the target: the import replaces it only
//!   with `--force`; if it is another department (another name) and no
//!   region tells the two apart, not even then — the message asks for
//!   `--region`;
//! - one of the same name without a region, where the import found one (or
//!   with a region, where the import found none), is the same department-year
//!   kept the site's way: the import follows the site ([`Place::Follow`]) —
//!   unless the region was given with `--region`, which would publish the
//!   department twice, and is refused.

use crate::content::{Imported, RegionFinding};
use gongkai_content::load;
use gongkai_model::identity::{Identity, Scope};
use std::path::{Path, PathBuf};

/// A department-year the site already holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Existing {
    /// Its folder.
    pub dir: PathBuf,
    /// Its identity, as its unit.yaml says.
    pub identity: Identity,
    /// Its name.
    pub name: String,
}

impl Existing {
    /// `` `content/2023/130208/101` holds 2023年 130208 101 唐山市丰润区… ``.
    fn describe(&self) -> String {
        format!("`{}` holds {} {}", self.dir.display(), self.identity, self.name)
    }
}

/// Where an import goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// Into this folder: new, or replacing `existing` (allowed: `--force`
    /// was given and it is the same department).
    Folder {
        /// The folder.
        dir: PathBuf,
        /// The department-year it replaces.
        existing: Option<Existing>,
    },
    /// The site keeps this department-year with another region, or
    /// without one: import it again with the site's region
    /// ([`RegionChoice::Site`](crate::RegionChoice::Site)), into its folder.
    Follow {
        /// The site's department-year.
        existing: Existing,
    },
}

/// Why an import is not written.
#[derive(Debug, thiserror::Error)]
pub enum PlaceError {
    /// The target holds this department-year already.
    #[error("{}, the department-year of this document; pass --force to replace it with the import", existing.describe())]
    Exists {
        /// The department-year there.
        existing: Box<Existing>,
    },
    /// The target holds another department of the same year and code, and
    /// no region tells them apart.
    #[error(
        "{}: another department than this document's {name}, with the same year and code, and no region tells the two apart: give this document's 区划代码 with --region{hint} so that both are kept (and add `region:` to the other's unit.yaml); --force does not replace another department (remove its folder first if that is meant)",
        existing.describe()
    )]
    AnotherDepartment {
        /// The department-year there.
        existing: Box<Existing>,
        /// The import's department name.
        name: String,
        /// The candidates the document's names fit, ` (e.g. 130532 …)`.
        hint: String,
    },
    /// The target holds a department of the same year, code and region
    /// under another name (a renamed department, or a slip).
    #[error(
        "{}: the same year, region and code under another name than this document's {name}; pass --force to replace it (a renamed department), or check the region and code",
        existing.describe()
    )]
    Renamed {
        /// The department-year there.
        existing: Box<Existing>,
        /// The import's department name.
        name: String,
    },
    /// `--region` was given, and the site keeps the same department-year
    /// without that region: it would be published twice.
    #[error(
        "{}, the same department-year without region {region}: with --region it would be published twice; add `region: \"{region}\"` to its unit.yaml and move it to `{target}` (then import with --force), or remove it",
        existing.describe()
    )]
    Twice {
        /// The site's department-year.
        existing: Box<Existing>,
        /// The region given.
        region: String,
        /// Where the import would go.
        target: PathBuf,
    },
    /// The content folder could not be read.
    #[error(transparent)]
    Load(#[from] load::LoadError),
}

/// Where `imported` goes in the site whose content folder is `content`.
/// `given` says whether its region was given with `--region` (the site's
/// way is then not followed); `force` allows replacing the same
/// department-year.
pub fn place(content: &Path, imported: &Imported, given: bool, force: bool) -> Result<Place, PlaceError> {
    let identity = &imported.identity;
    let target = content.join(identity.path());
    let site = namesakes(content, identity)?;
    let same_name = |e: &Existing| same(&e.name, &imported.name);
    // The same identity: in its own folder, or (a misfiled folder) elsewhere.
    let exact: Vec<&Existing> = site.iter().filter(|e| e.identity == *identity).collect();
    let here = exact
        .iter()
        .find(|e| e.dir == target)
        .or_else(|| exact.first())
        .copied();
    if let Some(existing) = here {
        let existing = existing.clone();
        if !same_name(&existing) {
            if identity.region.is_none() {
                return Err(PlaceError::AnotherDepartment {
                    hint: hint(&imported.region),
                    name: imported.name.clone(),
                    existing: Box::new(existing),
                });
            }
            if !force {
                return Err(PlaceError::Renamed {
                    existing: Box::new(existing),
                    name: imported.name.clone(),
                });
            }
        } else if !force {
            return Err(PlaceError::Exists {
                existing: Box::new(existing),
            });
        }
        return Ok(Place::Folder {
            dir: existing.dir.clone(),
            existing: Some(existing),
        });
    }
    // The same department kept with another region, or without one.
    let kept = site
        .iter()
        .find(|e| same_name(e) && (e.identity.region.is_none() || identity.region.is_none()));
    if let Some(existing) = kept {
        if given && let Some(region) = &identity.region {
            return Err(PlaceError::Twice {
                existing: Box::new(existing.clone()),
                region: region.clone(),
                target,
            });
        }
        return Ok(Place::Follow {
            existing: existing.clone(),
        });
    }
    Ok(Place::Folder {
        dir: target,
        existing: None,
    })
}

/// The site's department-years of the same year, phase, code and scope as
/// `identity`, whatever their region. Only folders named by the code (or
/// the unit's code) are read: a copy under another name is the pipeline's
/// `identity-duplicate`.
fn namesakes(content: &Path, identity: &Identity) -> Result<Vec<Existing>, load::LoadError> {
    if !content.is_dir() {
        return Ok(Vec::new());
    }
    let folder_name = match &identity.scope {
        Scope::Department => identity.code.as_str(),
        Scope::Unit(unit) => unit.as_str(),
    };
    let mut out = Vec::new();
    for dir in load::find_disclosures(content)? {
        if dir.file_name().and_then(|n| n.to_str()) != Some(folder_name) {
            continue;
        }
        let Some(unit) = load::peek_unit(&dir) else { continue };
        let other = unit.identity();
        if other.year == identity.year
            && other.phase == identity.phase
            && other.code == identity.code
            && other.scope == identity.scope
        {
            out.push(Existing {
                dir,
                identity: other,
                name: unit.name,
            });
        }
    }
    Ok(out)
}

/// Whether two department names are the same (white space aside).
fn same(a: &str, b: &str) -> bool {
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    squeeze(a) == squeeze(b)
}

/// ` (the document's names fit 110105 北京市朝阳区, 220104 …)` when they fit
/// several divisions.
fn hint(region: &RegionFinding) -> String {
    let codes: Vec<String> = match region {
        RegionFinding::Ambiguous { candidates, .. } => candidates.iter().map(|d| d.to_string()).collect(),
        RegionFinding::Conflict(named) => named.iter().map(|(d, _)| d.to_string()).collect(),
        _ => Vec::new(),
    };
    if codes.is_empty() {
        String::new()
    } else {
        format!(" (its names fit {})", codes.join("; "))
    }
}
