//! The preview's HTTP side: [`hyper`] on a one-thread tokio runtime.
//!
//! Connections are served concurrently by one thread (waiting costs no
//! thread, so a page's reload request can be held open), at most
//! [`MAX_CONNECTIONS`] at once (further ones wait in the listen queue), and
//! files are read by at most [`FILE_THREADS`] threads. A connection that
//! does not send a complete request head within [`HEADER_TIMEOUT`] (an idle
//! keep-alive one too) is closed.
//!
//! Every request is checked before anything else: its `Host` (and the
//! authority of an absolute request target) must name this machine —
//! `localhost`, `127.0.0.1`, `[::1]` or the bound address, with any port —
//! or it is refused with 403, so a page of another site that a DNS rebinding
//! points at 127.0.0.1 cannot read the preview. Only GET and HEAD are
//! answered. Paths are percent-decoded strictly and may not climb out
//! (`..`), hold NUL or backslashes, or name hidden files (the build's
//! manifest). While the content has errors every page is the findings.

use super::Shared;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// Connections served at once; further ones wait to be accepted.
pub const MAX_CONNECTIONS: usize = 64;

/// Threads reading files at most (tokio's blocking pool).
pub const FILE_THREADS: usize = 4;

/// A request head must arrive within this (an idle keep-alive connection is
/// closed after it).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a reload request is held open waiting for a new version.
const LONG_POLL: Duration = Duration::from_secs(25);

/// The site's version: `GET` answers at once; `GET …?wait=V` answers when
/// the version is no longer `V` (or after [`LONG_POLL`]).
pub const RELOAD_PATH: &str = "/__gongkai/version";

/// The script every page of the preview loads to reload itself.
pub const RELOAD_SCRIPT_PATH: &str = "/__gongkai/reload.js";

/// Reloads the page when the site's version changes. The page loads it as
/// `reload.js?v=<version it was served at>`, so a change saved before it
/// asks reloads the page all the same. It waits on the version (a request
/// the server holds open), from one second after the page loaded (so tools
/// that wait for the network to go quiet, test drivers and audits, see the
/// page settle), and only while the page is visible: a hidden tab holds no
/// connection (browsers allow six per site) and asks once when shown again.
/// A script file, not inline, because pages carry a strict CSP
/// (`script-src 'self'`).
const RELOAD_SCRIPT: &str = r#"(function () {
  "use strict";
  var me = document.currentScript && /[?&]v=([^&]*)/.exec(document.currentScript.src);
  var seen = me ? decodeURIComponent(me[1]) : null, request = null, timer = null, failures = 0;
  function poll() {
    timer = null;
    if (request || document.visibilityState === "hidden") { return; }
    request = new AbortController();
    var url = "/__gongkai/version" + (seen === null ? "" : "?wait=" + encodeURIComponent(seen));
    fetch(url, { cache: "no-store", signal: request.signal })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.text(); })
      .then(function (v) {
        request = null;
        failures = 0;
        if (seen !== null && v !== seen) { location.reload(); return; }
        seen = v;
        poll();
      })
      .catch(function (e) {
        request = null;
        if (e && e.name === "AbortError") { return; }
        // The server is rebuilding or restarting: try again, less and less often.
        failures += 1;
        timer = setTimeout(poll, Math.min(250 * failures, 2000));
      });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      if (request) { request.abort(); request = null; }
    } else if (!timer) {
      poll();
    }
  });
  function settle() { timer = setTimeout(poll, 1000); }
  if (document.readyState === "complete") {
    settle();
  } else {
    timer = -1;
    window.addEventListener("load", settle);
  }
})();
"#;

/// The response bodies: whole (files are read at once).
type Body = Full<Bytes>;

/// Serves `listener` until the process ends.
pub fn run(listener: std::net::TcpListener, shared: Arc<Shared>) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .max_blocking_threads(FILE_THREADS)
        .thread_name("gongkai-serve-files")
        .build()?;
    runtime.block_on(accept(listener, shared))
}

async fn accept(listener: std::net::TcpListener, shared: Arc<Shared>) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return Ok(());
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors, say: wait, then go on serving.
                eprintln!("warning: cannot accept a connection: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let shared = shared.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let shared = shared.clone();
                async move { Ok::<_, Infallible>(respond(request, &shared).await) }
            });
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .max_buf_size(64 * 1024)
                .serve_connection(TokioIo::new(stream), service);
            // A connection that fails (reset, timed out) only ends itself.
            let _ = connection.await;
            drop(slot);
        });
    }
}

/// The answer to one request.
async fn respond(request: Request<Incoming>, shared: &Shared) -> Response<Body> {
    if !host_allowed(&request, shared.bound) {
        return text(
            StatusCode::FORBIDDEN,
            "forbidden: this preview answers only requests for localhost, 127.0.0.1, [::1] or the address it is bound to\n",
        );
    }
    let method = request.method();
    if method != Method::GET && method != Method::HEAD {
        let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let path = request.uri().path().to_string();
    let query = request.uri().query().map(str::to_string);
    match path.as_str() {
        RELOAD_PATH => return version(query.as_deref(), shared).await,
        RELOAD_SCRIPT_PATH => {
            return response(StatusCode::OK, "text/javascript; charset=utf-8", RELOAD_SCRIPT);
        }
        _ => {}
    }
    let Some(decoded) = percent_decode(&path) else {
        return text(StatusCode::BAD_REQUEST, "bad request\n");
    };
    // Read before the page: a rebuild in between costs one reload more,
    // never one less.
    let version = shared.version.borrow().clone();
    if let Some(report) = shared.error() {
        return page(StatusCode::INTERNAL_SERVER_ERROR, error_page(&report, &version));
    }
    let site = shared.site.clone();
    let found = tokio::task::spawn_blocking(move || lookup(&site, &decoded)).await;
    match found {
        Ok(Found::File { bytes, content_type }) => {
            let bytes = match content_type.starts_with("text/html") {
                true => with_reload_script(bytes, &version),
                false => bytes,
            };
            response(StatusCode::OK, content_type, bytes)
        }
        Ok(Found::Folder) => {
            // A folder without its slash: redirect so relative links work.
            let location = match query {
                Some(q) => format!("{path}/?{q}"),
                None => format!("{path}/"),
            };
            let mut response = response(StatusCode::MOVED_PERMANENTLY, "text/plain; charset=utf-8", "");
            match HeaderValue::from_str(&location) {
                Ok(value) => {
                    response.headers_mut().insert(header::LOCATION, value);
                    response
                }
                Err(_) => text(StatusCode::BAD_REQUEST, "bad request\n"),
            }
        }
        Ok(Found::Missing) => page(StatusCode::NOT_FOUND, not_found(&version)),
        Ok(Found::Failed(e)) => text(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("cannot read the file: {e}\n"),
        ),
        Err(_) => text(StatusCode::INTERNAL_SERVER_ERROR, "internal error\n"),
    }
}

/// The site's version, at once or when it changes (see [`RELOAD_PATH`]).
async fn version(query: Option<&str>, shared: &Shared) -> Response<Body> {
    let mut versions = shared.version.subscribe();
    let seen = query.and_then(|q| q.split('&').find_map(|pair| pair.strip_prefix("wait=")));
    if let Some(seen) = seen {
        let current = versions.borrow_and_update().clone();
        if *current == *seen {
            let _ = tokio::time::timeout(LONG_POLL, versions.changed()).await;
        }
    }
    let current = versions.borrow().clone();
    response(StatusCode::OK, "text/plain; charset=utf-8", current.to_string())
}

/// Whether a request names this machine: exactly one `Host` header, and the
/// authority of an absolute-form target, if any, each allowed by
/// [`host_allowed_name`].
fn host_allowed(request: &Request<Incoming>, bound: IpAddr) -> bool {
    let mut hosts = request.headers().get_all(header::HOST).iter();
    let (Some(host), None) = (hosts.next(), hosts.next()) else {
        return false;
    };
    let host_ok = host.to_str().is_ok_and(|h| host_allowed_name(h, bound));
    let authority_ok = request
        .uri()
        .authority()
        .is_none_or(|a| host_allowed_name(a.as_str(), bound));
    host_ok && authority_ok
}

/// Whether `host` (a `Host` header: a name or IP literal, with or without a
/// port) names this machine: `localhost`, `127.0.0.1`, `[::1]` or the bound
/// address. When bound to every address (`0.0.0.0`, `::`), any IP literal
/// (a DNS rebinding needs a name, and a user on another machine types the
/// address).
pub fn host_allowed_name(host: &str, bound: IpAddr) -> bool {
    let Some(name) = strip_port(host) else {
        return false;
    };
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let ip = match name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
        Some(v6) => v6.parse::<Ipv6Addr>().map(IpAddr::V6),
        None => name.parse::<Ipv4Addr>().map(IpAddr::V4),
    };
    let Ok(ip) = ip else {
        return false;
    };
    ip == IpAddr::V4(Ipv4Addr::LOCALHOST)
        || ip == IpAddr::V6(Ipv6Addr::LOCALHOST)
        || ip == bound
        || bound.is_unspecified()
}

/// The host of a `host[:port]` (`[v6]` in brackets); `None` when the port is
/// not a port number or the host is empty.
fn strip_port(host: &str) -> Option<&str> {
    let (name, port) = if host.starts_with('[') {
        let end = host.find(']')? + 1;
        let (name, rest) = host.split_at(end);
        match rest {
            "" => (name, None),
            _ => (name, Some(rest.strip_prefix(':')?)),
        }
    } else {
        match host.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        }
    };
    if let Some(port) = port
        && (port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) || port.parse::<u16>().is_err())
    {
        return None;
    }
    (!name.is_empty()).then_some(name)
}

/// What a path names in the published preview.
#[derive(Debug)]
enum Found {
    File {
        bytes: Vec<u8>,
        content_type: &'static str,
    },
    /// A folder with an index page, asked for without its slash.
    Folder,
    Missing,
    Failed(std::io::Error),
}

/// Looks a decoded path (see [`percent_decode`]) up in the published
/// preview `site`: `/` and every `…/` is its `index.html`; hidden files are
/// not served.
fn lookup(site: &Path, decoded: &str) -> Found {
    let relative = decoded.trim_start_matches('/');
    if relative.split('/').any(|segment| segment.starts_with('.')) {
        return Found::Missing;
    }
    let mut path = site.join(relative);
    let folder = decoded.ends_with('/');
    if folder {
        path.push("index.html");
    }
    match std::fs::metadata(&path) {
        Ok(meta) if meta.is_file() => match std::fs::read(&path) {
            Ok(bytes) => Found::File {
                bytes,
                content_type: content_type(&path),
            },
            Err(e) => Found::Failed(e),
        },
        Ok(meta) if meta.is_dir() && !folder && path.join("index.html").is_file() => Found::Folder,
        _ => Found::Missing,
    }
}

/// Decodes `%XX` escapes; refuses paths that could climb out (`..`, NUL,
/// backslash), malformed escapes and what is not UTF-8.
pub fn percent_decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let decoded = String::from_utf8(out).ok()?;
    let bad = !decoded.starts_with('/')
        || decoded.contains('\0')
        || decoded.contains('\\')
        || decoded.split('/').any(|segment| segment == "..");
    (!bad).then_some(decoded)
}

/// The content type of a file of the site, by its extension.
pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    }
}

/// The tag that loads the reload script into a page served at `version`.
fn reload_tag(version: &str) -> String {
    let version = gongkai_portal::html::escape(version);
    format!("<script src=\"{RELOAD_SCRIPT_PATH}?v={version}\"></script>")
}

/// A page with the reload script before its last `</body>` (or at its end).
fn with_reload_script(mut html: Vec<u8>, version: &str) -> Vec<u8> {
    let tag = reload_tag(version);
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    html.splice(at..at, tag.bytes());
    html
}

/// A response that is never cached (the preview changes under it) and
/// never sniffed.
fn response(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Response<Body> {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

fn text(status: StatusCode, body: &str) -> Response<Body> {
    response(status, "text/plain; charset=utf-8", body.to_string())
}

/// One of the server's own pages, locked down like the site's.
fn page(status: StatusCode, html: String) -> Response<Body> {
    let mut response = response(status, "text/html; charset=utf-8", html);
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'"),
    );
    response
}

fn not_found(version: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>404</title></head><body>\
         <h1>404 未找到</h1><p><a href=\"/\">返回首页</a></p>{}</body></html>",
        reload_tag(version)
    )
}

/// The page shown for every path while the content has errors.
fn error_page(report: &str, version: &str) -> String {
    let escaped = gongkai_portal::html::escape(report);
    format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>构建失败 build failed</title></head><body>\
         <h1>构建失败：内容有错误 (build failed)</h1><p>修改后会自动重新构建并刷新本页。Fix the content; this page reloads when the build succeeds.</p>\
         <pre>{escaped}</pre>{}</body></html>",
        reload_tag(version)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_climb_out() {
        assert_eq!(percent_decode("/2022/101/"), Some("/2022/101/".into()));
        assert_eq!(percent_decode("/a%20b"), Some("/a b".into()));
        assert_eq!(percent_decode("/%E5%B9%B4"), Some("/年".into()));
        assert_eq!(percent_decode("/../etc/passwd"), None);
        assert_eq!(percent_decode("/%2e%2e/etc/passwd"), None);
        assert_eq!(percent_decode("/%2E%2E/etc/passwd"), None);
        assert_eq!(percent_decode("/a/../../b"), None);
        assert_eq!(percent_decode("/a%5c..%5cb"), None);
        assert_eq!(percent_decode("/a%2f..%2fb"), None);
        assert_eq!(percent_decode("/%00"), None);
        assert_eq!(percent_decode("/%zz"), None);
        assert_eq!(percent_decode("/%+1"), None, "from_str_radix alone would take a sign");
        assert_eq!(percent_decode("/%4"), None);
        assert_eq!(percent_decode("/%ff"), None, "not UTF-8");
        assert_eq!(percent_decode("relative"), None);
    }

    #[test]
    fn only_this_machine_is_a_host() {
        let loopback = IpAddr::V4(Ipv4Addr::LOCALHOST);
        for host in [
            "localhost",
            "localhost:1111",
            "LocalHost:1111",
            "127.0.0.1",
            "127.0.0.1:1111",
            "[::1]",
            "[::1]:8080",
            "[0:0:0:0:0:0:0:1]:1111",
        ] {
            assert!(host_allowed_name(host, loopback), "{host}");
        }
        for host in [
            "",
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "127.0.0.1.nip.io:1111",
            "localhost:",
            "localhost:99999",
            "localhost:11a1",
            "localhost:1111:1111",
            "[::1",
            "[::1]x",
            "::1",
            "192.168.1.5:1111",
            "0.0.0.0",
        ] {
            assert!(!host_allowed_name(host, loopback), "{host}");
        }
        // The bound address, with or without the port.
        let lan = IpAddr::V4(Ipv4Addr::new(192, 168, 1, 5));
        assert!(host_allowed_name("192.168.1.5:1111", lan));
        assert!(host_allowed_name("192.168.1.5", lan));
        assert!(host_allowed_name("localhost:1111", lan));
        assert!(!host_allowed_name("192.168.1.6:1111", lan));
        assert!(!host_allowed_name("gongkai.lan:1111", lan));
        let v6 = "fe80::1".parse::<IpAddr>().unwrap();
        assert!(host_allowed_name("[fe80::1]:1111", v6));
        assert!(host_allowed_name("[fe80:0::1]", v6));
        // Bound to every address: any address, still no name.
        let any = IpAddr::V4(Ipv4Addr::UNSPECIFIED);
        assert!(host_allowed_name("192.168.1.6:1111", any));
        assert!(host_allowed_name("[fe80::2]:1111", any));
        assert!(!host_allowed_name("evil.example:1111", any));
    }

    #[test]
    fn files_folders_and_hidden_files() {
        let site = std::env::temp_dir().join(format!("gongkai-serve-lookup-{}", std::process::id()));
        std::fs::create_dir_all(site.join("2022/101")).unwrap();
        std::fs::create_dir_all(site.join("search")).unwrap();
        std::fs::write(site.join("index.html"), "home").unwrap();
        std::fs::write(site.join("2022/101/index.html"), "page").unwrap();
        std::fs::write(site.join("2022/101/tables.xlsx"), "xlsx").unwrap();
        std::fs::write(site.join(".gongkai-manifest"), "manifest").unwrap();
        let file = |path| match lookup(&site, path) {
            Found::File { bytes, content_type } => Some((String::from_utf8(bytes).unwrap(), content_type)),
            _ => None,
        };
        assert_eq!(file("/"), Some(("home".into(), "text/html; charset=utf-8")));
        assert_eq!(file("/2022/101/"), Some(("page".into(), "text/html; charset=utf-8")));
        assert_eq!(
            file("/2022/101/tables.xlsx"),
            Some((
                "xlsx".into(),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            ))
        );
        assert!(matches!(lookup(&site, "/2022/101"), Found::Folder));
        assert!(matches!(lookup(&site, "/search"), Found::Missing), "no index page");
        assert!(matches!(lookup(&site, "/search/"), Found::Missing));
        assert!(matches!(lookup(&site, "/.gongkai-manifest"), Found::Missing));
        assert!(matches!(lookup(&site, "/2022/./101/"), Found::Missing));
        assert!(matches!(lookup(&site, "/2023/"), Found::Missing));
        let _ = std::fs::remove_dir_all(&site);
    }

    #[test]
    fn pages_load_the_reload_script_before_their_end() {
        let tag = "<script src=\"/__gongkai/reload.js?v=18ef-2\"></script>";
        let with = |html: &[u8]| String::from_utf8(with_reload_script(html.to_vec(), "18ef-2")).unwrap();
        assert_eq!(
            with(b"<body><p>x</p></body></html>"),
            format!("<body><p>x</p>{tag}</body></html>")
        );
        assert_eq!(with(b"<p>no end"), format!("<p>no end{tag}"));
        let page = error_page("<script>", "18ef-2");
        assert!(page.contains("&lt;script&gt;"), "findings are escaped");
        assert!(page.contains(tag));
    }
}
