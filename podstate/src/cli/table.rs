//! Tables as people read them: titled sections, columns padded to their widest cell, long
//! lists cut with a count, and colours only where the output is a terminal that wants them
//! (`anstream` drops the codes otherwise, and honours `NO_COLOR`).

use anstyle::{AnsiColor, Style};

use super::words::thousands;

/// One cell: its text and how it is shown.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    text: String,
    style: Style,
}

impl Cell {
    /// A plain cell.
    pub fn plain(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            style: Style::new(),
        }
    }

    /// A cell in `colour`.
    pub fn coloured(text: impl Into<String>, colour: AnsiColor) -> Cell {
        Cell {
            text: text.into(),
            style: Style::new().fg_color(Some(colour.into())),
        }
    }

    /// `text`, or `-` when it is empty.
    pub fn or_dash(text: &str) -> Cell {
        Cell::plain(if text.is_empty() { "-" } else { text })
    }
}

/// How long a list may get in one cell before it is cut (`None`: never).
#[derive(Debug, Clone, Copy)]
pub struct Width(pub Option<usize>);

impl Width {
    /// `items` joined by `, `, cut before the width with `(+N more)`; `-` when empty.
    pub fn list(self, items: &[String]) -> String {
        if items.is_empty() {
            return "-".to_owned();
        }
        let Some(limit) = self.0 else {
            return items.join(", ");
        };
        let mut out = String::new();
        for (i, item) in items.iter().enumerate() {
            let left = items.len() - i;
            let more = if left > 1 {
                format!(" (+{} more)", left - 1)
            } else {
                String::new()
            };
            let sep = if i == 0 { "" } else { ", " };
            let fits = out.chars().count() + sep.len() + item.chars().count() + more.len() <= limit;
            if !fits && i > 0 {
                out.push_str(&format!(" (+{left} more)"));
                return out;
            }
            out.push_str(sep);
            out.push_str(item);
        }
        out
    }

    /// An ID as tables show it: its first 12 characters, unless nothing is cut.
    pub fn id(self, id: &str) -> String {
        match self.0 {
            Some(_) => id.chars().take(12).collect(),
            None => id.to_owned(),
        }
    }
}

/// Appends one titled table to `out`: `TITLE (N)`, a bold header, the rows.
pub fn section(out: &mut String, title: &str, header: &[&str], rows: &[Vec<Cell>]) {
    let bold = Style::new().bold();
    out.push_str(&format!(
        "{bold}{title}{bold:#} ({})\n",
        thousands(rows.len())
    ));
    if rows.is_empty() {
        out.push('\n');
        return;
    }
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.text.chars().count());
        }
    }
    let line = |cells: Vec<(&str, Style)>| {
        let last = cells.len() - 1;
        let mut text = String::new();
        for (i, ((cell, style), w)) in cells.iter().zip(&widths).enumerate() {
            let pad = if i == last {
                0
            } else {
                w - cell.chars().count() + 2
            };
            text.push_str(&format!("{style}{cell}{style:#}{}", " ".repeat(pad)));
        }
        format!("{}\n", text.trim_end())
    };
    out.push_str(&line(header.iter().map(|h| (*h, bold)).collect()));
    for row in rows {
        out.push_str(&line(
            row.iter().map(|c| (c.text.as_str(), c.style)).collect(),
        ));
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_are_cut_with_a_count() {
        let items: Vec<String> = (0..100).map(|i| format!("user-{i:03}")).collect();
        let cut = Width(Some(40)).list(&items);
        assert!(cut.chars().count() <= 40, "{cut}");
        assert!(cut.ends_with("more)"), "{cut}");
        assert!(cut.starts_with("user-000, user-001"), "{cut}");
        let shown = cut.matches("user-").count();
        assert!(cut.contains(&format!("(+{} more)", 100 - shown)), "{cut}");
        assert_eq!(Width(None).list(&items).matches("user-").count(), 100);
        assert_eq!(Width(Some(40)).list(&[]), "-");
        let one = vec!["a".repeat(60)];
        assert_eq!(Width(Some(40)).list(&one), one[0], "one item is never cut");
    }

    #[test]
    fn columns_are_padded_without_trailing_space() {
        let mut out = String::new();
        let rows = vec![vec![Cell::plain("web"), Cell::plain("Running")]];
        section(&mut out, "T", &["NAME", "STATUS"], &rows);
        let plain = anstream::adapter::strip_str(&out).to_string();
        assert_eq!(plain, "T (1)\nNAME  STATUS\nweb   Running\n\n");
    }
}
