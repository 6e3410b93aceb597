//! A department-year folder written all or nothing: `import`, `new` and
//! `rollover` write every file into a hidden staging folder beside it
//! ([`staging_name`]) and rename that
//! into place in one step. When the folder exists (and `force` allows it),
//! the two are exchanged in one atomic rename (`renameat2(RENAME_EXCHANGE)`
//! on Linux; elsewhere the old folder is moved aside, the new one renamed
//! in, and the old one restored if that fails), and the old one is then
//! removed. A write that fails leaves the old folder exactly as it was and
//! removes what it staged; a process killed midway leaves the old folder
//! intact and a staging folder that the content search skips and reports
//! (`write-interrupted`). Nobody ever sees a folder with some of the new
//! files, or a file half written.
//!
//! What a replacement keeps: the folder becomes exactly the files written,
//! so its own files that are not among them (`sections/`, `corrections.yaml`,
//! a `published.yaml` of an earlier import, any other file) go with the old
//! folder, and are named in the result; without `force` a folder that holds
//! any file is refused, naming them. Sub-folders other than `sections/` are
//! not the department-year's own files (a 单位's department-year inside its
//! 部门's folder): they are carried into the new folder (hard links, copies
//! where links cannot be made) and never removed.

use crate::author::AuthorError;
use gongkai_content::load::staging_name;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// How a folder was written.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// An existing folder with files of its own was replaced.
    pub replaced: bool,
    /// Files of the replaced folder that the new one does not have: removed
    /// with it (relative paths, `/`-separated, sorted).
    pub dropped: Vec<String>,
    /// The old folder, when it could not be removed after the new one was
    /// renamed in (the content search skips and reports it).
    pub leftover: Option<PathBuf>,
}

/// The name of the folder holding the section texts (its files are the
/// department-year's own).
const SECTIONS: &str = "sections";

/// Writes `files` (relative paths → text) as the whole content of `dir`, all
/// or nothing (see the module documentation). An existing `dir` holding files
/// of its own is refused unless `force`.
pub fn write_folder(dir: &Path, files: &[(String, String)], force: bool) -> Result<Written, AuthorError> {
    write_folder_with(dir, files, force, &mut write_synced)
}

/// Writes a file and flushes it to the disk before the folder is renamed
/// into place.
fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// [`write_folder`] with the function that writes each file (tests make it
/// fail midway).
pub(crate) fn write_folder_with(
    dir: &Path,
    files: &[(String, String)],
    force: bool,
    put: &mut dyn FnMut(&Path, &[u8]) -> std::io::Result<()>,
) -> Result<Written, AuthorError> {
    for (name, _) in files {
        let path = Path::new(name);
        if name.is_empty() || !path.components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(AuthorError::Invalid(format!(
                "`{name}` is not a file name inside a department-year folder"
            )));
        }
    }
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| AuthorError::Io { path, source }
    };
    let (Some(parent), Some(name)) = (dir.parent(), dir.file_name().and_then(|n| n.to_str())) else {
        return Err(AuthorError::Invalid(format!(
            "`{}` cannot be a department-year folder",
            dir.display()
        )));
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let existing = match std::fs::symlink_metadata(dir) {
        Ok(meta) if meta.is_dir() => Some(holdings(dir).map_err(io(dir))?),
        Ok(_) => {
            return Err(AuthorError::Invalid(format!(
                "`{}` exists and is not a folder",
                dir.display()
            )));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io(dir)(e)),
    };
    if let Some(held) = &existing
        && !held.own.is_empty()
        && !force
    {
        return Err(AuthorError::Exists {
            dir: dir.to_path_buf(),
            holds: held.own.clone(),
        });
    }
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    let staging = parent.join(staging_name(name, &unique()));
    std::fs::create_dir(&staging).map_err(io(&staging))?;
    let staged = stage(&staging, dir, files, existing.as_ref(), put);
    if let Err(e) = staged {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    sync_dir(&staging);
    let Some(held) = existing else {
        if let Err(e) = std::fs::rename(&staging, dir) {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(io(dir)(e));
        }
        sync_dir(parent);
        return Ok(Written::default());
    };
    if let Err(e) = swap(&staging, dir, parent, name) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(io(dir)(e));
    }
    sync_dir(parent);
    // `staging` now holds the old folder.
    let leftover = std::fs::remove_dir_all(&staging).err().map(|_| staging);
    let written: std::collections::BTreeSet<String> = files.iter().map(|(n, _)| n.replace('\\', "/")).collect();
    Ok(Written {
        replaced: !held.own.is_empty(),
        dropped: held.own.into_iter().filter(|f| !written.contains(f)).collect(),
        leftover,
    })
}

/// What an existing department-year folder holds.
struct Holdings {
    /// Its own files (relative, `/`-separated, sorted): those directly in it
    /// and those in `sections/`.
    own: Vec<String>,
    /// Its other sub-folders (carried into the new folder).
    nested: Vec<PathBuf>,
}

/// Lists what `dir` holds.
fn holdings(dir: &Path) -> std::io::Result<Holdings> {
    let mut own = Vec::new();
    let mut nested = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_dir() {
            if name == SECTIONS {
                for file in walk(&entry.path())? {
                    if let Ok(rel) = file.strip_prefix(dir) {
                        own.push(rel.to_string_lossy().replace('\\', "/"));
                    }
                }
            } else {
                nested.push(entry.path());
            }
        } else {
            own.push(name);
        }
    }
    own.sort();
    nested.sort();
    Ok(Holdings { own, nested })
}

/// Every file below `dir` (not folders).
fn walk(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d)? {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                todo.push(entry.path());
            } else {
                out.push(entry.path());
            }
        }
    }
    Ok(out)
}

/// Writes the files into `staging` and carries the old folder's nested
/// folders into it.
fn stage(
    staging: &Path,
    dir: &Path,
    files: &[(String, String)],
    existing: Option<&Holdings>,
    put: &mut dyn FnMut(&Path, &[u8]) -> std::io::Result<()>,
) -> Result<(), AuthorError> {
    for (name, text) in files {
        let path = staging.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| AuthorError::Io {
                path: dir.join(name),
                source,
            })?;
        }
        put(&path, text.as_bytes()).map_err(|source| AuthorError::Io {
            path: dir.join(name),
            source,
        })?;
    }
    for nested in existing.map_or(&[][..], |h| h.nested.as_slice()) {
        let Some(name) = nested.file_name() else { continue };
        link_tree(nested, &staging.join(name)).map_err(|source| AuthorError::Io {
            path: nested.clone(),
            source,
        })?;
    }
    Ok(())
}

/// Recreates the tree `from` at `to`, files hard-linked (copied where the
/// file system cannot link them), so `from` stays as it is.
fn link_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            link_tree(&entry.path(), &target)?;
        } else if std::fs::hard_link(entry.path(), &target).is_err() {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Puts the staged folder in the place of `dir`, and `dir`'s old content
/// at `staging`: one atomic exchange where the system has it; else the old
/// folder is moved aside, the new one renamed in (the old one moved back if
/// that fails), and the old one moved to `staging`.
fn swap(staging: &Path, dir: &Path, parent: &Path, name: &str) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, staging, CWD, dir, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            // Not supported by this file system: fall back.
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => return Err(e.into()),
        }
    }
    let aside = parent.join(staging_name(name, &format!("{}-old", unique())));
    std::fs::rename(dir, &aside)?;
    if let Err(e) = std::fs::rename(staging, dir) {
        std::fs::rename(&aside, dir)?;
        return Err(e);
    }
    std::fs::rename(&aside, staging)
}

/// Flushes a folder's entries to the disk (best effort: not every system
/// can open a folder for that).
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// A part of a staging folder's name no other write uses at the same time:
/// the process and a counter.
fn unique() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    format!("{}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh scratch folder.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("gongkai-folder-{name}-{}", unique()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch");
        dir
    }

    fn files(tag: &str) -> Vec<(String, String)> {
        ["unit.yaml", "functions.yaml", "projects.yaml", "narrative.yaml"]
            .iter()
            .map(|n| (n.to_string(), format!("# {tag} {n}\n")))
            .collect()
    }

    /// Every file below `dir` with its text, sorted.
    fn tree(dir: &Path) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = walk(dir)
            .expect("walk")
            .into_iter()
            .map(|p| {
                (
                    p.strip_prefix(dir).expect("inside").to_string_lossy().into_owned(),
                    std::fs::read_to_string(&p).expect("text"),
                )
            })
            .collect();
        out.sort();
        out
    }

    /// The entries of a folder, sorted.
    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_new_folder_appears_whole_and_nothing_is_left_beside_it() {
        let root = scratch("new");
        let dir = root.join("2023/101");
        let written = write_folder(&dir, &files("new"), false).expect("written");
        assert_eq!(written, Written::default());
        assert_eq!(tree(&dir), {
            let mut f = files("new");
            f.sort();
            f
        });
        assert_eq!(entries(&root.join("2023")), ["101"]);
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn an_existing_folder_is_refused_without_force_and_left_alone() {
        let root = scratch("refuse");
        let dir = root.join("101");
        write_folder(&dir, &files("old"), false).expect("first");
        std::fs::create_dir_all(dir.join("sections")).expect("sections");
        std::fs::write(dir.join("sections/duties.md"), "mine").expect("section");
        let before = tree(&dir);
        match write_folder(&dir, &files("new"), false) {
            Err(AuthorError::Exists { holds, .. }) => {
                assert!(holds.contains(&"sections/duties.md".to_string()), "{holds:?}");
                assert!(holds.contains(&"unit.yaml".to_string()), "{holds:?}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(tree(&dir), before);
        assert_eq!(entries(&root), ["101"]);
        // An empty folder is no obstacle.
        let empty = root.join("102");
        std::fs::create_dir_all(&empty).expect("empty");
        write_folder(&empty, &files("new"), false).expect("into an empty folder");
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn force_replaces_the_whole_folder_names_what_goes_and_keeps_nested_department_years() {
        let root = scratch("force");
        let dir = root.join("101");
        write_folder(&dir, &files("old"), false).expect("first");
        std::fs::write(dir.join("corrections.yaml"), "corrections: []\n").expect("extra");
        std::fs::create_dir_all(dir.join("101001")).expect("unit folder");
        std::fs::write(dir.join("101001/unit.yaml"), "code: \"101\"\n").expect("unit's unit.yaml");
        let mut new = files("new");
        new.truncate(2);
        let written = write_folder(&dir, &new, true).expect("replaced");
        assert!(written.replaced);
        assert_eq!(written.dropped, ["corrections.yaml", "narrative.yaml", "projects.yaml"]);
        assert_eq!(written.leftover, None);
        let mut expected = new.clone();
        expected.push(("101001/unit.yaml".into(), "code: \"101\"\n".into()));
        expected.sort();
        assert_eq!(tree(&dir), expected);
        assert_eq!(entries(&root), ["101"]);
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn a_write_that_fails_midway_leaves_the_old_folder_exactly_as_it_was() {
        let root = scratch("fail");
        let dir = root.join("101");
        write_folder(&dir, &files("old"), false).expect("first");
        let before = tree(&dir);
        let mut count = 0;
        let mut failing = |path: &Path, bytes: &[u8]| {
            count += 1;
            if count == 3 {
                // Half a file, then the disk is full.
                std::fs::write(path, &bytes[..bytes.len() / 2])?;
                return Err(std::io::Error::other("no space left on device"));
            }
            std::fs::write(path, bytes)
        };
        let result = write_folder_with(&dir, &files("new"), true, &mut failing);
        match result {
            Err(AuthorError::Io { path, .. }) => assert!(path.ends_with("projects.yaml"), "{}", path.display()),
            other => panic!("{other:?}"),
        }
        assert_eq!(tree(&dir), before, "the old folder is untouched");
        assert_eq!(entries(&root), ["101"], "nothing staged is left");
        // And a new folder that fails is not there at all.
        let mut count = 0;
        let mut failing = |path: &Path, bytes: &[u8]| {
            count += 1;
            if count == 2 {
                return Err(std::io::Error::other("no space left on device"));
            }
            std::fs::write(path, bytes)
        };
        assert!(write_folder_with(&root.join("102"), &files("new"), false, &mut failing).is_err());
        assert_eq!(entries(&root), ["101"]);
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn the_staging_folder_is_not_content_and_names_outside_the_folder_are_refused() {
        let staging = staging_name("101", &unique());
        assert!(gongkai_content::load::is_staging(std::ffi::OsStr::new(&staging)));
        assert!(!gongkai_content::load::is_staging(std::ffi::OsStr::new("101")));
        let root = scratch("names");
        for bad in ["../x.yaml", "/etc/passwd", ""] {
            let result = write_folder(&root.join("101"), &[(bad.to_string(), String::new())], false);
            assert!(matches!(result, Err(AuthorError::Invalid(_))), "{bad}: {result:?}");
        }
        assert!(entries(&root).is_empty());
        let _ = std::fs::remove_dir_all(&root);
    }
}
