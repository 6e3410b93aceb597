//! `gongkai serve`: a local preview server.
//!
//! It builds the site into memory, serves it on 127.0.0.1 (unless told
//! otherwise), polls `content/` and `themes/` for changes and rebuilds, and
//! tells open pages to reload. When a build fails, every page shows the
//! findings instead of the stale site. Only GET and HEAD of files of the
//! build are answered; nothing outside the build can be reached.

use gongkai_render::output::OutputFile;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// What the server currently serves.
#[derive(Default)]
struct State {
    files: BTreeMap<String, Arc<Vec<u8>>>,
    /// The findings of a failed build, shown instead of the site.
    error: Option<String>,
    /// Bumped on every rebuild; pages poll it to reload.
    version: u64,
}

/// A build function: the files of the site, or the report of why not.
pub type Builder = dyn Fn() -> Result<Vec<OutputFile>, String> + Send + Sync;

const RELOAD_PATH: &str = "/__gongkai/version";
const RELOAD_SCRIPT_PATH: &str = "/__gongkai/reload.js";
const RELOAD_SCRIPT: &str = r#"(function () {
  "use strict";
  var seen = null;
  function poll() {
    fetch("/__gongkai/version", { cache: "no-store" }).then(function (r) { return r.text(); }).then(function (v) {
      if (seen !== null && v !== seen) { location.reload(); }
      seen = v;
    }).catch(function () {}).finally(function () { setTimeout(poll, 800); });
  }
  poll();
})();
"#;

/// Serves the site until the process is stopped.
pub fn serve(addr: SocketAddr, watch: Vec<PathBuf>, build: Box<Builder>) -> std::io::Result<()> {
    let listener = TcpListener::bind(addr)?;
    let state = Arc::new(Mutex::new(State::default()));
    rebuild(&state, &*build);
    eprintln!("serving on http://{} (Ctrl-C to stop)", listener.local_addr()?);
    {
        let state = state.clone();
        std::thread::spawn(move || {
            let mut last = fingerprint(&watch);
            loop {
                std::thread::sleep(Duration::from_millis(400));
                let now = fingerprint(&watch);
                if now != last {
                    last = now;
                    eprintln!("change detected, rebuilding…");
                    rebuild(&state, &*build);
                }
            }
        });
    }
    for stream in listener.incoming().flatten() {
        let state = state.clone();
        std::thread::spawn(move || {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            let _ = handle(stream, &state);
        });
    }
    Ok(())
}

fn rebuild(state: &Mutex<State>, build: &Builder) {
    let result = build();
    let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
    s.version += 1;
    match result {
        Ok(files) => {
            s.files = files
                .into_iter()
                .map(|f| {
                    (
                        format!("/{}", f.path.to_string_lossy().replace('\\', "/")),
                        Arc::new(f.bytes),
                    )
                })
                .collect();
            s.error = None;
            eprintln!("built {} files", s.files.len());
        }
        Err(report) => {
            eprintln!("{report}");
            s.error = Some(report);
        }
    }
}

/// Modification times and sizes of every file below the watched folders.
fn fingerprint(paths: &[PathBuf]) -> Vec<(PathBuf, SystemTime, u64)> {
    let mut out = Vec::new();
    for root in paths {
        for entry in walkdir::WalkDir::new(root).sort_by_file_name().into_iter().flatten() {
            if let Ok(meta) = entry.metadata()
                && meta.is_file()
            {
                out.push((
                    entry.path().to_path_buf(),
                    meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                    meta.len(),
                ));
            }
        }
    }
    out
}

fn handle(mut stream: TcpStream, state: &Mutex<State>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.by_ref().take(8192).read_line(&mut request_line)?;
    // Drain the headers (bounded).
    let mut header = String::new();
    for _ in 0..100 {
        header.clear();
        if reader.by_ref().take(8192).read_line(&mut header)? == 0 || header == "\r\n" || header == "\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default();
    let target = parts.next().unwrap_or("/");
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut stream,
            405,
            "text/plain; charset=utf-8",
            b"method not allowed",
            method == "HEAD",
        );
    }
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let head = method == "HEAD";
    let s = state.lock().unwrap_or_else(|e| e.into_inner()).clone_view();
    match path {
        RELOAD_PATH => return respond(&mut stream, 200, "text/plain", s.version.to_string().as_bytes(), head),
        RELOAD_SCRIPT_PATH => return respond(&mut stream, 200, "text/javascript", RELOAD_SCRIPT.as_bytes(), head),
        _ => {}
    }
    let Some(decoded) = percent_decode(path) else {
        return respond(&mut stream, 400, "text/plain; charset=utf-8", b"bad request", head);
    };
    if let Some(report) = &s.error {
        let page = error_page(report);
        return respond(&mut stream, 500, "text/html; charset=utf-8", page.as_bytes(), head);
    }
    let key = if decoded.ends_with('/') {
        format!("{decoded}index.html")
    } else {
        decoded.clone()
    };
    let (key, body) = match s.files.get(&key) {
        Some(body) => (key, body.clone()),
        None => match s.files.get(&format!("{decoded}/index.html")) {
            // A folder without its slash: redirect so relative links work.
            Some(_) => return redirect(&mut stream, &format!("{decoded}/")),
            None => {
                return respond(
                    &mut stream,
                    404,
                    "text/html; charset=utf-8",
                    not_found().as_bytes(),
                    head,
                );
            }
        },
    };
    let content_type = content_type(&key);
    if content_type.starts_with("text/html") {
        let html = String::from_utf8_lossy(&body).replace(
            "</body>",
            &format!("<script src=\"{RELOAD_SCRIPT_PATH}\"></script></body>"),
        );
        return respond(&mut stream, 200, content_type, html.as_bytes(), head);
    }
    respond(&mut stream, 200, content_type, &body, head)
}

impl State {
    /// A cheap copy (file bodies are shared) so the lock is not held while writing.
    fn clone_view(&self) -> State {
        State {
            files: self.files.clone(),
            error: self.error.clone(),
            version: self.version,
        }
    }
}

/// Decodes `%XX` escapes; refuses paths that could climb out (`..`, NUL, backslash).
fn percent_decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
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

fn content_type(path: &str) -> &'static str {
    match Path::new(path).extension().and_then(|e| e.to_str()).unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "svg" => "image/svg+xml",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    }
}

fn respond(stream: &mut TcpStream, status: u16, content_type: &str, body: &[u8], head: bool) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Internal Server Error",
    };
    let header = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(header.as_bytes())?;
    if !head {
        stream.write_all(body)?;
    }
    stream.flush()
}

fn redirect(stream: &mut TcpStream, location: &str) -> std::io::Result<()> {
    let header = format!(
        "HTTP/1.1 301 Moved Permanently\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(header.as_bytes())
}

fn not_found() -> String {
    "<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>404</title><body><h1>404 未找到</h1><p><a href=\"/\">返回首页</a></p></body></html>".into()
}

/// The page shown while the content has errors.
fn error_page(report: &str) -> String {
    let escaped = gongkai_portal::html::escape(report);
    format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>构建失败 build failed</title></head><body>\
         <h1>构建失败：内容有错误 (build failed)</h1><p>修改后会自动重新构建并刷新本页。Fix the content; this page reloads when the build succeeds.</p>\
         <pre>{escaped}</pre><script src=\"{RELOAD_SCRIPT_PATH}\"></script></body></html>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_climb_out() {
        assert_eq!(percent_decode("/2022/101/"), Some("/2022/101/".into()));
        assert_eq!(percent_decode("/a%20b"), Some("/a b".into()));
        assert_eq!(percent_decode("/../etc/passwd"), None);
        assert_eq!(percent_decode("/%2e%2e/etc/passwd"), None);
        assert_eq!(percent_decode("/a%5c..%5cb"), None);
        assert_eq!(percent_decode("/%00"), None);
        assert_eq!(percent_decode("/%zz"), None);
    }
}
