//! What the import found and would do, in a librarian's words: sections of lines, then every
//! item it cannot represent, with the reason.

use std::fmt;

/// The report of one run.
#[derive(Debug, Default)]
pub struct Report {
    sections: Vec<Section>,
    cannot: Vec<String>,
}

/// One heading and its lines.
#[derive(Debug)]
pub struct Section {
    title: String,
    lines: Vec<String>,
}

impl Section {
    /// Adds a line.
    pub fn line(&mut self, line: String) {
        self.lines.push(line);
    }
}

impl Report {
    /// The section titled `title` (made on first use; sections keep that order).
    pub fn section(&mut self, title: &str) -> &mut Section {
        let at = match self.sections.iter().position(|s| s.title == title) {
            Some(at) => at,
            None => {
                self.sections.push(Section {
                    title: title.to_owned(),
                    lines: Vec::new(),
                });
                self.sections.len() - 1
            }
        };
        &mut self.sections[at]
    }

    /// Notes something that cannot be represented here, and why.
    pub fn cannot(&mut self, why: String) {
        self.cannot.push(why);
    }

    /// How many things cannot be represented.
    pub fn cannot_count(&self) -> usize {
        self.cannot.len()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.sections {
            writeln!(f, "{} ({}):", s.title, s.lines.len())?;
            for line in &s.lines {
                writeln!(f, "  {}", line.replace(['\r', '\n'], " "))?;
            }
            writeln!(f)?;
        }
        writeln!(f, "Cannot be represented here ({}):", self.cannot.len())?;
        for why in &self.cannot {
            writeln!(f, "  - {}", why.replace(['\r', '\n'], " "))?;
        }
        Ok(())
    }
}
