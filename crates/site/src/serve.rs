//! `gongkai serve`: a local preview that follows the content as it is edited.
//!
//! The preview is built by the one pipeline into a real output folder, with
//! the cache on, exactly as `build` does: a one-figure edit re-renders that
//! department-year, the index pages and the search index, and the spare
//! generation is swapped in at once. Files are served from that folder, so
//! memory is what one build needs, not the size of the site. The folder is
//! not the user's `output/`: it is `.gongkai-serve/<content folder name>/`
//! next to the content folder (beside `.gongkai-cache/`), holding the site
//! (`site/`, its spare generation and lock) and the preview's own build cache
//! (`cache.json` and its records), so a preview never evicts or confuses the
//! cache `build` uses. A lock (`serve.lock`) keeps two previews of the same
//! content apart: a second one takes `.gongkai-serve/<name>.2/`, and so on.
//!
//! [`watch`] tells of changes to the content and theme folders (no polling),
//! debounced so that a storm of changes is one rebuild; [`http`] serves the
//! folder and tells open pages to reload when a rebuild changed what they
//! show. While the content has errors, every page shows the findings instead
//! of a stale site.

pub mod http;
pub mod watch;

use crate::pipeline::{self, Options, Target};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Previews of the same content that may run at once.
const SLOTS: usize = 8;

/// Why the preview cannot run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The content folder is not there.
    #[error("content folder `{0}` does not exist")]
    NoContent(PathBuf),
    /// The preview folder cannot be made or locked.
    #[error("cannot prepare the preview folder `{path}`: {source}")]
    Preview {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Every preview folder of the content is held by a running preview.
    #[error("{SLOTS} previews of `{content}` are running already (see `{folder}`)")]
    Busy { content: PathBuf, folder: PathBuf },
    /// The address cannot be bound (in use, say).
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    /// The folders cannot be watched for changes.
    #[error(transparent)]
    Watch(#[from] watch::WatchError),
    /// The server could not start, or stopped.
    #[error("the server stopped: {0}")]
    Server(#[source] std::io::Error),
}

/// The preview folder of a content folder, held for this process.
pub struct Preview {
    dir: PathBuf,
    _lock: std::fs::File,
}

impl Preview {
    /// Takes the first free preview folder of `content` (an absolute path):
    /// `.gongkai-serve/<name>/` next to it, or `<name>.2/`, … when another
    /// preview holds that one.
    pub fn claim(content: &Path) -> Result<Preview, Error> {
        let name = content
            .file_name()
            .map_or_else(|| "content".into(), |n| n.to_string_lossy().into_owned());
        let base = content.parent().unwrap_or(Path::new("/")).join(".gongkai-serve");
        for slot in 1..=SLOTS {
            let dir = match slot {
                1 => base.join(&name),
                n => base.join(format!("{name}.{n}")),
            };
            let failed = |source| Error::Preview {
                path: dir.clone(),
                source,
            };
            std::fs::create_dir_all(&dir).map_err(failed)?;
            let lock = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(dir.join("serve.lock"))
                .map_err(failed)?;
            match lock.try_lock() {
                Ok(()) => return Ok(Preview { dir, _lock: lock }),
                Err(std::fs::TryLockError::WouldBlock) => continue,
                Err(std::fs::TryLockError::Error(e)) => return Err(failed(e)),
            }
        }
        Err(Error::Busy {
            content: content.to_path_buf(),
            folder: base,
        })
    }

    /// The folder itself.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The published preview site.
    pub fn site(&self) -> PathBuf {
        self.dir.join("site")
    }

    /// The header file of the preview's build cache.
    pub fn cache(&self) -> PathBuf {
        self.dir.join("cache.json")
    }
}

/// What the builder shares with the server.
pub struct Shared {
    /// The published preview site.
    site: PathBuf,
    /// The address the server is bound to (a `Host` it accepts).
    bound: std::net::IpAddr,
    /// The findings of the last build, when it failed.
    error: Mutex<Option<Arc<str>>>,
    /// The site's version, which open pages wait on: `<session>-<n>`, so a
    /// restarted server is a new version too.
    version: tokio::sync::watch::Sender<Arc<str>>,
    session: u64,
    builds: AtomicU64,
}

impl Shared {
    /// The findings of the failed last build, if it failed.
    fn error(&self) -> Option<Arc<str>> {
        self.error.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// A new version: open pages reload.
    fn bump(&self) {
        let n = self.builds.fetch_add(1, Ordering::Relaxed) + 1;
        self.version.send_replace(format!("{:x}-{n}", self.session).into());
    }
}

/// Builds the preview of `content` and serves it on `addr` until the
/// process is stopped, rebuilding on every change to the content or its
/// themes.
pub fn serve(content: &Path, addr: SocketAddr) -> Result<(), Error> {
    let absolute = absolute(content);
    if !absolute.is_dir() {
        return Err(Error::NoContent(content.to_path_buf()));
    }
    // The pipeline finds the themes next to the folder it is given; `.` has
    // no name to find them by.
    let content = match content.file_name() {
        Some(_) => content.to_path_buf(),
        None => absolute.clone(),
    };
    let preview = Preview::claim(&absolute)?;
    let listener = std::net::TcpListener::bind(addr).map_err(|source| Error::Bind { addr, source })?;
    let local = listener.local_addr().map_err(|source| Error::Bind { addr, source })?;
    // What the pipeline reads besides the content: the theme and the
    // code-list folders gongkai.toml names (by default `themes/default`
    // next to the content folder as given, through a symbolic link the
    // link's neighbour, and `content/codes`), and gongkai.toml itself.
    let config = gongkai_content::config::load(&content, &mut gongkai_model::diag::Diagnostics::new());
    let config_file = crate::absolute_or(
        &gongkai_model::config::site_root(&content).join(gongkai_model::config::FILE_NAME),
        &absolute,
    );
    let mut roots: Vec<PathBuf> = Vec::new();
    for root in [
        absolute.clone(),
        crate::absolute_or(&config.theme, &absolute),
        crate::absolute_or(&config.codes, &absolute),
        config_file,
    ] {
        // A folder inside one already watched (content/codes) is watched with it.
        if !roots.iter().any(|r| root.starts_with(r)) {
            roots.push(root);
        }
    }
    // Watching starts before the first build, so nothing saved meanwhile is
    // missed.
    let mut watch = watch::Watch::start(roots, preview.dir().to_path_buf())?;
    let session = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let shared = Arc::new(Shared {
        site: preview.site(),
        bound: addr.ip(),
        error: Mutex::new(None),
        version: tokio::sync::watch::Sender::new(format!("{session:x}-0").into()),
        session,
        builds: AtomicU64::new(0),
    });
    let job = Job {
        content,
        site: preview.site(),
        cache: preview.cache(),
    };
    eprintln!("building the preview in {}", preview.site().display());
    job.rebuild(&shared);
    {
        let shared = shared.clone();
        std::thread::Builder::new()
            .name("gongkai-rebuild".into())
            .spawn(move || {
                loop {
                    watch.wait();
                    eprintln!("change detected, rebuilding…");
                    job.rebuild(&shared);
                }
            })
            .map_err(Error::Server)?;
    }
    eprintln!("serving on http://{local} (Ctrl-C to stop)");
    let served = http::run(listener, shared).map_err(Error::Server);
    drop(preview);
    served
}

/// The path made absolute, through symbolic links where it exists.
fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// One content folder's preview build.
struct Job {
    content: PathBuf,
    site: PathBuf,
    cache: PathBuf,
}

impl Job {
    /// Brings the preview up to date, and tells open pages when what they
    /// show changed: files written or removed, or the findings page shown,
    /// changed or gone.
    fn rebuild(&self, shared: &Shared) {
        let started = Instant::now();
        let options = Options {
            target: Target::Folder(&self.site),
            cache_file: Some(&self.cache),
            ..Options::check()
        };
        // A bug that panics in a build must not end the rebuilds: it is
        // shown like a finding.
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pipeline::run(&self.content, &options)));
        let outcome = match run {
            Ok(Ok(report)) if report.diags.has_errors() => {
                Err(format!("{}{}", report.diags.render_text(), report.diags.summary()))
            }
            Ok(Ok(report)) => Ok(report),
            Ok(Err(e)) => Err(format!("error: {e}")),
            Err(_) => Err("error: the build failed unexpectedly (a bug in gongkai; its message is above)".into()),
        };
        let mut error = shared.error.lock().unwrap_or_else(|e| e.into_inner());
        let changed = match outcome {
            Ok(report) => {
                let stats = report.stats.unwrap_or_default();
                eprintln!(
                    "built {} department-year{} in {:.2} s: {} files written, {} unchanged, {} removed ({})",
                    report.found,
                    if report.found == 1 { "" } else { "s" },
                    started.elapsed().as_secs_f64(),
                    stats.written,
                    stats.unchanged,
                    stats.removed,
                    report.diags.summary()
                );
                error.take().is_some() || stats.written + stats.removed > 0
            }
            Err(report) => {
                eprintln!("{report}");
                let changed = error.as_deref() != Some(report.as_str());
                *error = Some(report.into());
                changed
            }
        };
        drop(error);
        if changed {
            shared.bump();
        }
    }
}
