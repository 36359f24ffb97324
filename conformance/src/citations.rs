//! Citations of the contract: where a text cites SPEC ([`podstate_api::contract`]) and whether
//! each citation names a clause that exists.
//!
//! A citation is `§` and a section number, optionally followed by what narrows it down:
//!
//! | written | the clause | exists when the section has |
//! |---|---|---|
//! | `§3` | a section | a heading `## 3. ...` |
//! | `§2.3` | an item | a top-level numbered item `3.` |
//! | `§4 step 2` | a step of the check order | a `### Check order` part and an item `2.` |
//! | `§5 Strings`, `§5 "Names and lookups"` | a part: the words after the number, from a capital letter (a quotation that is no part's title cites the section) | a `###` heading the words begin with |
//! | ``§5 `refresh` `` | a name, in code style right after the number | that name in code style |
//!
//! The scenario suite checks with it that every scenario cites a clause and that the clause
//! exists; `cargo xtask ci` checks every citation in the repository the same way.

use std::fmt;
use std::sync::OnceLock;

mod wording;

/// One citation found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    /// The line it is on, counted from 1.
    pub line: usize,
    /// What it cites.
    pub clause: Clause,
}

/// What a citation names; see the [module docs](self) for how each is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    /// A whole section: `§3`.
    Section(u32),
    /// An item of a section's numbered list: `§2.3`.
    Item(u32, u32),
    /// A step of a section's check order: `§4 step 2`.
    Step(u32, u32),
    /// Words (letters and spaces) that must begin with the title of one of the section's parts:
    /// `§5 Strings`.
    Part(u32, String),
    /// A name in code style the section must mention: ``§5 `refresh` ``.
    Name(u32, String),
}

impl Clause {
    /// Whether the contract has this clause.
    pub fn exists(&self) -> bool {
        let Some(section) = contract().iter().find(|s| s.number == self.section()) else {
            return false;
        };
        match self {
            Clause::Section(_) => true,
            Clause::Item(_, item) => section.items.contains(item),
            Clause::Step(_, step) => {
                section.parts.iter().any(|p| p == "Check order") && section.items.contains(step)
            }
            Clause::Part(_, words) => section
                .parts
                .iter()
                .any(|part| begins_with_words(words, part)),
            Clause::Name(_, name) => {
                let quoted = format!("`{name}");
                section.text.match_indices(&quoted).any(|(i, _)| {
                    matches!(
                        section.text[i + quoted.len()..].chars().next(),
                        Some('`' | '(')
                    )
                })
            }
        }
    }

    /// The section it belongs to.
    pub fn section(&self) -> u32 {
        match self {
            Clause::Section(n)
            | Clause::Item(n, _)
            | Clause::Step(n, _)
            | Clause::Part(n, _)
            | Clause::Name(n, _) => *n,
        }
    }
}

impl fmt::Display for Clause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Clause::Section(n) => write!(f, "SPEC §{n}"),
            Clause::Item(n, item) => write!(f, "SPEC §{n}.{item}"),
            Clause::Step(n, step) => write!(f, "SPEC §{n} step {step}"),
            Clause::Part(n, words) => write!(f, "SPEC §{n} {words}"),
            Clause::Name(n, name) => write!(f, "SPEC §{n} `{name}`"),
        }
    }
}

/// Every citation in `text`, in order. A citation may go on over the next line (a part's title
/// wrapped in a comment, say).
pub fn find(text: &str) -> Vec<Citation> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        for (at, _) in line.match_indices('§') {
            let next = lines.get(i + 1).map_or("", |l| without_comment_marker(l));
            let rest = format!("{} {next}", &line[at + '§'.len_utf8()..]);
            if let Some(clause) = parse(&rest) {
                found.push(Citation {
                    line: i + 1,
                    clause,
                });
            }
        }
    }
    found
}

/// `line` without its indentation and the `//!`, `///` or `//` of a Rust comment.
fn without_comment_marker(line: &str) -> &str {
    let line = line.trim_start();
    let line = ["//!", "///", "//"]
        .iter()
        .find_map(|marker| line.strip_prefix(marker))
        .unwrap_or(line);
    line.trim_start()
}

/// The citations in `text` whose clause the contract does not have.
pub fn unresolved(text: &str) -> Vec<Citation> {
    find(text)
        .into_iter()
        .filter(|c| !c.clause.exists())
        .collect()
}

/// The clause cited by `rest`, the text right after a `§`; `None` when no number follows.
fn parse(rest: &str) -> Option<Clause> {
    let (section, rest) = number(rest)?;
    if let Some(after_dot) = rest.strip_prefix('.')
        && let Some((item, _)) = number(after_dot)
    {
        return Some(Clause::Item(section, item));
    }
    let Some(words) = rest.strip_prefix(' ') else {
        return Some(Clause::Section(section));
    };
    if let Some((step, _)) = words.strip_prefix("step ").and_then(number) {
        return Some(Clause::Step(section, step));
    }
    if let Some(code) = words.strip_prefix('`') {
        let name = code.split(['`', '(']).next().unwrap_or_default();
        return Some(Clause::Name(section, name.to_owned()));
    }
    if let Some(quoted) = words.strip_prefix('"') {
        // `§5 "Strings"` names a part; `§3 "A passed object ..."` quotes the section.
        let quoted = quoted.split('"').next().unwrap_or_default();
        let names_part = contract()
            .iter()
            .any(|s| s.number == section && s.parts.iter().any(|p| p == quoted));
        return Some(match names_part {
            true => Clause::Part(section, quoted.to_owned()),
            false => Clause::Section(section),
        });
    }
    if words.starts_with(|c: char| c.is_ascii_uppercase()) {
        let end = words
            .find(|c: char| !c.is_ascii_alphabetic() && c != ' ')
            .unwrap_or(words.len());
        return Some(Clause::Part(section, words[..end].trim_end().to_owned()));
    }
    Some(Clause::Section(section))
}

/// The decimal number at the start of `s`, and what follows it.
fn number(s: &str) -> Option<(u32, &str)> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    Some((s[..end].parse().ok()?, &s[end..]))
}

/// Whether `words` begins with `title`, as whole words.
fn begins_with_words(words: &str, title: &str) -> bool {
    words
        .strip_prefix(title)
        .is_some_and(|after| !after.starts_with(|c: char| c.is_alphanumeric()))
}

/// One numbered section of the contract.
struct Section {
    number: u32,
    /// Its top-level numbered items (the invariants of §2, the steps of §4).
    items: Vec<u32>,
    /// The titles of its `###` parts.
    parts: Vec<String>,
    /// Its whole text, heading included.
    text: String,
}

/// The contract's sections, parsed once.
fn contract() -> &'static [Section] {
    static SECTIONS: OnceLock<Vec<Section>> = OnceLock::new();
    SECTIONS.get_or_init(|| sections(podstate_api::contract::TEXT))
}

/// The `## N. Title` sections of `text`.
fn sections(text: &str) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("## ")
            && let Some((number, rest)) = number(heading)
            && rest.starts_with(". ")
        {
            sections.push(Section {
                number,
                items: Vec::new(),
                parts: Vec::new(),
                text: String::new(),
            });
        }
        let Some(section) = sections.last_mut() else {
            continue;
        };
        if let Some(title) = line.strip_prefix("### ") {
            section.parts.push(title.trim().to_owned());
        } else if let Some((item, rest)) = number(line)
            && rest.starts_with(". ")
        {
            section.items.push(item);
        }
        section.text.push_str(line);
        section.text.push('\n');
    }
    sections
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Call;

    fn clauses(text: &str) -> Vec<Clause> {
        find(text).into_iter().map(|c| c.clause).collect()
    }

    #[test]
    fn every_form_is_read() {
        assert_eq!(
            clauses("SPEC §3: a; §2.8. SPEC §4 step 2 before 3, §5 \"Names and lookups\""),
            [
                Clause::Section(3),
                Clause::Item(2, 8),
                Clause::Step(4, 2),
                Clause::Part(5, "Names and lookups".to_owned()),
            ]
        );
        assert_eq!(
            clauses("SPEC §5 `lookup_container_id(s)` and §1.\n§4 `NoSuchCtr`"),
            [
                Clause::Name(5, "lookup_container_id".to_owned()),
                Clause::Section(1),
                Clause::Name(4, "NoSuchCtr".to_owned()),
            ]
        );
        assert_eq!(find("x\n\ny §2.1")[0].line, 3);
        // `#` for the section sign: the wrapped citation is not one on this file's own line.
        let wrapped = "(SPEC #5 Names and\n//! lookups) #3 \"A quote\"".replace('#', "§");
        assert_eq!(
            clauses(&wrapped),
            [
                Clause::Part(5, "Names and lookups".to_owned()),
                Clause::Section(3)
            ]
        );
        assert!(find("no citation, § alone, §x").is_empty());
    }

    #[test]
    fn the_clauses_the_project_cites_exist() {
        let mut cited = "SPEC §1, §2, §3, §4, §5; §5 Lifecycle, §5 Strings, \
                         §5 Names and lookups, §5 Containers, §5 Networks, \
                         §5 Exec sessions, §5 Pods, §5 Volumes, §5 `refresh`, §4 `NoSuchCtr`, \
                         §3 Namespaces and visibility, §4 Check order"
            .to_owned();
        (1..=8).for_each(|i| cited.push_str(&format!(", §2.{i}")));
        (1..=5).for_each(|i| cited.push_str(&format!(", §4 step {i}")));
        assert_eq!(find(&cited).len(), 30);
        assert_eq!(unresolved(&cited), []);
    }

    #[test]
    fn clauses_that_are_not_there_are_caught() {
        // Written with `#` for the section sign, so that the repository-wide check of
        // `cargo xtask ci` does not find these in this file.
        let wrong = "#6, #2.9, #0, #4 step 6, #5 Exec, #5 Stringsy, #5 `nope`, #5 `refres`, \
                     #3 Handles of old, #1 step 1"
            .replace('#', "§");
        assert_eq!(find(&wrong).len(), 10);
        assert_eq!(unresolved(&wrong), find(&wrong));
    }

    #[test]
    fn every_call_has_its_entry_in_section_5() {
        for call in Call::ALL {
            let clause = Clause::Name(5, call.name().to_owned());
            assert!(clause.exists(), "{clause} is missing");
        }
    }

    #[test]
    fn the_contract_has_five_sections_and_eight_invariants() {
        let numbers: Vec<u32> = contract().iter().map(|s| s.number).collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5]);
        assert_eq!(contract()[1].items, [1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(contract()[3].items, [1, 2, 3, 4, 5]);
    }
}
