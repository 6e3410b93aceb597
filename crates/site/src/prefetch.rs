//! Reading ahead of the workers: while they load, derive and render one
//! department-year per core, a few I/O threads open the files of the next
//! folders and ask the kernel to read them into the page cache.
//!
//! A content file is small (a few KB), so reading one from a cold disk is
//! mostly waiting: with one blocking read per worker, a two-core machine
//! has two requests in flight and idle cores. The prefetchers keep more in
//! flight. They stay a bounded distance ahead of the workers, so what they
//! bring in is still cached when it is read, and they only open, advise
//! and close files: nothing is read twice into user memory, and the workers
//! read the files exactly as before (the result never depends on them).
//!
//! When the page cache already holds the content (a warm run), opening files
//! ahead is pure overhead. So each file is first asked for without waiting
//! (`RWF_NOWAIT`), and only a file the cache does not hold is read ahead.
//! A prefetcher that finds whole folders cached backs off: it then looks
//! at one folder in [`SAMPLE_EVERY`], and reads ahead again as soon as one
//! is not cached.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

/// How many I/O threads read ahead.
const THREADS: usize = 4;
/// How many folders they stay ahead of the workers at most.
const LOOKAHEAD: usize = 96;
/// While folders are cached, one in this many is looked at.
const SAMPLE_EVERY: usize = 32;
/// Cached folders in a row after which a prefetcher backs off.
const BACK_OFF_AFTER: usize = 4;

/// Where the workers are: how many folders they have finished.
#[derive(Default)]
pub struct Progress {
    done: AtomicUsize,
}

impl Progress {
    /// Records that the workers have finished `done` folders.
    pub fn set(&self, done: usize) {
        self.done.fetch_max(done, Ordering::Relaxed);
    }
}

/// Runs `work` while I/O threads read the folders of `dirs` ahead of
/// `progress` (which `work` advances; `None`: a folder `work` will not
/// read); returns what `work` returns. Off when `GONGKAI_PREFETCH=0`, and
/// when fewer than [`LOOKAHEAD`] folders are to be read.
pub fn around<R>(dirs: &[Option<&Path>], progress: &Progress, work: impl FnOnce() -> R) -> R {
    if dirs.iter().flatten().count() < LOOKAHEAD || std::env::var_os("GONGKAI_PREFETCH").is_some_and(|v| v == "0") {
        return work();
    }
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        for _ in 0..THREADS {
            scope.spawn(|| read_ahead(dirs, progress, &next, &stop));
        }
        let result = work();
        stop.store(true, Ordering::Relaxed);
        result
    })
}

fn read_ahead(dirs: &[Option<&Path>], progress: &Progress, next: &AtomicUsize, stop: &AtomicBool) {
    let mut cached_run = 0usize;
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(dir) = dirs.get(i) else { return };
        let Some(dir) = dir else { continue };
        // Backing off: the cache served the last folders.
        if cached_run >= BACK_OFF_AFTER && !i.is_multiple_of(SAMPLE_EVERY) {
            continue;
        }
        // Wait while too far ahead; skip a folder the workers are past.
        loop {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            if i < progress.done.load(Ordering::Relaxed) + LOOKAHEAD {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        if i < progress.done.load(Ordering::Relaxed) {
            continue;
        }
        if warm(dir) {
            cached_run += 1;
        } else {
            cached_run = 0;
        }
    }
}

/// Asks for the pages of each content file of `dir` that the page cache
/// does not hold (no data is copied); whether it held them all.
fn warm(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return true;
    };
    let mut all_cached = true;
    for entry in entries.flatten() {
        if !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        if let Ok(file) = std::fs::File::open(entry.path())
            && !cached(&file)
        {
            all_cached = false;
            advise(&file);
        }
    }
    all_cached
}

/// Whether the start of `file` is in the page cache (read without waiting).
#[cfg(target_os = "linux")]
fn cached(file: &std::fs::File) -> bool {
    use rustix::io::{ReadWriteFlags, preadv2};
    let mut byte = [0u8; 1];
    let mut bufs = [std::io::IoSliceMut::new(&mut byte)];
    preadv2(file, &mut bufs, 0, ReadWriteFlags::NOWAIT).is_ok()
}

#[cfg(target_os = "linux")]
fn advise(file: &std::fs::File) {
    let _ = rustix::fs::fadvise(file, 0, None, rustix::fs::Advice::WillNeed);
}

#[cfg(not(target_os = "linux"))]
fn cached(_: &std::fs::File) -> bool {
    true
}

#[cfg(not(target_os = "linux"))]
fn advise(_: &std::fs::File) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn folders(n: usize) -> (std::path::PathBuf, Vec<std::path::PathBuf>) {
        let root = std::env::temp_dir().join(format!("gongkai-prefetch-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let dirs: Vec<_> = (0..n).map(|i| root.join(format!("{i:04}"))).collect();
        for dir in &dirs {
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(dir.join("unit.yaml"), "code: '1'\n").unwrap();
            std::fs::write(dir.join("narrative.yaml"), "x".repeat(10_000)).unwrap();
        }
        (root, dirs)
    }

    #[test]
    fn a_folder_just_written_is_cached() {
        let (root, dirs) = folders(1);
        assert!(warm(&dirs[0]));
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn the_work_runs_once_and_the_prefetchers_stop_with_it() {
        let (root, dirs) = folders(2 * LOOKAHEAD);
        let paths: Vec<Option<&Path>> = dirs
            .iter()
            .enumerate()
            .map(|(i, d)| (i % 3 != 0).then_some(d.as_path()))
            .collect();
        let progress = Progress::default();
        let runs = AtomicUsize::new(0);
        let seen = around(&paths, &progress, || {
            runs.fetch_add(1, Ordering::Relaxed);
            let mut seen = 0;
            for (i, dir) in dirs.iter().enumerate() {
                seen += std::fs::read(dir.join("narrative.yaml")).unwrap().len();
                progress.set(i + 1);
            }
            seen
        });
        assert_eq!(seen, 2 * LOOKAHEAD * 10_000);
        assert_eq!(runs.load(Ordering::Relaxed), 1);
        // Stopped early, before the workers were done: the scope still ends.
        let quick = around(&paths, &Progress::default(), || 7);
        assert_eq!(quick, 7);
        std::fs::remove_dir_all(root).unwrap();
    }
}
