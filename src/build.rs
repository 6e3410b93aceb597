//! Writing a build: every output into a staging folder, then swapped in at
//! once, so a failed build never leaves a half-written `output/`.

use crate::Checked;
use crate::Error;
use crate::render::docx::{DocxMeta, markdown_to_docx};
use std::path::{Path, PathBuf};

/// A file to write, relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// The folder of one department-year inside the output: `<year>/<code>/`.
pub fn disclosure_dir(c: &Checked) -> PathBuf {
    PathBuf::from(c.disclosure.unit.year.to_string()).join(&c.disclosure.unit.code)
}

/// The files a build writes for the checked department-years: per
/// department-year the document as Markdown and as .docx.
pub fn outputs(checked: &[Checked]) -> Result<Vec<OutputFile>, Error> {
    let mut files = Vec::new();
    for c in checked {
        let Some(doc) = &c.document else { continue };
        let dir = disclosure_dir(c);
        let u = &c.disclosure.unit;
        let meta = DocxMeta {
            title: doc
                .markdown
                .lines()
                .next()
                .unwrap_or_default()
                .trim_start_matches("# ")
                .to_string(),
            author: u.name.clone(),
            // A fixed date keeps the package byte-identical between builds.
            created: format!("{}-01-01T00:00:00Z", u.year),
        };
        let docx = markdown_to_docx(&doc.markdown, &meta).map_err(|e| Error::Docx {
            path: dir.join("disclosure.docx"),
            message: e.to_string(),
        })?;
        files.push(OutputFile {
            path: dir.join("disclosure.md"),
            bytes: doc.markdown.clone().into_bytes(),
        });
        files.push(OutputFile {
            path: dir.join("disclosure.docx"),
            bytes: docx,
        });
    }
    Ok(files)
}

/// Every file of a site build: the documents, then the portal.
pub fn site_files(checked: &[Checked], content: &Path) -> Result<Vec<OutputFile>, Error> {
    let mut files = outputs(checked)?;
    files.extend(crate::portal::outputs(checked, content).map_err(|e| Error::Portal(e.to_string()))?);
    Ok(files)
}

/// The manifest of a build: each output file's content hash, so the next
/// build can tell what changed.
const MANIFEST: &str = ".gongkai-manifest";

/// FNV-1a 64: a stable content hash (the std hasher may change between releases).
pub fn content_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn read_manifest(output: &Path) -> std::collections::BTreeMap<String, u64> {
    std::fs::read_to_string(output.join(MANIFEST))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let (hash, path) = l.split_once(' ')?;
            Some((path.to_string(), u64::from_str_radix(hash, 16).ok()?))
        })
        .collect()
}

/// What a write did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteStats {
    /// Files written because they are new or changed.
    pub written: usize,
    /// Files carried over from the previous output unchanged (hard-linked).
    pub unchanged: usize,
    /// Files of the previous output that are gone.
    pub removed: usize,
}

/// A build being written: files go into a sibling staging folder, which
/// replaces the output at once on [`commit`](Staging::commit), so readers see
/// the old site or the new one, never a mix. Files whose content hash matches
/// the previous build's manifest are hard-linked from the old output instead
/// of written again (copied where links are not possible). Safe to share
/// between threads.
pub struct Staging {
    output: PathBuf,
    dir: PathBuf,
    old: PathBuf,
    previous: std::collections::BTreeMap<String, u64>,
    state: std::sync::Mutex<(std::collections::BTreeMap<String, u64>, WriteStats)>,
}

impl Staging {
    pub fn begin(output: &Path) -> Result<Staging, Error> {
        let parent = output
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = output
            .file_name()
            .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|source| Error::Write {
            path: dir.clone(),
            source,
        })?;
        Ok(Staging {
            output: output.to_path_buf(),
            dir,
            old,
            previous: read_manifest(output),
            state: Default::default(),
        })
    }

    /// Adds one file.
    pub fn put(&self, file: &OutputFile) -> Result<(), Error> {
        let key = file.path.to_string_lossy().replace('\\', "/");
        if key.is_empty() || key.starts_with('/') || key.split('/').any(|s| s == ".." || s.is_empty()) {
            return Err(Error::Portal(format!("refusing to write outside the output: {key}")));
        }
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Write { path, source }
        };
        let hash = content_hash(&file.bytes);
        let path = self.dir.join(&file.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        let before = self.output.join(&file.path);
        let same = self.previous.get(&key) == Some(&hash)
            && std::fs::metadata(&before).is_ok_and(|m| m.is_file() && m.len() == file.bytes.len() as u64);
        let kept = same && (std::fs::hard_link(&before, &path).is_ok() || std::fs::copy(&before, &path).is_ok());
        if !kept {
            std::fs::write(&path, &file.bytes).map_err(io(&path))?;
        }
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.0.insert(key, hash);
        if kept {
            state.1.unchanged += 1;
        } else {
            state.1.written += 1;
        }
        Ok(())
    }

    /// Writes the manifest and swaps the staging folder in for the output.
    pub fn commit(self) -> Result<WriteStats, Error> {
        let result = self.swap();
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
        result
    }

    fn swap(&self) -> Result<WriteStats, Error> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Write { path, source }
        };
        let (hashes, mut stats) = {
            let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            (state.0.clone(), state.1)
        };
        let manifest: String = hashes
            .iter()
            .map(|(key, hash)| format!("{hash:016x} {key}\n"))
            .collect();
        let manifest_path = self.dir.join(MANIFEST);
        std::fs::write(&manifest_path, manifest).map_err(io(&manifest_path))?;
        stats.removed = self.previous.keys().filter(|k| !hashes.contains_key(*k)).count();
        if self.output.exists() {
            std::fs::rename(&self.output, &self.old).map_err(io(&self.output))?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.output) {
            let _ = std::fs::rename(&self.old, &self.output);
            return Err(io(&self.output)(e));
        }
        let _ = std::fs::remove_dir_all(&self.old);
        Ok(stats)
    }

    /// Discards everything written; the output stays as it was.
    pub fn abandon(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Writes `files` into `output` atomically (see [`Staging`]).
pub fn write_atomically(output: &Path, files: &[OutputFile]) -> Result<WriteStats, Error> {
    let staging = Staging::begin(output)?;
    for file in files {
        if let Err(e) = staging.put(file) {
            staging.abandon();
            return Err(e);
        }
    }
    staging.commit()
}
