//! Tidy checks over every tracked file, run by `cargo xtask tidy` and `cargo xtask ci` and, as
//! plain `#[test]`s, by `cargo test` (as rust-analyzer's tidy tests are):
//!
//! * nothing points outside the repository: no path into a checkout beside it (a parent
//!   directory's `shared` folder), no absolute path of a machine (under `/work` or `/home`), no
//!   markdown link whose relative target leaves the repository or names a file that does not
//!   exist;
//! * every SPEC citation names a clause of the contract (`podstate_conformance::citations`).
//!
//! Markdown links are read in `.md` files outside code blocks and, in `.rs` files, in comments;
//! a link into code (an intra-doc link such as `crate::State`) has no `/` and is left alone.

use anyhow::{Context, anyhow, bail};
use std::path::{Component, Path, PathBuf};
use std::process::Command;

/// Text that only a path leaving the repository contains. Spelled in two halves so that this
/// file does not contain it.
const FORBIDDEN: [&str; 3] = [
    concat!("..", "/shared"),
    concat!("/", "work/"),
    concat!("/", "home/"),
];

/// The repository root: the parent of this crate.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the repository root")
        .to_path_buf()
}

/// Runs every tidy check over the repository at `root`; the error lists every problem.
pub fn run(root: &Path) -> anyhow::Result<()> {
    let problems = problems(root)?;
    if problems.is_empty() {
        return Ok(());
    }
    Err(anyhow!(
        "{} tidy problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    ))
}

/// Every problem in the tracked files of the repository at `root`, as `path:line: what`.
pub fn problems(root: &Path) -> anyhow::Result<Vec<String>> {
    let mut problems = Vec::new();
    for path in tracked_files(root)? {
        let Ok(text) = std::fs::read_to_string(root.join(&path)) else {
            continue; // not text
        };
        problems.extend(check_file(root, &path, &text));
    }
    Ok(problems)
}

/// The files git tracks under `root`, relative to it.
fn tracked_files(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let out = Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(root)
        .output()
        .context("cannot run git ls-files")?;
    if !out.status.success() {
        bail!(
            "git ls-files failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(out
        .stdout
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| PathBuf::from(String::from_utf8_lossy(p).into_owned()))
        .collect())
}

/// The problems of one file, `path` relative to `root`, whose text is `text`.
pub fn check_file(root: &Path, path: &Path, text: &str) -> Vec<String> {
    let shown = path.display();
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for bad in FORBIDDEN.iter().filter(|bad| line.contains(**bad)) {
            problems.push(format!(
                "{shown}:{}: {bad:?} points outside the repository",
                i + 1
            ));
        }
    }
    for (line, target) in links(path, text) {
        if let Some(why) = link_problem(root, path, target) {
            problems.push(format!("{shown}:{line}: link to {target:?} {why}"));
        }
    }
    if matches!(extension(path), "rs" | "md") {
        for citation in podstate_conformance::citations::unresolved(text) {
            problems.push(format!(
                "{shown}:{}: {} is not a clause of the contract",
                citation.line, citation.clause
            ));
        }
    }
    problems
}

fn extension(path: &Path) -> &str {
    path.extension().and_then(|e| e.to_str()).unwrap_or("")
}

/// The markdown link targets of `text` with their line numbers: in `.md` files outside code
/// blocks, in `.rs` files in comments; never inside code spans.
fn links<'t>(path: &Path, text: &'t str) -> Vec<(usize, &'t str)> {
    let markdown = match extension(path) {
        "md" => true,
        "rs" => false,
        _ => return Vec::new(),
    };
    let mut found = Vec::new();
    let mut in_code_block = false;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let prose = if markdown {
            if trimmed.starts_with("```") {
                in_code_block = !in_code_block;
                continue;
            }
            (!in_code_block).then_some(line)
        } else {
            trimmed.strip_prefix("//")
        };
        let Some(prose) = prose else { continue };
        found.extend(line_links(prose).into_iter().map(|t| (i + 1, t)));
    }
    found
}

/// The targets of the inline links `[text](target)` and reference definitions `[text]: target`
/// of one line, code spans left out.
fn line_links(line: &str) -> Vec<&str> {
    let mut targets = Vec::new();
    for (n, piece) in line.split('`').enumerate() {
        if n % 2 == 1 {
            continue; // inside a code span
        }
        let mut rest = piece;
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            targets.push(after[..end].trim());
            rest = &after[end..];
        }
    }
    let definition = line
        .trim_start()
        .trim_start_matches(['/', '!', ' '])
        .strip_prefix('[')
        .and_then(|l| l.split_once("]: "));
    if let Some((_, target)) = definition {
        targets.push(target.trim());
    }
    targets
}

/// Why the link `target` in file `path` (relative to `root`) is wrong, if it is: it leaves the
/// repository, is absolute, or names nothing. URLs and in-page anchors are fine.
fn link_problem(root: &Path, path: &Path, target: &str) -> Option<&'static str> {
    let target = target.trim_start_matches('<').trim_end_matches('>');
    let target = target.split([' ', '#']).next().unwrap_or_default();
    let file_like = target.contains('/') || target.ends_with(".md");
    if target.is_empty() || target.contains("://") || target.starts_with("mailto:") || !file_like {
        return None;
    }
    if target.starts_with('/') {
        return Some("is absolute");
    }
    let dir = path.parent().unwrap_or(Path::new(""));
    let mut resolved = PathBuf::new();
    for part in dir.join(target).components() {
        match part {
            Component::ParentDir if !resolved.pop() => {
                return Some("leaves the repository");
            }
            Component::ParentDir | Component::CurDir => {}
            other => resolved.push(other),
        }
    }
    if !root.join(&resolved).exists() {
        return Some("names no file of the repository");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems_of(path: &str, text: &str) -> Vec<String> {
        check_file(&root(), Path::new(path), text)
    }

    /// The check itself, over the whole repository.
    #[test]
    fn the_repository_is_tidy() {
        if let Err(why) = run(&root()) {
            panic!("{why}");
        }
    }

    #[test]
    fn a_link_leaving_the_repository_is_flagged() {
        let text = "See [the spec](../../elsewhere/SPEC.md) and [that](docs/missing.md).\n\
                    [abs]: /etc/passwd\n";
        let problems = problems_of("README.md", text);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(
            problems[0].contains("leaves the repository"),
            "{problems:?}"
        );
        assert!(problems[1].contains("names no file"), "{problems:?}");
        assert!(problems[2].contains("is absolute"), "{problems:?}");
        // From a file one level down, one `..` is still inside.
        assert_eq!(
            problems_of("state-api/x.md", "[readme](../README.md)"),
            Vec::<String>::new()
        );
        assert_eq!(
            problems_of("state-api/x.md", "[up](../../README.md)").len(),
            1
        );
    }

    #[test]
    fn good_links_code_and_intra_doc_links_pass() {
        let text = "[a](README.md), [b](https://example.com/x/y), [c](#anchor), \
                    [d](ARCHITECTURE.md#crate-graph), `[e](../../x.md)`\n\
                    ```text\n[f](../../x.md)\n```\n";
        assert_eq!(problems_of("README.md", text), Vec::<String>::new());
        let rust = "//! [`State`](crate::State), [dump](crate::dump()) and\n\
                    let s = \"[g](../../x.md)\";\n";
        assert_eq!(problems_of("x/src/lib.rs", rust), Vec::<String>::new());
        assert_eq!(
            problems_of("x/src/lib.rs", "/// [g](../../../x.md)").len(),
            1
        );
    }

    #[test]
    fn machine_paths_and_sibling_checkouts_are_flagged() {
        for bad in FORBIDDEN {
            let text = format!("read {bad}SPEC.md first\n");
            assert_eq!(problems_of("notes.txt", &text).len(), 1, "{bad}");
        }
    }

    #[test]
    fn a_citation_of_a_missing_clause_is_flagged() {
        let text = "/// SPEC #2.3 and #5 Strings hold; #9 does not exist.\n".replace('#', "§");
        let problems = problems_of("x/src/lib.rs", &text);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("SPEC \u{a7}9"), "{problems:?}");
    }
}
