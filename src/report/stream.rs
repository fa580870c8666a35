//! A document written pair by pair, so a fleet's report needs little memory.
//!
//! Each pair's part is rendered as the pair comes (in the run's order) into a spool (an
//! unnamed temporary file, or memory for small documents), and the report lets it go. What
//! needs every pair (the totals in JSON, JUnit and Markdown headings, the audit's fleet
//! table, the notice of GitHub annotations) is kept as counts and small rows, and written
//! around the spool at the end. The result is the same text as rendering the whole
//! document at once: `report::render` is this writer over a document's reports.

use std::io::{self, BufWriter, Seek, Write};

use serde_json::Value;

use crate::config::suppress::SuppressionNote;
use crate::model::Summary;

use super::table::{Fleet, TableOptions};
use super::{
    github, html, json, junit, markdown, prometheus, sarif, table, Document, Format, Report,
};

/// Where the pairs' parts wait for the heading.
enum Spool {
    Memory(Vec<u8>),
    File(BufWriter<std::fs::File>),
}

impl Spool {
    fn write(&mut self, text: &str) -> io::Result<()> {
        match self {
            Spool::Memory(v) => {
                v.extend_from_slice(text.as_bytes());
                Ok(())
            }
            Spool::File(f) => f.write_all(text.as_bytes()),
        }
    }

    fn copy_to(self, out: &mut dyn Write) -> io::Result<()> {
        match self {
            Spool::Memory(v) => out.write_all(&v),
            Spool::File(f) => {
                let mut file = f.into_inner().map_err(|e| e.into_error())?;
                file.rewind()?;
                let mut reader = io::BufReader::new(file);
                io::copy(&mut reader, out).map(|_| ())
            }
        }
    }
}

/// A JSON array written element by element, each element indented to its depth.
#[derive(Default)]
struct Array {
    elements: usize,
}

impl Array {
    fn push(&mut self, spool: &mut Spool, element: &str, indent: usize) -> io::Result<()> {
        let pad = " ".repeat(indent);
        let mut text = String::with_capacity(element.len() + element.len() / 8);
        text.push_str(if self.elements == 0 { "\n" } else { ",\n" });
        for (i, line) in element.lines().enumerate() {
            if i > 0 {
                text.push('\n');
            }
            text.push_str(&pad);
            text.push_str(line);
        }
        self.elements += 1;
        spool.write(&text)
    }
}

/// Writes one document in one format, pair by pair.
pub struct Writer {
    /// Everything but the reports (rules, gate, identity, suppressions, …).
    doc: Document,
    format: Format,
    opts: TableOptions,
    quiet: bool,
    /// Colour the one-line verdicts (for a terminal's stderr).
    line_color: bool,
    spool: Spool,
    /// The first pair, held until it is known whether there are more (one pair renders
    /// without pair headings, and as a flat JSON document).
    first: Option<Report>,
    pairs: usize,
    summary: Summary,
    findings: usize,
    lines: Vec<String>,
    array: Array,
    junit: junit::Counts,
    fleet: Fleet,
    sarif_pairs: Vec<Value>,
    families: prometheus::Families,
    html: html::Rows,
}

impl Writer {
    /// A writer spooling in memory (what `report::render` uses).
    pub fn new(doc: Document, format: Format, opts: TableOptions) -> Writer {
        Writer::with_spool(doc, format, opts, Spool::Memory(Vec::new()))
    }

    /// A writer spooling to an unnamed temporary file, for a fleet (falls back to memory
    /// when no temporary file can be made).
    pub fn spooled(doc: Document, format: Format, opts: TableOptions) -> Writer {
        let spool = match tempfile::tempfile() {
            Ok(f) => Spool::File(BufWriter::new(f)),
            Err(_) => Spool::Memory(Vec::new()),
        };
        Writer::with_spool(doc, format, opts, spool)
    }

    fn with_spool(mut doc: Document, format: Format, opts: TableOptions, spool: Spool) -> Writer {
        doc.reports.clear();
        Writer {
            doc,
            format,
            opts,
            quiet: false,
            line_color: false,
            spool,
            first: None,
            pairs: 0,
            summary: Summary::default(),
            findings: 0,
            lines: Vec::new(),
            array: Array::default(),
            junit: junit::Counts::default(),
            fleet: Fleet::default(),
            sarif_pairs: Vec::new(),
            families: prometheus::Families::default(),
            html: html::Rows::default(),
        }
    }

    /// `--quiet` tables: one summary line per pair.
    /// Colour the one-line verdicts of [`Writer::summary_lines`].
    pub fn line_color(mut self, on: bool) -> Writer {
        self.line_color = on;
        self
    }

    pub fn quiet(mut self) -> Writer {
        self.quiet = true;
        self
    }

    /// The document's frame, to set what is known only at the end (suppressions, what the
    /// run could not verify).
    pub fn frame(&mut self) -> &mut Document {
        &mut self.doc
    }

    /// Add the next pair.
    pub fn push(&mut self, r: &Report) -> io::Result<()> {
        self.summary.add(&r.summary());
        self.findings += r.findings.len();
        self.lines.push(table::summary_line(r, self.line_color));
        self.pairs += 1;
        match self.pairs {
            1 => {
                self.first = Some(r.clone());
                Ok(())
            }
            2 => {
                let first = self.first.take().expect("the first pair is held");
                self.part(&first, true)?;
                self.part(r, true)
            }
            _ => self.part(r, true),
        }
    }

    fn part(&mut self, r: &Report, many: bool) -> io::Result<()> {
        let doc = &self.doc;
        match self.format {
            Format::Table if self.quiet => {
                let mut line = table::summary_line(r, self.opts.color);
                line.push('\n');
                self.spool.write(&line)
            }
            Format::Table => {
                if doc.fleet {
                    self.fleet.add(r);
                }
                self.spool.write(&table::part(doc, r, many, &self.opts))
            }
            Format::Json => self.array.push(&mut self.spool, &json::element(r), 4),
            Format::Sarif => {
                self.sarif_pairs.push(sarif::pair(r));
                for e in sarif::elements(doc, r) {
                    self.array.push(&mut self.spool, &e, 8)?;
                }
                Ok(())
            }
            Format::Junit => {
                self.junit.add(junit::counts(doc, r.findings.iter()));
                self.spool.write(&junit::suite(doc, r))
            }
            Format::Github => self.spool.write(&github::part(doc, r)),
            Format::Markdown => self
                .spool
                .write(&markdown::section(r, &doc.rules, &doc.causes)),
            Format::Prometheus => {
                self.families.pair(r);
                Ok(())
            }
            Format::Html => {
                let id = self.html.add(r);
                self.spool
                    .write(&html::section(r, &id, self.opts.show_passes))
            }
        }
    }

    /// How many pairs were added.
    pub fn pairs(&self) -> usize {
        self.pairs
    }

    /// Counts over every pair so far.
    pub fn summary(&self) -> Summary {
        self.summary
    }

    /// Each pair's one-line verdict (for stderr when the report goes to a file).
    pub fn summary_lines(&self) -> &[String] {
        &self.lines
    }

    /// Whether the run exits 1: a finding the gate fails on, or (unless allowed) something
    /// the run could not verify.
    pub fn fails(&self) -> bool {
        self.doc.fails_with(&self.summary)
    }

    /// Write the whole document to `out`: the heading, the spooled pairs, the ending.
    pub fn finish(
        mut self,
        suppressions: Vec<SuppressionNote>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        self.doc.suppressions = suppressions;
        if let Some(first) = self.first.take() {
            if self.format == Format::Json {
                return out.write_all(json::single(&self.doc, &first).as_bytes());
            }
            self.part(&first, false)?;
        }
        let (head, tail) = match self.format {
            Format::Table if self.quiet => (String::new(), table::tail(&self.doc)),
            Format::Table => (
                table::head(&self.doc, &self.fleet, &self.opts),
                table::tail(&self.doc),
            ),
            Format::Json | Format::Sarif => {
                let ((text, marker), indent) = match self.format {
                    Format::Json => (json::frame(&self.doc, self.summary, self.findings), 2),
                    _ => (sarif::frame(&self.doc, &self.sarif_pairs), 6),
                };
                // Split at the empty list's "[": the elements go between "[" and "]".
                let at = text.find(marker).expect("the frame has its marker");
                let bracket = at + marker.len() - 2;
                let mut tail = match self.array.elements {
                    0 => String::new(),
                    _ => format!("\n{}", " ".repeat(indent)),
                };
                tail.push_str(&text[bracket + 1..]);
                (text[..=bracket].to_string(), tail)
            }
            Format::Junit => (junit::head(&self.doc, self.junit), junit::tail(&self.doc)),
            Format::Github => (String::new(), github::tail(&self.doc, &self.summary)),
            Format::Markdown => (
                markdown::head(&self.doc, &self.summary),
                markdown::tail(&self.doc),
            ),
            Format::Prometheus => (
                std::mem::take(&mut self.families).render(&self.doc, self.pairs),
                String::new(),
            ),
            Format::Html => (
                html::head(&self.doc, &self.html, &self.summary),
                html::tail(&self.doc),
            ),
        };
        out.write_all(head.as_bytes())?;
        self.spool.copy_to(out)?;
        out.write_all(tail.as_bytes())
    }
}

/// A writer's whole output as a string (`report::render`).
pub(super) fn to_string(w: Writer, suppressions: Vec<SuppressionNote>) -> String {
    let mut out = Vec::new();
    w.finish(suppressions, &mut out)
        .expect("writing to memory does not fail");
    String::from_utf8(out).expect("the report is UTF-8")
}
