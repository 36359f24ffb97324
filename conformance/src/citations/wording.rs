//! What a clause says, in words: where it sits in the contract (its section's and part's titles)
//! and its first sentence, so that a failure message citing it reads without the contract at
//! hand. A scenario's failure quotes this for every clause its doc line cites.

use super::{Clause, Section, contract};

/// Sentences longer than this are cut (with `...`): a message quotes the rule, not the section.
const LONGEST: usize = 320;

impl Clause {
    /// The citation with where it sits in the contract, by titles:
    /// `SPEC §2.1 (Global invariants: Shared spaces)`, `SPEC §4 step 2 (Errors: Check order:
    /// Argument shape)`, ``SPEC §5 `add_pod` (The 53 calls: Pods: `add_pod(pod)`)``. A clause
    /// the contract does not have is the bare citation.
    pub fn titled(&self) -> String {
        match self.place() {
            Some(place) => format!("{self} ({place})"),
            None => self.to_string(),
        }
    }

    /// The titles leading to the clause, `: `-separated; `None` when the contract lacks it.
    pub fn place(&self) -> Option<String> {
        let section = section(self.section())?;
        let mut place = section.title();
        match self {
            Clause::Section(_) => {}
            Clause::Item(_, n) | Clause::Step(_, n) => {
                if let Clause::Step(..) = self {
                    place.push_str(": Check order");
                }
                let item = item(section, *n)?;
                place.push_str(&format!(": {}", bold(&item).unwrap_or(format!("item {n}"))));
            }
            Clause::Part(_, words) => place.push_str(&format!(": {}", part(section, words)?.0)),
            Clause::Name(_, name) => {
                let (part, entry) = entry(section, name)?;
                if let Some(part) = part {
                    place.push_str(&format!(": {part}"));
                }
                place.push_str(&format!(": `{}`", signature(&entry, name)));
            }
        }
        Some(place)
    }

    /// The clause's first sentence as the contract words it (emphasis and code marks kept as
    /// written, lines joined); `None` when the contract lacks the clause.
    pub fn words(&self) -> Option<String> {
        let section = section(self.section())?;
        let text = match self {
            Clause::Section(_) => first_paragraph(&section.text),
            Clause::Item(_, n) | Clause::Step(_, n) => {
                let item = item(section, *n)?;
                // Past the number and the bold title, when there is one.
                let body = item.split_once(". ").map_or(item.as_str(), |(_, b)| b);
                match body.strip_prefix("**").and_then(|b| b.split_once("**")) {
                    Some((_, rest)) => rest.trim_start_matches([',', ' ']).to_owned(),
                    None => body.to_owned(),
                }
            }
            Clause::Part(_, words) => part(section, words)?.1,
            Clause::Name(_, name) => {
                let entry = entry(section, name)?.1;
                let entry = entry.trim_start_matches(['-', '|', ' ']);
                // A list entry's rule follows its bold signature; a table row's, its last cell.
                match entry.split_once("**: ") {
                    Some((_, rule)) => rule.to_owned(),
                    None => (entry.trim_end_matches(['|', ' ']).rsplit(" | ").next())
                        .unwrap_or(entry)
                        .to_owned(),
                }
            }
        };
        Some(first_sentence(&text))
    }
}

fn section(number: u32) -> Option<&'static Section> {
    contract().iter().find(|s| s.number == number)
}

impl Section {
    /// `Global invariants`, from `## 2. Global invariants`.
    fn title(&self) -> String {
        let heading = self.text.lines().next().unwrap_or_default();
        let title = heading.split_once(". ").map_or(heading, |(_, t)| t);
        title.trim().to_owned()
    }
}

/// Item `n` of the section's top-level numbered list, its lines joined.
fn item(section: &Section, n: u32) -> Option<String> {
    let start = format!("{n}. ");
    let mut lines = section.text.lines().skip_while(|l| !l.starts_with(&start));
    let first = lines.next()?;
    let rest = lines.take_while(|l| l.starts_with(' ') && !l.trim().is_empty());
    Some(joined(std::iter::once(first).chain(rest)))
}

/// The bold title an item begins with, without its closing full stop: `Shared spaces`.
fn bold(item: &str) -> Option<String> {
    let (_, after) = item.split_once("**")?;
    let (title, _) = after.split_once("**")?;
    Some(title.trim_end_matches('.').to_owned())
}

/// The `###` part whose title `words` begin with: its title and first paragraph.
fn part(section: &Section, words: &str) -> Option<(String, String)> {
    let mut lines = section.text.lines();
    let title = lines.find_map(|l| {
        let title = l.strip_prefix("### ")?.trim();
        super::begins_with_words(words, title).then(|| title.to_owned())
    })?;
    let rest: Vec<&str> = lines.take_while(|l| !l.starts_with("### ")).collect();
    Some((title, first_paragraph(&rest.join("\n"))))
}

/// The entry that mentions `` `name `` first (a list item or a table row), with the title of
/// the part it is in, if any.
fn entry(section: &Section, name: &str) -> Option<(Option<String>, String)> {
    let lines: Vec<&str> = section.text.lines().collect();
    let mentions = |quoted: &str, l: &str| {
        l.match_indices(quoted)
            .any(|(i, _)| matches!(l[i + quoted.len()..].chars().next(), Some('`' | '(')))
    };
    // The entry that is the name's own (its bold signature) before any other mention.
    let (own, any) = (format!("**`{name}"), format!("`{name}"));
    let at = (lines.iter().position(|l| mentions(&own, l)))
        .or_else(|| lines.iter().position(|l| mentions(&any, l)))?;
    let part = lines[..at]
        .iter()
        .rev()
        .find_map(|l| l.strip_prefix("### "))
        .map(|t| t.trim().to_owned());
    // Back to the start of its list item, then on over the item's indented lines.
    let start = (0..=at)
        .rev()
        .find(|&i| !lines[i].starts_with(' '))
        .unwrap_or(at);
    // The entry's own lines, up to its list of rules, if it has one.
    let rest = lines[start + 1..].iter().take_while(|l| {
        let text = l.trim_start();
        l.starts_with(' ') && !text.is_empty() && !text.starts_with("- ") && !numbered(text)
    });
    Some((
        part,
        joined(std::iter::once(lines[start]).chain(rest.copied())),
    ))
}

/// Whether `text` begins a numbered list item, `1. `.
fn numbered(text: &str) -> bool {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && text[digits..].starts_with(". ")
}

/// The call as the entry writes it, `add_pod(pod)`; the bare name when it has no arguments
/// written.
fn signature(entry: &str, name: &str) -> String {
    let quoted = format!("`{name}(");
    match entry.find(&quoted) {
        Some(i) => {
            let code = &entry[i + 1..];
            code.split('`').next().unwrap_or(name).to_owned()
        }
        None => name.to_owned(),
    }
}

/// The first paragraph of `text` that is prose (no heading, table or blank line), joined.
fn first_paragraph(text: &str) -> String {
    let mut lines = text
        .lines()
        .skip_while(|l| l.trim().is_empty() || l.starts_with('#') || l.starts_with('|'));
    let first = lines.next().unwrap_or_default();
    let rest = lines.take_while(|l| !l.trim().is_empty() && !l.starts_with('|'));
    joined(std::iter::once(first).chain(rest))
}

/// Lines joined with single spaces.
fn joined<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    lines
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Up to the first full stop that ends a sentence, cut at [`LONGEST`] characters.
fn first_sentence(text: &str) -> String {
    let end = text
        .match_indices(". ")
        .map(|(i, _)| i + 1)
        .next()
        .unwrap_or(text.len());
    let sentence = &text[..end];
    if sentence.chars().count() <= LONGEST {
        return sentence.to_owned();
    }
    let cut: String = sentence.chars().take(LONGEST).collect();
    format!("{}...", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_clause_has_a_place_and_words() {
        let item = Clause::Item(2, 1);
        assert_eq!(
            item.titled(),
            "SPEC §2.1 (Global invariants: Shared spaces)"
        );
        assert!(
            item.words().unwrap().starts_with(
                "Containers and pods draw their IDs from one space and their names from one \
                 other space, whatever their namespaces:"
            ),
            "{:?}",
            item.words()
        );
        let step = Clause::Step(4, 2);
        assert_eq!(step.place().unwrap(), "Errors: Check order: Argument shape");
        assert!(
            step.words()
                .unwrap()
                .starts_with("from the arguments alone")
        );
        let part = Clause::Part(5, "Strings".into());
        assert_eq!(part.place().unwrap(), "The 53 calls: Strings");
        assert!(
            part.words()
                .unwrap()
                .starts_with("The strings that identify")
        );
        let call = Clause::Name(5, "add_container".into());
        assert_eq!(
            call.place().unwrap(),
            "The 53 calls: Containers: `add_container(ctr)`"
        );
        assert_eq!(
            call.words().unwrap(),
            "stores a container outside any pod, with its config and state as given; its \
             current networks and aliases start as the config's."
        );
        let kind = Clause::Name(4, "NoSuchCtr".into());
        assert_eq!(kind.place().unwrap(), "Errors: Kinds: `NoSuchCtr`");
        assert!(
            kind.words()
                .unwrap()
                .starts_with("what it names does not exist")
        );
        let section = Clause::Section(3);
        assert_eq!(section.place().unwrap(), "Handles, namespaces, durability");
        assert!(
            section
                .words()
                .unwrap()
                .starts_with("Each handle has a namespace")
        );
        let missing = Clause::Item(2, 9); // a clause the contract does not have
        assert_eq!(missing.titled(), format!("SPEC §{}.{}", 2, 9));
        assert_eq!(missing.words(), None);
    }

    #[test]
    fn every_call_entry_has_words() {
        for call in crate::Call::ALL {
            let clause = Clause::Name(5, call.name().to_owned());
            let words = clause.words().unwrap_or_default();
            assert!(words.len() > 10, "{clause}: {words:?}");
        }
    }
}
