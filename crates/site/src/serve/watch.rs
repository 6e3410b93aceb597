//! Watching the content and theme folders, debounced over the whole site.
//!
//! The operating system tells of each change ([`notify`]: inotify on Linux,
//! FSEvents on macOS, …), so an idle preview costs nothing. The debouncer
//! crates (`notify-debouncer-mini`, `-full`) wait for each *file* to go quiet
//! and hand a storm across many files (an editor saving several, a
//! `git checkout`) over in several batches, which would start a rebuild in
//! the middle of it. gongkai debounces the site as a whole instead: a
//! rebuild starts once no change has arrived for [`QUIET`], or [`MAX_DELAY`]
//! after the first change of a storm that never pauses. Changes that arrive
//! during a rebuild are kept and lead to exactly one more.
//!
//! Only changes below the watched folders count, never the preview's own
//! output, and never a mere read (inotify reports every open, including the
//! build's own). A watched folder that is missing (a site without
//! `themes/`), or that is removed and created again, is watched again once it
//! exists. When the system's inotify watch limit is too low for the site, it
//! falls back to polling every second, with a warning.

use notify::event::{AccessKind, AccessMode};
use notify::{Event, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// A rebuild starts once no change has arrived for this long: an editor's
/// save (a temporary file, a rename) or a checkout comes in well under it.
pub const QUIET: Duration = Duration::from_millis(100);

/// … or this long after the first change, however long a storm goes on.
pub const MAX_DELAY: Duration = Duration::from_secs(2);

/// How often the fallback watcher polls.
const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// Changes not yet rebuilt: when the first and the last arrived.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Pending {
    first: Option<Instant>,
    last: Option<Instant>,
}

impl Pending {
    /// Records a change at `now`.
    fn note(&mut self, now: Instant) {
        self.first.get_or_insert(now);
        self.last = Some(now);
    }

    /// How long until the pending changes are due for a rebuild: `None`
    /// when there are none, zero when they are due.
    fn due_in(&self, now: Instant) -> Option<Duration> {
        let (first, last) = (self.first?, self.last?);
        let due = (last + QUIET).min(first + MAX_DELAY);
        Some(due.saturating_duration_since(now))
    }
}

/// What the watcher's thread hands to the rebuilding one.
#[derive(Default)]
struct Changes {
    pending: Pending,
    /// Watched folders that were created, removed or renamed themselves.
    roots_touched: bool,
}

/// The state shared with the watcher's callback.
#[derive(Default)]
struct Shared {
    changes: Mutex<Changes>,
    arrived: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Changes> {
        self.changes.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Why the folders cannot be watched.
#[derive(Debug, thiserror::Error)]
#[error("cannot watch `{path}` for changes: {source}")]
pub struct WatchError {
    path: PathBuf,
    #[source]
    source: notify::Error,
}

/// The watched folders and what changed in them.
pub struct Watch {
    watcher: Box<dyn Watcher + Send>,
    /// The folders watched (recursively), absolute.
    roots: Arc<[PathBuf]>,
    /// Which of `roots` is watched now.
    watched: Vec<bool>,
    /// Parents watched (not recursively) for a missing root to appear.
    parents: Vec<PathBuf>,
    shared: Arc<Shared>,
    /// Polling rather than told by the system.
    polling: bool,
}

impl Watch {
    /// Starts watching `roots` (absolute paths; each may be missing) for
    /// changes, ignoring anything below `ignore` (the preview's own folder).
    pub fn start(roots: Vec<PathBuf>, ignore: PathBuf) -> Result<Watch, WatchError> {
        let first = roots.first().cloned().unwrap_or_default();
        let roots: Arc<[PathBuf]> = roots.into();
        let shared = Arc::new(Shared::default());
        let handler = {
            let (roots, shared) = (roots.clone(), shared.clone());
            move |event: notify::Result<Event>| {
                let (relevant, roots_touched) = match &event {
                    Ok(event) => classify(event, &roots, &ignore),
                    // An error (say, the kernel's event queue overflowed):
                    // something may have changed; look again.
                    Err(_) => (true, true),
                };
                if relevant {
                    let mut changes = shared.lock();
                    changes.pending.note(Instant::now());
                    changes.roots_touched |= roots_touched;
                    drop(changes);
                    shared.arrived.notify_one();
                }
            }
        };
        let (watcher, polling): (Box<dyn Watcher + Send>, bool) =
            match RecommendedWatcher::new(handler.clone(), notify::Config::default()) {
                Ok(w) => (Box::new(w), false),
                Err(e) => {
                    eprintln!("warning: the system cannot report file changes ({e}); polling every second instead");
                    (poll_watcher(handler.clone(), &first)?, true)
                }
            };
        let mut watch = Watch {
            watcher,
            watched: vec![false; roots.len()],
            roots,
            parents: Vec::new(),
            shared,
            polling,
        };
        if let Err(e) = watch.watch_roots() {
            if watch.polling || !matches!(e.source.kind, notify::ErrorKind::MaxFilesWatch) {
                return Err(e);
            }
            eprintln!(
                "warning: the system's limit of watched folders is too low for this site \
                 (raise fs.inotify.max_user_watches); polling every second instead"
            );
            watch.watcher = poll_watcher(handler, &first)?;
            watch.polling = true;
            watch.watched.fill(false);
            watch.parents.clear();
            watch.watch_roots()?;
        }
        Ok(watch)
    }

    /// Watches every root that exists and is not watched yet, and the parent
    /// of each that does not exist.
    fn watch_roots(&mut self) -> Result<(), WatchError> {
        for (i, root) in self.roots.iter().enumerate() {
            if root.is_dir() {
                if self.watched[i] {
                    continue;
                }
                self.watcher
                    .watch(root, RecursiveMode::Recursive)
                    .map_err(|source| WatchError {
                        path: root.clone(),
                        source,
                    })?;
                self.watched[i] = true;
            } else {
                self.watched[i] = false;
                if let Some(parent) = root.parent().filter(|p| p.is_dir())
                    && !self.parents.iter().any(|p| p == parent)
                {
                    self.watcher
                        .watch(parent, RecursiveMode::NonRecursive)
                        .map_err(|source| WatchError {
                            path: parent.to_path_buf(),
                            source,
                        })?;
                    self.parents.push(parent.to_path_buf());
                }
            }
        }
        Ok(())
    }

    /// Blocks until changes are due for a rebuild (see [`QUIET`]); the
    /// changes that arrive from then on count for the next call.
    pub fn wait(&mut self) {
        self.wait_until(None);
    }

    /// [`wait`](Watch::wait), but not past `deadline`: `false` when it
    /// passed with no change due.
    fn wait_until(&mut self, deadline: Option<Instant>) -> bool {
        let shared = self.shared.clone();
        let mut changes = shared.lock();
        loop {
            let now = Instant::now();
            let due = changes.pending.due_in(now);
            if due.is_some_and(|d| d.is_zero()) {
                break;
            }
            let left = deadline.map(|d| d.saturating_duration_since(now));
            if left.is_some_and(|l| l.is_zero()) {
                return false;
            }
            changes = match due.into_iter().chain(left).min() {
                Some(wait) => {
                    shared
                        .arrived
                        .wait_timeout(changes, wait)
                        .unwrap_or_else(|e| e.into_inner())
                        .0
                }
                None => shared.arrived.wait(changes).unwrap_or_else(|e| e.into_inner()),
            };
        }
        changes.pending = Pending::default();
        let roots_touched = std::mem::take(&mut changes.roots_touched);
        drop(changes);
        if roots_touched {
            // A watched folder went or came back: its watch is stale.
            for (i, root) in self.roots.iter().enumerate() {
                if self.watched[i] {
                    let _ = self.watcher.unwatch(root);
                    self.watched[i] = false;
                }
            }
        }
        if let Err(e) = self.watch_roots() {
            eprintln!("warning: {e}");
        }
        true
    }
}

/// The fallback watcher: polls the folders' files every second (`first`:
/// the folder an error names).
fn poll_watcher(
    handler: impl notify::EventHandler + Clone,
    first: &Path,
) -> Result<Box<dyn Watcher + Send>, WatchError> {
    let config = notify::Config::default().with_poll_interval(POLL_INTERVAL);
    let watcher = PollWatcher::new(handler, config).map_err(|source| WatchError {
        path: first.to_path_buf(),
        source,
    })?;
    Ok(Box::new(watcher))
}

/// Whether an event is a change to the site, and whether it concerns a
/// watched folder itself.
fn classify(event: &Event, roots: &[PathBuf], ignore: &Path) -> (bool, bool) {
    if let EventKind::Access(kind) = event.kind
        && kind != AccessKind::Close(AccessMode::Write)
    {
        // Reads (the build's own among them) change nothing.
        return (false, false);
    }
    if event.need_rescan() {
        return (true, true);
    }
    let mut relevant = false;
    let mut root = false;
    for path in &event.paths {
        if path.starts_with(ignore) {
            continue;
        }
        if roots.iter().any(|r| path.starts_with(r)) {
            relevant = true;
            root |= roots.iter().any(|r| path == r);
        }
    }
    (relevant, root)
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, ModifyKind, RemoveKind};

    #[test]
    fn a_storm_is_one_rebuild_once_it_is_quiet() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let mut pending = Pending::default();
        assert_eq!(pending.due_in(t0), None, "nothing pending, nothing due");
        // Files saved every 30 ms: never quiet for 100 ms, so not due.
        for n in (0..=600).step_by(30) {
            pending.note(ms(n));
            assert!(!pending.due_in(ms(n + 20)).unwrap().is_zero());
        }
        assert_eq!(pending.due_in(ms(650)), Some(Duration::from_millis(50)));
        assert_eq!(pending.due_in(ms(700)), Some(Duration::ZERO));
    }

    #[test]
    fn a_storm_that_never_pauses_is_rebuilt_after_the_longest_delay() {
        let t0 = Instant::now();
        let mut pending = Pending::default();
        let mut n = 0;
        while n < 5_000 {
            pending.note(t0 + Duration::from_millis(n));
            n += 50;
        }
        assert_eq!(pending.due_in(t0 + MAX_DELAY), Some(Duration::ZERO));
        assert!(
            !pending
                .due_in(t0 + MAX_DELAY - Duration::from_millis(1))
                .unwrap()
                .is_zero()
        );
    }

    #[test]
    fn only_changes_below_the_watched_folders_count() {
        let roots = [PathBuf::from("/site/content"), PathBuf::from("/site/themes")];
        let ignore = Path::new("/site/.gongkai-serve");
        let event = |kind, path: &str| Event::new(kind).add_path(PathBuf::from(path));
        let modify = EventKind::Modify(ModifyKind::Any);
        assert_eq!(
            classify(&event(modify, "/site/content/2022/101/unit.yaml"), &roots, ignore),
            (true, false)
        );
        assert_eq!(
            classify(&event(modify, "/site/themes/default/portal/base.html"), &roots, ignore),
            (true, false)
        );
        assert_eq!(
            classify(&event(modify, "/site/README.md"), &roots, ignore),
            (false, false)
        );
        assert_eq!(
            classify(
                &event(modify, "/site/.gongkai-serve/content/site/index.html"),
                &roots,
                ignore
            ),
            (false, false)
        );
        // A read, as the build makes, is no change; a write closed is.
        let open = EventKind::Access(AccessKind::Open(AccessMode::Any));
        assert_eq!(
            classify(&event(open, "/site/content/2022/101/unit.yaml"), &roots, ignore),
            (false, false)
        );
        let closed = EventKind::Access(AccessKind::Close(AccessMode::Write));
        assert_eq!(
            classify(&event(closed, "/site/content/2022/101/unit.yaml"), &roots, ignore),
            (true, false)
        );
        // The theme folder created, or the content folder removed.
        assert_eq!(
            classify(
                &event(EventKind::Create(CreateKind::Folder), "/site/themes"),
                &roots,
                ignore
            ),
            (true, true)
        );
        assert_eq!(
            classify(
                &event(EventKind::Remove(RemoveKind::Folder), "/site/content"),
                &roots,
                ignore
            ),
            (true, true)
        );
        // A lost event queue: look again.
        let rescan = Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan);
        assert_eq!(classify(&rescan, &roots, ignore), (true, true));
    }

    #[test]
    fn changes_wake_the_rebuild_and_a_missing_folder_is_watched_once_it_exists() {
        let root = std::env::temp_dir().join(format!("gongkai-watch-{}", std::process::id()));
        let content = root.join("content");
        std::fs::create_dir_all(&content).unwrap();
        let mut watch = Watch::start(vec![content.clone(), root.join("themes")], root.join(".gongkai-serve")).unwrap();
        let soon = || Some(Instant::now() + Duration::from_secs(10));
        // Nothing changed: nothing to do.
        assert!(!watch.wait_until(Some(Instant::now() + QUIET)));
        for i in 0..20 {
            std::fs::write(content.join(format!("{i}.yaml")), "a: 1\n").unwrap();
        }
        assert!(watch.wait_until(soon()));
        // A change saved while that rebuild runs makes exactly one more.
        std::fs::write(content.join("0.yaml"), "a: 2\n").unwrap();
        std::thread::sleep(2 * QUIET);
        assert!(watch.wait_until(soon()));
        assert!(!watch.wait_until(Some(Instant::now() + 3 * QUIET)));
        // The preview's own output is not a change.
        std::fs::create_dir_all(root.join(".gongkai-serve")).unwrap();
        std::fs::write(root.join(".gongkai-serve/x"), "x").unwrap();
        assert!(!watch.wait_until(Some(Instant::now() + 3 * QUIET)));
        // The theme folder appears, then a file in it changes.
        std::fs::create_dir_all(root.join("themes/default")).unwrap();
        assert!(watch.wait_until(soon()));
        std::fs::write(root.join("themes/default/x.html"), "x").unwrap();
        assert!(watch.wait_until(soon()));
        let _ = std::fs::remove_dir_all(&root);
    }
}
