//! Writing a build: every output into a staging folder, then swapped in at
//! once, so a failed build never leaves a half-written `output/`.

use crate::Error;
use gongkai_render::output::{BuiltFile, OutputFile, content_hash};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The manifest of a build: each output file's content hash, so the next
/// build can tell what changed.
const MANIFEST: &str = ".gongkai-manifest";

/// The list of a build's department-years (`address<TAB>name` per line), so
/// the next build can name those that are gone.
pub const PUBLISHED: &str = ".gongkai-published";

/// The lengths of regular files below `root` (`None`: missing or not a
/// file), statted relative to their folder: one path lookup per folder
/// rather than per file, which is most of the cost at 100,000 files.
fn lengths<'a>(root: &Path, files: impl Iterator<Item = &'a BuiltFile>) -> Vec<Option<u64>> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{AtFlags, FileType, Mode, OFlags, openat, statat};
        let mut out = Vec::new();
        let mut open: Option<(&str, Option<rustix::fd::OwnedFd>)> = None;
        for f in files {
            let (parent, name) = f.path.rsplit_once('/').unwrap_or(("", &f.path));
            if open.as_ref().is_none_or(|(p, _)| *p != parent) {
                let dir = root.join(parent);
                let fd = openat(
                    rustix::fs::CWD,
                    &dir,
                    OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
                    Mode::empty(),
                )
                .ok();
                open = Some((parent, fd));
            }
            let len = open
                .as_ref()
                .and_then(|(_, fd)| fd.as_ref())
                .and_then(|fd| statat(fd, name, AtFlags::SYMLINK_NOFOLLOW).ok())
                .filter(|st| FileType::from_raw_mode(st.st_mode) == FileType::RegularFile)
                .map(|st| st.st_size as u64);
            out.push(len);
        }
        out
    }
    #[cfg(not(target_os = "linux"))]
    {
        files
            .map(|f| {
                std::fs::symlink_metadata(root.join(&f.path))
                    .ok()
                    .filter(|m| m.is_file())
                    .map(|m| m.len())
            })
            .collect()
    }
}

/// Rewrites `path` in place when it is a file no other generation shares
/// (one link), keeping its inode: removing and creating files makes the
/// file system free and allocate inodes, which on some (ext4 without a
/// journal, where recently freed inodes are skipped one by one) costs more
/// than writing the bytes. `false` when the file is absent or shared.
#[cfg(unix)]
fn overwrite_in_place(path: &Path, bytes: &[u8]) -> std::io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() && meta.nlink() == 1 => {
            std::fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(path)?
                .write_all(bytes)?;
            Ok(true)
        }
        Ok(_) => Ok(false),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(not(unix))]
fn overwrite_in_place(_: &Path, _: &[u8]) -> std::io::Result<bool> {
    Ok(false)
}

/// The path a chain of symbolic links at `path` ends in (`path` itself when
/// it is not a link). A link to a folder that does not exist yet names where
/// the first build goes.
fn behind_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut path = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&path)?;
                path = match path.parent() {
                    Some(parent) if target.is_relative() => parent.join(target),
                    _ => target,
                };
            }
            Ok(meta) if !meta.is_dir() => {
                return Err(std::io::Error::other(
                    "the output is a file, not a folder: name a folder (or a link to one)",
                ));
            }
            _ => return Ok(path),
        }
    }
    Err(std::io::Error::other("the output is a loop of symbolic links"))
}

/// Turns an I/O error on `path` into a build error naming it.
fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.to_path_buf();
    move |source| Error::Write { path, source }
}

fn read_manifest(output: &Path) -> BTreeMap<String, u64> {
    parse_manifest(&std::fs::read_to_string(output.join(MANIFEST)).unwrap_or_default())
}

fn parse_manifest(text: &str) -> BTreeMap<String, u64> {
    text.lines()
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
    /// Files carried over from the previous output unchanged.
    pub unchanged: usize,
    /// Files of the previous output that are gone.
    pub removed: usize,
}

/// A build being written, without ever touching the published output until
/// it is complete.
///
/// Two generations of the site are kept: the published `output/` and, beside
/// it, the one before (`.output.previous/`, each with its manifest). A build
/// brings the spare generation up to date, touching only the files that
/// differ from what it holds (new bytes are written, files unchanged since
/// the published build are hard-linked from it), deletes what the new site no
/// longer has, and then exchanges the two folders in one atomic rename
/// (`renameat2(RENAME_EXCHANGE)` on Linux): readers see the old site or the
/// new one, never a mix, and a one-figure correction costs a handful of file
/// writes instead of copying the whole site. A failed build leaves the
/// published output exactly as it was; the spare one records what it now
/// holds for the next build. Files are never written through: a changed file
/// is removed and created anew, so a hard link never carries a change into the
/// other generation. Safe to share between threads; one build per output at a
/// time (a lock file beside it).
pub struct Staging {
    output: PathBuf,
    /// The spare generation, being brought up to date.
    dir: PathBuf,
    /// The published build's manifest.
    previous: BTreeMap<String, u64>,
    /// What the spare generation held when the build began.
    spare: BTreeMap<String, u64>,
    /// The spare generation was created empty by this build: a file in it
    /// exists only if this build wrote it (no probing before a write).
    fresh: bool,
    state: Mutex<StagingState>,
    _lock: std::fs::File,
}

#[derive(Default)]
struct StagingState {
    /// The new build's manifest.
    hashes: BTreeMap<String, u64>,
    stats: WriteStats,
    /// Files of the spare generation changed by this build: the hash they now
    /// hold, or `None` while (or if) being rewritten.
    touched: BTreeMap<String, Option<u64>>,
    /// Folders of the spare generation known to exist.
    folders: std::collections::HashSet<PathBuf>,
}

impl Staging {
    /// Starts a build of `output`. When `output` is a symbolic link (a web
    /// root pointed at the build, say), the folder it names is the one
    /// updated and swapped, beside it: the link stays a link and always
    /// names a complete generation.
    pub fn begin(output: &Path) -> Result<Staging, Error> {
        let resolved = behind_links(output).map_err(io(output))?;
        let output = resolved.as_path();
        let parent = output
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = output
            .file_name()
            .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
        std::fs::create_dir_all(parent).map_err(io(parent))?;
        let lock_path = parent.join(format!(".{name}.lock"));
        let lock = std::fs::File::create(&lock_path).map_err(io(&lock_path))?;
        if lock.try_lock().is_err() {
            return Err(Error::Write {
                path: output.to_path_buf(),
                source: std::io::Error::other("another gongkai build is writing this output; wait for it to finish"),
            });
        }
        let dir = parent.join(format!(".{name}.previous"));
        let mut fresh = false;
        let spare = match std::fs::read_to_string(dir.join(MANIFEST)) {
            // From now on the spare generation is being changed: without a
            // manifest a crash leaves it untrusted, never wrongly trusted.
            Ok(text) => {
                std::fs::remove_file(dir.join(MANIFEST)).map_err(io(&dir))?;
                parse_manifest(&text)
            }
            Err(_) => {
                if dir.exists() {
                    std::fs::remove_dir_all(&dir).map_err(io(&dir))?;
                }
                std::fs::create_dir_all(&dir).map_err(io(&dir))?;
                fresh = true;
                BTreeMap::new()
            }
        };
        Ok(Staging {
            output: output.to_path_buf(),
            dir,
            previous: read_manifest(output),
            spare,
            fresh,
            state: Default::default(),
            _lock: lock,
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, StagingState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether the spare generation already holds `key` with `hash` and
    /// `len` bytes.
    fn spare_holds(&self, key: &str, hash: u64, len: u64) -> bool {
        self.spare.get(key) == Some(&hash)
            && !self.state().touched.contains_key(key)
            && std::fs::metadata(self.dir.join(key)).is_ok_and(|m| m.is_file() && m.len() == len)
    }

    /// Whether the published output holds `key` with `hash` and `len` bytes.
    fn published_holds(&self, key: &str, hash: u64, len: u64) -> bool {
        self.previous.get(key) == Some(&hash)
            && std::fs::metadata(self.output.join(key)).is_ok_and(|m| m.is_file() && m.len() == len)
    }

    /// The department-years the published output holds, as the last build
    /// listed them in [`PUBLISHED`]: (address, name) pairs.
    pub fn published_departments(&self) -> Vec<(String, String)> {
        std::fs::read_to_string(self.output.join(PUBLISHED))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .map(|(path, name)| (path.to_string(), name.to_string()))
            .collect()
    }

    /// The bytes of a published file, when the published manifest records it
    /// with `hash` and the file on disk still has that content.
    pub fn read_published(&self, key: &str, hash: u64) -> Option<Vec<u8>> {
        if self.previous.get(key) != Some(&hash) {
            return None;
        }
        std::fs::read(self.output.join(key))
            .ok()
            .filter(|bytes| content_hash(bytes) == hash)
    }

    /// Replaces `key` in the spare generation: a hard link to the published
    /// file when `bytes` is `None`, else the bytes.
    fn replace(&self, key: &str, hash: u64, bytes: Option<&[u8]>) -> Result<(), Error> {
        let path = self.dir.join(key);
        let absent = {
            let mut state = self.state();
            // In a fresh spare generation, a file not written yet is absent.
            let absent = self.fresh && !state.touched.contains_key(key);
            state.touched.insert(key.to_string(), None);
            absent
        };
        if !absent {
            if let Some(bytes) = bytes
                && overwrite_in_place(&path, bytes).map_err(io(&path))?
            {
                self.state().touched.insert(key.to_string(), Some(hash));
                return Ok(());
            }
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(&path)(e)),
                _ => {}
            }
        }
        if let Some(dir) = path.parent()
            && !self.state().folders.contains(dir)
        {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
            self.state().folders.insert(dir.to_path_buf());
        }
        match bytes {
            Some(bytes) => std::fs::write(&path, bytes).map_err(io(&path))?,
            None => {
                let published = self.output.join(key);
                if std::fs::hard_link(&published, &path).is_err() {
                    std::fs::copy(&published, &path).map_err(io(&path))?;
                }
            }
        }
        self.state().touched.insert(key.to_string(), Some(hash));
        Ok(())
    }

    /// Adds one file; returns its content hash.
    pub fn put(&self, file: &OutputFile) -> Result<u64, Error> {
        let key = file.path.to_string_lossy().replace('\\', "/");
        if key.is_empty() || key.starts_with('/') || key.split('/').any(|s| s == ".." || s.is_empty()) {
            return Err(Error::Portal(format!("refusing to write outside the output: {key}")));
        }
        let hash = content_hash(&file.bytes);
        let len = file.bytes.len() as u64;
        let published = self.published_holds(&key, hash, len);
        let spare = self.spare_holds(&key, hash, len);
        if !spare {
            let link = if published { None } else { Some(file.bytes.as_slice()) };
            if let Err(e) = self.replace(&key, hash, link) {
                if !published {
                    return Err(e);
                }
                // The published file vanished meanwhile: write the bytes.
                self.replace(&key, hash, Some(&file.bytes))?;
            }
        }
        let mut state = self.state();
        state.hashes.insert(key, hash);
        if published {
            state.stats.unchanged += 1;
        } else {
            state.stats.written += 1;
        }
        Ok(hash)
    }

    /// Carries files over without their bytes: each `(path, hash, len)` must
    /// be held by the spare generation (written by a build that did not
    /// complete, say) or by the published output, per their manifests and
    /// lengths on disk. All or nothing: returns `false`, and stages none of
    /// them, when any is missing or different (the caller then renders them
    /// again).
    pub fn keep(&self, files: &[BuiltFile]) -> Result<bool, Error> {
        // Per the manifests first (no disk access), then the lengths on disk
        // of the files each generation is to supply.
        let in_spare: Vec<bool> = {
            let state = self.state();
            files
                .iter()
                .map(|f| self.spare.get(&f.path) == Some(&f.hash) && !state.touched.contains_key(&f.path))
                .collect()
        };
        let in_published: Vec<bool> = files
            .iter()
            .map(|f| self.previous.get(&f.path) == Some(&f.hash))
            .collect();
        if in_spare.iter().zip(&in_published).any(|(s, p)| !s && !p) {
            return Ok(false);
        }
        let spare_lengths = lengths(
            &self.dir,
            files.iter().zip(&in_spare).filter(|(_, s)| **s).map(|(f, _)| f),
        );
        let mut spare_lengths = spare_lengths.into_iter();
        let mut from_spare = Vec::with_capacity(files.len());
        for (f, spare) in files.iter().zip(&in_spare) {
            from_spare.push(*spare && spare_lengths.next().flatten() == Some(f.len));
        }
        let need_published = files.iter().zip(&from_spare).filter(|(_, s)| !**s).map(|(f, _)| f);
        let published_ok = lengths(&self.output, need_published.clone())
            .into_iter()
            .zip(need_published)
            .all(|(len, f)| len == Some(f.len) && self.previous.get(&f.path) == Some(&f.hash));
        if !published_ok {
            return Ok(false);
        }
        for (f, spare) in files.iter().zip(&from_spare) {
            if !spare {
                self.replace(&f.path, f.hash, None)?;
            }
        }
        let mut state = self.state();
        for (f, published) in files.iter().zip(&in_published) {
            state.hashes.insert(f.path.clone(), f.hash);
            if *published {
                state.stats.unchanged += 1;
            } else {
                state.stats.written += 1;
            }
        }
        Ok(true)
    }

    /// Deletes what the new site no longer has, writes the manifest and
    /// exchanges the spare generation with the published one.
    pub fn commit(self) -> Result<WriteStats, Error> {
        let result = self.swap();
        if result.is_err() {
            self.record_spare();
        }
        result
    }

    fn swap(&self) -> Result<WriteStats, Error> {
        let (hashes, mut stats, touched) = {
            let mut state = self.state();
            (std::mem::take(&mut state.hashes), state.stats, state.touched.clone())
        };
        let stale: BTreeSet<&String> = self
            .spare
            .keys()
            .chain(touched.keys())
            .filter(|k| !hashes.contains_key(*k))
            .collect();
        for key in stale {
            let path = self.dir.join(key);
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(&path)(e)),
                _ => {}
            }
            // Folders left empty go too (a department-year removed).
            let mut folder = path.parent();
            while let Some(f) = folder.filter(|f| *f != self.dir) {
                if std::fs::remove_dir(f).is_err() {
                    break;
                }
                folder = f.parent();
            }
        }
        let manifest_path = self.dir.join(MANIFEST);
        std::fs::write(&manifest_path, manifest_text(&hashes)).map_err(io(&manifest_path))?;
        stats.removed = self.previous.keys().filter(|k| !hashes.contains_key(*k)).count();
        if self.output.exists() {
            exchange(&self.dir, &self.output).map_err(io(&self.output))?;
        } else {
            std::fs::rename(&self.dir, &self.output).map_err(io(&self.output))?;
        }
        Ok(stats)
    }

    /// Records what the spare generation holds after a build that did not
    /// complete, so the next build starts from it.
    fn record_spare(&self) {
        let state = self.state();
        let mut held = self.spare.clone();
        for (key, hash) in &state.touched {
            match hash {
                Some(hash) => {
                    held.insert(key.clone(), *hash);
                }
                None => {
                    held.remove(key);
                    let _ = std::fs::remove_file(self.dir.join(key));
                }
            }
        }
        if std::fs::write(self.dir.join(MANIFEST), manifest_text(&held)).is_err() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    /// Gives up the build; the published output stays as it was.
    pub fn abandon(self) {
        self.record_spare();
    }
}

/// A manifest as written: `<hash as 16 hex digits> <path>` per line, by path.
fn manifest_text(hashes: &BTreeMap<String, u64>) -> String {
    use std::fmt::Write as _;
    let mut text = String::with_capacity(hashes.keys().map(|key| key.len() + 18).sum());
    for (key, hash) in hashes {
        let _ = writeln!(text, "{hash:016x} {key}");
    }
    text
}

/// Swaps two folders in one step where the system can (Linux); elsewhere in
/// three renames, with a moment where `b` is missing.
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            // Not supported by this file system: fall back.
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => return Err(e.into()),
        }
    }
    let parked = a.with_extension("exchange");
    std::fs::rename(b, &parked)?;
    if let Err(e) = std::fs::rename(a, b) {
        let _ = std::fs::rename(&parked, b);
        return Err(e);
    }
    std::fs::rename(&parked, a)
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
