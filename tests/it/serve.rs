//! `gongkai serve`: the preview is built into its own folder and served on
//! an ephemeral port; it answers only to this machine's names, refuses
//! paths that climb out, follows edits (a rebuild per storm of changes,
//! open pages told by the version they wait on) and shows the findings on
//! every page while the content has errors.

use crate::common::{copy_dir, gongkai, temp};
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long anything the server is asked for may take (a debug build on a
/// busy machine).
const PATIENCE: Duration = Duration::from_secs(60);

/// `gongkai serve` of a scratch copy of the shipped content, on a port the
/// system picked; stopped (and its folder removed) when dropped.
struct Server {
    child: Child,
    port: u16,
    root: PathBuf,
    /// Everything it printed on standard error so far.
    log: Arc<Mutex<String>>,
}

/// An HTTP answer.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl Server {
    /// Starts serving a copy of `content/`, after `edit` changed it.
    fn start(name: &str, edit: impl FnOnce(&Path)) -> Server {
        let root = temp(&format!("serve-{name}"));
        copy_dir(Path::new("content"), &root.join("content"), false);
        edit(&root.join("content"));
        let mut child = gongkai()
            .current_dir(&root)
            .args(["serve", "content", "--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        {
            let log = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines() {
                    let Ok(line) = line else { break };
                    if let Some(port) = line
                        .strip_prefix("serving on http://127.0.0.1:")
                        .and_then(|rest| rest.split_whitespace().next())
                        .and_then(|p| p.parse::<u16>().ok())
                    {
                        let _ = tx.send(port);
                    }
                    let mut log = log.lock().unwrap();
                    log.push_str(&line);
                    log.push('\n');
                }
            });
        }
        let port = match rx.recv_timeout(PATIENCE) {
            Ok(port) => port,
            Err(_) => {
                let _ = child.kill();
                panic!("gongkai serve did not start:\n{}", log.lock().unwrap());
            }
        };
        Server { child, port, root, log }
    }

    fn content(&self) -> PathBuf {
        self.root.join("content")
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Sends `request` as it is; the whole answer.
    fn raw(&self, request: &str) -> Reply {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).unwrap();
        let end = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no head in {:?}", String::from_utf8_lossy(&bytes)));
        let head = String::from_utf8(bytes[..end].to_vec()).unwrap();
        let mut lines = head.split("\r\n");
        let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
        let headers = lines
            .filter_map(|l| l.split_once(": "))
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        Reply {
            status,
            headers,
            body: bytes[end + 4..].to_vec(),
        }
    }

    /// `METHOD path` with `Host: host`.
    fn ask(&self, method: &str, path: &str, host: &str) -> Reply {
        self.raw(&format!(
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        ))
    }

    /// `GET path`, as a browser on this machine asks.
    fn get(&self, path: &str) -> Reply {
        self.ask("GET", path, &format!("127.0.0.1:{}", self.port))
    }

    /// The site's version.
    fn version(&self) -> String {
        let reply = self.get("/__gongkai/version");
        assert_eq!(reply.status, 200);
        reply.text()
    }

    /// Waits for the version after `seen`, as an open page does.
    fn next_version(&self, seen: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let now = self.get(&format!("/__gongkai/version?wait={seen}")).text();
            if now != seen {
                return now;
            }
            assert!(Instant::now() < deadline, "no new version:\n{}", self.log());
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", file.display());
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
}

const NAME: &str = "name: 张家口市人民代表大会常务委员会办公室";
const BASIC: &str = "basic: 1526.07";

#[test]
fn the_preview_is_built_into_its_own_folder_and_served_on_an_ephemeral_port() {
    let server = Server::start("site", |_| {});
    let home = server.get("/");
    assert_eq!(home.status, 200, "{}", server.log());
    assert_eq!(home.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(home.header("cache-control"), Some("no-store"));
    assert_eq!(home.header("x-content-type-options"), Some("nosniff"));
    let html = home.text();
    assert!(html.contains("<title>部门预算公开</title>"), "{html}");
    // The page loads the reload script, telling it the version it is of.
    let version = server.version();
    let tag = format!("<script src=\"/__gongkai/reload.js?v={version}\"></script>");
    assert!(html.ends_with(&format!("{tag}</body>\n</html>\n")), "{html}");
    let page = server.get("/2022/101/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("2100.32"));
    // The same bytes as the file the preview built.
    let built = std::fs::read(server.root.join(".gongkai-serve/content/site/2022/101/index.html")).unwrap();
    assert_eq!(page.text().replace(&tag, ""), String::from_utf8(built).unwrap());

    let folder = server.get("/2022/101");
    assert_eq!(folder.status, 301);
    assert_eq!(folder.header("location"), Some("/2022/101/"));
    let head = server.ask("HEAD", "/", &format!("localhost:{}", server.port));
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("content-length"),
        Some(home.body.len().to_string().as_str())
    );
    assert!(head.body.is_empty());
    let css = server.get("/static/style.css");
    assert_eq!(
        (css.status, css.header("content-type")),
        (200, Some("text/css; charset=utf-8"))
    );
    let workbook = server.get("/2022/101/tables.xlsx");
    assert_eq!(
        workbook.header("content-type"),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    assert!(workbook.body.starts_with(b"PK"));
    assert_eq!(server.get("/2022/999/").status, 404);
    let post = server.ask("POST", "/", &format!("127.0.0.1:{}", server.port));
    assert_eq!((post.status, post.header("allow")), (405, Some("GET, HEAD")));
    let script = server.get("/__gongkai/reload.js");
    assert_eq!(script.header("content-type"), Some("text/javascript; charset=utf-8"));
    assert!(script.text().contains("location.reload()"));

    // Neither what `build` publishes nor its cache is touched.
    assert!(!server.root.join("output").exists());
    assert!(!server.root.join(".gongkai-cache").exists());
    assert!(server.root.join(".gongkai-serve/content/cache.json").is_file());
}

#[test]
fn a_foreign_host_is_refused_and_a_local_one_served() {
    let server = Server::start("host", |_| {});
    let port = server.port;
    for host in [
        format!("127.0.0.1:{port}"),
        "127.0.0.1".into(),
        format!("localhost:{port}"),
        "localhost".into(),
        format!("[::1]:{port}"),
        "[::1]".into(),
    ] {
        assert_eq!(server.ask("GET", "/", &host).status, 200, "{host}");
    }
    // A DNS-rebinding page: its own name, pointed at 127.0.0.1.
    for host in [
        format!("evil.example:{port}"),
        "evil.example".into(),
        format!("localhost.evil.example:{port}"),
        format!("192.168.1.5:{port}"),
        String::new(),
    ] {
        let reply = server.ask("GET", "/", &host);
        assert_eq!(reply.status, 403, "{host}");
        assert!(!reply.text().contains("部门预算公开"));
        assert_eq!(server.ask("GET", "/__gongkai/version", &host).status, 403, "{host}");
    }
    // No Host at all, two of them, or an absolute target naming another host.
    let none = server.raw("GET / HTTP/1.0\r\n\r\n");
    assert_eq!(none.status, 403);
    let two = server.raw(&format!(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
    ));
    assert_eq!(two.status, 403);
    let absolute = server.raw(&format!(
        "GET http://evil.example/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    ));
    assert_eq!(absolute.status, 403);
}

#[test]
fn paths_cannot_climb_out_of_the_preview() {
    let server = Server::start("paths", |_| {});
    for path in [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/2022/..%2f..%2f..%2f..%2fetc/passwd",
        "/%2E%2E%5C%2E%2E%5Cetc%5Cpasswd",
        "/2022/101/%00index.html",
        "/%zz",
        "/%ff",
    ] {
        let reply = server.get(path);
        assert_eq!(reply.status, 400, "{path}: {}", reply.text());
    }
    // Hidden files (the build's manifest, the folder's own `.`) are not served.
    assert_eq!(server.get("/.gongkai-manifest").status, 404);
    assert_eq!(server.get("/2022/./101/").status, 404);
}

#[test]
fn an_edit_shows_up_in_the_open_page() {
    let server = Server::start("edit", |_| {});
    let seen = server.version();
    assert!(!server.get("/2022/101/").text().contains("办公室（测试）"));
    edit(
        &server.content().join("2022/101/unit.yaml"),
        NAME,
        &format!("{NAME}（测试）"),
    );
    // An open page waiting on the version is answered…
    let now = server.next_version(&seen);
    assert_ne!(now, seen);
    // … and what it reloads is the new page.
    assert!(
        server.get("/2022/101/").text().contains("办公室（测试）"),
        "{}",
        server.log()
    );
    // Only the edited department-year was rendered again.
    let log = server.log();
    let rebuilt = log.lines().rfind(|l| l.starts_with("built ")).unwrap();
    assert!(rebuilt.contains("unchanged"), "{log}");
    // Nothing changed, nothing to reload: the version stays.
    assert_eq!(server.version(), now);
}

#[test]
fn a_storm_of_changes_is_one_rebuild() {
    let server = Server::start("storm", |_| {});
    let seen = server.version();
    // An editor saving every file of a department-year at once.
    let dir = server.content().join("2022/101");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    // A comment changes no page; the new name does.
    let texts: Vec<String> = files
        .iter()
        .map(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .replace(NAME, &format!("{NAME}（测试）"))
                + "\n# saved\n"
        })
        .collect();
    for (file, text) in files.iter().zip(&texts) {
        std::fs::write(file, text).unwrap();
    }
    server.next_version(&seen);
    assert!(server.get("/2022/101/").text().contains("办公室（测试）"));
    // Settle: a second rebuild would have started by now.
    std::thread::sleep(Duration::from_millis(1500));
    let log = server.log();
    assert_eq!(log.matches("change detected").count(), 1, "{log}");
}

#[test]
fn while_the_content_has_errors_every_page_shows_the_findings() {
    let server = Server::start("errors", |_| {});
    let seen = server.version();
    let functions = server.content().join("2022/101/functions.yaml");
    edit(&functions, BASIC, "basic: 1526.079");
    let seen = server.next_version(&seen);
    for path in ["/", "/2022/101/", "/static/style.css", "/no/such/page"] {
        let reply = server.get(path);
        assert_eq!(reply.status, 500, "{path}");
        assert_eq!(reply.header("content-type"), Some("text/html; charset=utf-8"));
        let page = reply.text();
        assert!(page.contains("构建失败"), "{page}");
        assert!(page.contains("error[amount-decimals]"), "{page}");
        assert!(page.contains("1526.079"), "{page}");
        assert!(page.contains(&format!("<script src=\"/__gongkai/reload.js?v={seen}\"></script>")));
    }
    // The reload machinery still works, so the page reloads once fixed.
    assert_eq!(server.get("/__gongkai/reload.js").status, 200);
    edit(&functions, "basic: 1526.079", BASIC);
    server.next_version(&seen);
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert!(home.text().contains("部门预算公开"));
}

#[test]
fn a_preview_of_broken_content_starts_with_the_findings() {
    let server = Server::start("broken", |content| {
        edit(&content.join("2022/101/functions.yaml"), BASIC, "basic: 1526.079");
    });
    let reply = server.get("/2022/101/");
    assert_eq!(reply.status, 500);
    assert!(reply.text().contains("error[amount-decimals]"));
}

#[test]
fn a_changed_site_configuration_shows_up_in_the_open_page() {
    let server = Server::start("config", |_| {});
    let seen = server.version();
    assert!(!server.get("/2022/101/").text().contains("主办单位"));
    // gongkai.toml sits next to the content folder; it did not exist.
    let config = server.content().parent().unwrap().join("gongkai.toml");
    std::fs::write(&config, "publisher = \"张家口市财政局\"\n").unwrap();
    let now = server.next_version(&seen);
    assert_ne!(now, seen);
    assert!(
        server.get("/2022/101/").text().contains("主办单位：张家口市财政局"),
        "{}",
        server.log()
    );
}
