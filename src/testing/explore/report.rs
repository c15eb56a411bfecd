//! What a walk found ([`Exploration`]): the paths, each condition as
//! seen, the pages never reached, the problems of each page; and the
//! picture of the flow drawn from it (DOT, and SVG through Graphviz's
//! `dot` where it is installed).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::model::Model;

/// How a path ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum End {
    /// On the completion page.
    Finished,
    /// On an exit page (its URL segment).
    Exit(String),
    /// On the last page, not sent ([`super::Explorer::without_finishing`]).
    Stopped,
    /// On a page that refused every answer the explorer had: the page and
    /// its errors, by field.
    Stuck {
        /// The page's key.
        page: String,
        /// Its errors, by field.
        errors: Vec<(String, String)>,
    },
    /// On a page that did not render: that page (or, at an address that
    /// is no page of the wizard, the page answered before), and the
    /// status.
    Broken {
        /// The page.
        page: String,
        /// The status of what it was sent to.
        status: u16,
    },
}

/// One way through the wizard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Path {
    /// The language it was walked in (empty in a wizard of one).
    pub lang: String,
    /// Each page answered, by key (`claimant`, `expenses/expense`), with
    /// the answers on it that chose the way (`contact=phone`; empty when
    /// none did).
    pub pages: Vec<(String, String)>,
    /// How it ended.
    pub end: End,
}

impl Path {
    /// Whether it reached the completion page (or, without finishing,
    /// the last page).
    pub fn finishes(&self) -> bool {
        matches!(self.end, End::Finished | End::Stopped)
    }

    fn visits(&self, key: &str) -> bool {
        self.pages.iter().any(|(page, _)| page == key)
    }
}

/// A condition of the wizard: a conditional step (or item step), or an
/// exit, and whether the walk saw it hold and not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    /// The page it guards (`expenses/journey`), or `exit:{segment}`.
    pub page: String,
    /// Seen holding: the page was asked (the exit reached).
    pub held: bool,
    /// Seen not holding: the page was passed by (the step went on).
    pub failed: bool,
}

/// What a walk found. [`Exploration::assert_sound`] makes a test of it.
#[derive(Clone, Debug, Default)]
pub struct Exploration {
    /// Every path walked.
    pub paths: Vec<Path>,
    /// Every condition, as seen.
    pub conditions: Vec<Condition>,
    /// Declared pages and exits no path reached.
    pub unreached: Vec<String>,
    /// Exit pages reached.
    pub exits: Vec<String>,
    /// Each problem found on a page: the page's key and what is wrong.
    pub problems: Vec<(String, String)>,
    /// Whether the walk stopped at its limit of paths
    /// ([`super::Explorer::max_paths`]).
    pub limit_hit: bool,
    /// Each move from a page to the next, with what chose it.
    edges: BTreeMap<(String, String), BTreeSet<String>>,
    /// Each declared page, and its list, for the picture.
    nodes: Vec<(String, Option<(usize, usize)>)>,
}

impl Exploration {
    /// The paths that never reach the end.
    pub fn unfinished(&self) -> impl Iterator<Item = &Path> {
        self.paths
            .iter()
            .filter(|path| matches!(path.end, End::Stuck { .. } | End::Broken { .. }))
    }

    /// Works out, from the paths, the conditions, the pages never reached,
    /// the exits and the picture's edges.
    pub(super) fn settle(&mut self, model: &Model) {
        let mut exits = BTreeSet::new();
        for path in &self.paths {
            let ends = end_node(&path.end);
            let steps = path.pages.iter().map(|(key, _)| key.clone());
            let to = steps.clone().skip(1).chain(std::iter::once(ends));
            for ((from, label), to) in path.pages.iter().zip(to) {
                let labels = self.edges.entry((from.clone(), to)).or_default();
                if !label.is_empty() {
                    labels.insert(label.clone());
                }
            }
            if let End::Exit(segment) = &path.end {
                exits.insert(segment.clone());
            }
        }
        self.exits = exits.into_iter().collect();
        for page in &model.pages {
            if !self.paths.iter().any(|path| path.visits(&page.key)) {
                self.unreached.push(page.key.clone());
            }
            if page.conditional {
                self.conditions.push(self.seen(&page.key, model));
            }
            self.nodes.push((page.key.clone(), page.list));
        }
        for (segment, from) in &model.exits {
            let held = self.exits.contains(segment);
            let failed = self
                .paths
                .iter()
                .any(|path| path.visits(from) && path.end != End::Exit(segment.clone()));
            if !held {
                self.unreached.push(format!("exit:{segment}"));
            }
            self.conditions.push(Condition {
                page: format!("exit:{segment}"),
                held,
                failed,
            });
        }
    }

    /// Conditional page `key`: held when a path asks it, failed when a
    /// path goes from a page declared before it to one declared after it
    /// (in its list, for an item step) without it.
    fn seen(&self, key: &str, model: &Model) -> Condition {
        let group = |page: &str| page.split_once('/').map(|(list, _)| list.to_owned());
        let at = |page: &str| model.pages.iter().position(|p| p.key == page);
        let (Some(here), mine) = (at(key), group(key)) else {
            return Condition {
                page: key.to_owned(),
                held: false,
                failed: false,
            };
        };
        // After an item's last step comes its list's page.
        let after = |to: &str| {
            (group(to) == mine && at(to).is_some_and(|t| t > here)) || mine.as_deref() == Some(to)
        };
        let passes = |from: &str, to: &str| {
            group(from) == mine && at(from).is_some_and(|f| f < here) && after(to)
        };
        let failed = self.paths.iter().any(|path| {
            path.pages
                .windows(2)
                .any(|pair| passes(&pair[0].0, &pair[1].0))
        });
        Condition {
            page: key.to_owned(),
            held: self.paths.iter().any(|path| path.visits(key)),
            failed,
        }
    }

    /// Fails the test, listing every page problem, every path that never
    /// ends, every page or exit never reached, and a walk cut short.
    ///
    /// # Panics
    ///
    /// With the list, when there is anything in it.
    pub fn assert_sound(&self) {
        let mut wrong: Vec<String> = Vec::new();
        for (page, problem) in &self.problems {
            wrong.push(format!("{page}: {problem}"));
        }
        for path in self.unfinished() {
            wrong.push(format!("a path never ends: {}", describe(path)));
        }
        for page in &self.unreached {
            wrong.push(format!("{page}: no path reaches it"));
        }
        if self.limit_hit {
            wrong.push(format!(
                "the walk stopped at its limit, {} paths",
                self.paths.len()
            ));
        }
        assert!(
            wrong.is_empty(),
            "the wizard is not sound:\n  {}\n\n{self}",
            wrong.join("\n  ")
        );
    }

    /// The flow as Graphviz's DOT: pages as boxes (a list's items inside
    /// its own box), edges labelled with the answers that take them, exit
    /// pages as octagons.
    pub fn dot(&self) -> String {
        let mut out = String::from(
            "digraph wizard {\n  rankdir=TB;\n  fontname=\"sans-serif\";\n  node [shape=box, style=rounded, fontname=\"sans-serif\"];\n  edge [fontname=\"sans-serif\", fontsize=10];\n  start [shape=point];\n",
        );
        self.write_nodes(&mut out);
        out.push_str("  complete [shape=doubleoctagon];\n");
        if let Some(first) = self.paths.first().and_then(|p| p.pages.first()) {
            out.push_str(&format!("  start -> {};\n", quoted(&first.0)));
        }
        for ((from, to), labels) in &self.edges {
            let label: Vec<&str> = labels.iter().map(String::as_str).collect();
            out.push_str(&format!("  {} -> {}", quoted(from), quoted(to)));
            if !label.is_empty() {
                out.push_str(&format!(" [label={}]", quoted(&label.join("\\n"))));
            }
            out.push_str(";\n");
        }
        out.push_str("}\n");
        out
    }

    /// The picture's pages: steps, each list with its items in a box of
    /// their own, exits.
    fn write_nodes(&self, out: &mut String) {
        let mut lists: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (key, list) in &self.nodes {
            match (key.split_once('/'), list) {
                (Some((list, _)), _) => lists.entry(list).or_default().push(key),
                (None, Some((min, max))) => out.push_str(&format!(
                    "  {} [label=\"{key}\\n(a list of {min} to {max})\", peripheries=2];\n",
                    quoted(key)
                )),
                (None, None) => out.push_str(&format!("  {};\n", quoted(key))),
            }
        }
        for (list, items) in lists {
            out.push_str(&format!(
                "  subgraph {} {{\n    label=\"each item of {list}\";\n    style=dashed;\n",
                quoted(&format!("cluster_{list}"))
            ));
            for item in items {
                let short = item.split_once('/').map_or(item, |(_, step)| step);
                out.push_str(&format!("    {} [label=\"{short}\"];\n", quoted(item)));
            }
            out.push_str("  }\n");
        }
        for segment in &self.exits {
            out.push_str(&format!(
                "  {} [label=\"{segment}\", shape=octagon];\n",
                quoted(&format!("exit:{segment}"))
            ));
        }
    }

    /// The flow as SVG, laid out by Graphviz's `dot` (`None` where it is
    /// not installed, or fails).
    pub fn svg(&self) -> Option<String> {
        use std::io::Write;
        use std::process::{Command, Stdio};
        let mut dot = Command::new("dot")
            .arg("-Tsvg")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        dot.stdin.take()?.write_all(self.dot().as_bytes()).ok()?;
        let output = dot.wait_with_output().ok()?;
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
    }
}

fn end_node(end: &End) -> String {
    match end {
        End::Finished => "complete".to_owned(),
        End::Exit(segment) => format!("exit:{segment}"),
        End::Stopped => "stopped".to_owned(),
        End::Stuck { .. } => "stuck".to_owned(),
        End::Broken { status, .. } => format!("broken ({status})"),
    }
}

fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\\\""))
}

fn describe(path: &Path) -> String {
    let pages: Vec<String> = path
        .pages
        .iter()
        .map(|(key, label)| match label.is_empty() {
            true => key.clone(),
            false => format!("{key} [{label}]"),
        })
        .collect();
    let end = match &path.end {
        End::Stuck { page, errors } => format!("stuck on {page}: {errors:?}"),
        other => end_node(other),
    };
    let lang = match path.lang.is_empty() {
        true => String::new(),
        false => format!("({}) ", path.lang),
    };
    format!("{lang}{} → {end}", pages.join(" → "))
}

impl fmt::Display for Exploration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} paths:", self.paths.len())?;
        for path in &self.paths {
            writeln!(f, "  {}", describe(path))?;
        }
        for condition in &self.conditions {
            let seen = match (condition.held, condition.failed) {
                (true, true) => "seen holding and not",
                (true, false) => "seen holding only",
                (false, true) => "seen not holding only",
                (false, false) => "never met",
            };
            writeln!(f, "condition of {}: {seen}", condition.page)?;
        }
        for page in &self.unreached {
            writeln!(f, "never reached: {page}")?;
        }
        for exit in &self.exits {
            writeln!(f, "exit reached: {exit}")?;
        }
        for (page, problem) in &self.problems {
            writeln!(f, "problem on {page}: {problem}")?;
        }
        if self.limit_hit {
            writeln!(f, "stopped at the limit of paths")?;
        }
        Ok(())
    }
}
