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

/// Writes `files` into `output` atomically: a sibling staging folder is
/// filled, then renamed over the old output.
pub fn write_atomically(output: &Path, files: &[OutputFile]) -> Result<(), Error> {
    let parent = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = output
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Write { path, source }
    };
    let _ = std::fs::remove_dir_all(&staging);
    let result = (|| {
        for file in files {
            let path = staging.join(&file.path);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(io(dir))?;
            }
            std::fs::write(&path, &file.bytes).map_err(io(&path))?;
        }
        std::fs::create_dir_all(&staging).map_err(io(&staging))?;
        if output.exists() {
            std::fs::rename(output, &old).map_err(io(output))?;
        }
        if let Err(e) = std::fs::rename(&staging, output) {
            let _ = std::fs::rename(&old, output);
            return Err(io(output)(e));
        }
        let _ = std::fs::remove_dir_all(&old);
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}
