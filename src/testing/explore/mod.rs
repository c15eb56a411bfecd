//! [`Explorer`]: walks every path of a wizard through the real
//! application, in-process, and reports what it found ([`Exploration`]).
//!
//! **How it finds the answers that change the path.** A condition is a
//! Rust function the explorer cannot read, so it varies what can be
//! varied: every option of a choice (radios, a drop-down, checkboxes) and
//! both sides of a yes/no box, one field at a time, each variation a path
//! of its own. Every other field gets one valid answer made from its
//! declaration (its `length` and `range` rules, email, dates a month
//! before and after today, a small file of a kind it takes), and the next
//! one in turn when the page refuses it (a custom rule, a check). Where a
//! condition reads a number, a date or a text, give it the answers to try
//! with [`Explorer::sample`]: each is then a variation too.
//!
//! **Lists** are walked with no item (the list's minimum must refuse to
//! go on), with one item along each of the item's paths, and, once, filled
//! to their maximum with the first item's answers. **Languages:** the
//! wizard's default language along every path, each other language along
//! one.
//!
//! **On every page** it checks that the page rendered, that no two
//! elements share an id, that every control has a label, that the error
//! summary's links land on the page, and, for every field that declares
//! what it refuses, that such an answer gets an error beside that field.

use std::collections::{HashMap, HashSet};
use std::marker::PhantomData;

mod answers;
mod checks;
mod model;
mod report;

use answers::Answer;
use model::Model;
pub use report::{Condition, End, Exploration, Path};

use crate::field::FieldSpec;
use crate::repeat::ADD_ANOTHER;
use crate::testing::{Seen, TestApp, Visitor};
use crate::wizard::Wizard;

/// The explorer of wizard `W` mounted at `base` of a [`TestApp`].
///
/// ```no_run
/// # async fn example<W: actix_wizard::Wizard>(app: &actix_wizard::testing::TestApp) {
/// use actix_wizard::testing::Explorer;
/// let walked = Explorer::<W>::new(app, "/claim")
///     .sample("expense", "amount", &["12.50", "30"])
///     .walk()
///     .await;
/// walked.assert_sound();
/// println!("{walked}");
/// # }
/// ```
pub struct Explorer<'a, W> {
    app: &'a TestApp,
    base: String,
    model: Model,
    samples: HashMap<(String, String), Vec<String>>,
    limit: usize,
    finish: bool,
    _wizard: PhantomData<W>,
}

/// One answered page: what was sent, and what of it chose the way.
#[derive(Clone, Debug, Default)]
struct Move {
    pairs: Vec<(String, String)>,
    files: Vec<(String, String, Vec<u8>)>,
    label: String,
}

/// Where a visitor is.
enum Place {
    Page(String),
    Exit(String),
    Complete,
    /// A status that is no page: the page's key, when it is one of the
    /// wizard's.
    Broken(u16, Option<String>),
}

/// How a path is walked: in which language, filling which list to its
/// maximum, and whether the variations met are left to walk.
struct Way<'w> {
    lang: Option<&'w str>,
    fill: Option<&'w str>,
    branch: bool,
}

/// What is walked next: the answers that lead there, and the list to fill
/// to its maximum on the way, if any.
type Pending = (Vec<Move>, Option<String>);

/// What one walk has found so far.
#[derive(Default)]
struct Walk {
    report: Exploration,
    pending: Vec<Pending>,
    /// Pages already checked, by language and key.
    checked: HashSet<String>,
    /// Lists already filled to their maximum, or checked empty.
    filled: HashSet<String>,
    emptied: HashSet<String>,
}

impl<'a, W: Wizard> Explorer<'a, W> {
    /// The explorer of the wizard at `base` (e.g. `/claim`) of `app`.
    pub fn new(app: &'a TestApp, base: &str) -> Self {
        Self {
            app,
            base: base.trim_end_matches('/').to_owned(),
            model: Model::of(&W::steps()),
            samples: HashMap::new(),
            limit: 200,
            finish: true,
            _wizard: PhantomData,
        }
    }

    /// Answers to try for field `field` of page `page` (a step's name, or
    /// `list/step` for an item step), before the ones made from its
    /// declaration; each is a variation of the path. A date is written
    /// `2026-11-02`.
    pub fn sample(mut self, page: &str, field: &str, answers: &[&str]) -> Self {
        let answers = answers.iter().map(|a| (*a).to_owned()).collect();
        self.samples
            .insert((page.to_owned(), field.to_owned()), answers);
        self
    }

    /// At most `limit` paths (200 by default); the report says when the
    /// walk stopped there.
    pub fn max_paths(mut self, limit: usize) -> Self {
        self.limit = limit.max(1);
        self
    }

    /// Stops each path on the last page instead of sending it, so the
    /// finish never runs (by default it runs: the application under test
    /// is the author's, with its test data).
    pub fn without_finishing(mut self) -> Self {
        self.finish = false;
        self
    }

    /// Walks every path and reports.
    pub async fn walk(&self) -> Exploration {
        let mut walk = Walk::default();
        let languages = self.languages();
        let first = languages.first().cloned().flatten();
        walk.pending.push((Vec::new(), None));
        while let Some((script, fill)) = walk.pending.pop() {
            if walk.report.paths.len() >= self.limit {
                walk.report.limit_hit = true;
                break;
            }
            self.follow(script, first.as_deref(), fill, true, &mut walk)
                .await;
        }
        for lang in languages.iter().skip(1) {
            self.follow(Vec::new(), lang.as_deref(), None, false, &mut walk)
                .await;
        }
        walk.report.settle(&self.model);
        walk.report
    }

    /// The wizard's languages, the default first; `[None]` with one.
    fn languages(&self) -> Vec<Option<String>> {
        let config = &self.app.config;
        if config.languages.is_empty() {
            return vec![None];
        }
        std::iter::once(&config.texts)
            .chain(&config.languages)
            .map(|texts| Some(texts.lang.to_string()))
            .collect()
    }

    /// A new visitor that gave `script`'s answers, in language `lang`;
    /// the pages it answered, with what chose the way on each. `None`
    /// when a page refused its answers (a variation no page takes).
    async fn replay(
        &self,
        script: &[Move],
        lang: Option<&str>,
    ) -> Option<(Visitor<'a, W>, Vec<(String, String)>)> {
        let mut visitor = self.app.visitor::<W>(&self.base);
        // The first page, even where the wizard's answers are filled in
        // ahead (a change to a booking starts on its check page).
        let first = self
            .model
            .pages
            .first()
            .map_or("", |page| page.key.as_str());
        let start = match lang {
            Some(lang) => format!("{}/{first}?lang={lang}", self.base),
            None => format!("{}/{first}", self.base),
        };
        visitor.open(&start).await;
        let mut pages = Vec::with_capacity(script.len());
        for answered in script {
            let Place::Page(key) = self.place(visitor.page()) else {
                return None;
            };
            let mut answered = answered.clone();
            while press(&mut visitor, &answered).await.status().as_u16() == 422 {
                // What an earlier path's finish kept (an address) may be
                // taken now: a new one, or the variation is not a path.
                if !self.refresh(&key, &mut answered, visitor.page()) {
                    return None;
                }
            }
            pages.push((key, answered.label.clone()));
        }
        Some((visitor, pages))
    }

    /// Gives each email field `seen` refused a new address; whether there
    /// was one.
    fn refresh(&self, key: &str, answered: &mut Move, seen: &Seen) -> bool {
        let refused: Vec<String> = seen.errors().into_iter().map(|(field, _)| field).collect();
        let fields = self.model.page(key).map_or(&[][..], |page| page.fields);
        let mut renewed = false;
        for spec in fields
            .iter()
            .filter(|spec| refused.iter().any(|f| f == spec.name))
        {
            let email = spec.kind == crate::field::Kind::Email
                || spec.rules.contains(&crate::field::Rule::Email);
            if !email {
                continue;
            }
            for (name, value) in &mut answered.pairs {
                if name == spec.name {
                    *value = answers::fresh_email();
                    renewed = true;
                }
            }
        }
        renewed
    }

    /// Where `seen` is, by its URL.
    fn place(&self, seen: &Seen) -> Place {
        let status = seen.status().as_u16();
        if seen.is_complete() {
            return Place::Complete;
        }
        let path = seen.url().split('?').next().unwrap_or_default();
        let within = path
            .strip_prefix(&self.base)
            .unwrap_or(path)
            .trim_matches('/');
        let parts: Vec<&str> = within.split('/').collect();
        let key = match parts[..] {
            [one] if self.model.is_exit(one) => return Place::Exit(one.to_owned()),
            [one] => one.to_owned(),
            [list, _, step] => format!("{list}/{step}"),
            _ => within.to_owned(),
        };
        let known = self.model.page(&key).is_some();
        match (known, status >= 400 && status != 422) {
            (true, false) => Place::Page(key),
            (true, true) => Place::Broken(status, Some(key)),
            (false, _) => Place::Broken(status, None),
        }
    }

    /// Walks from where `script` leads to the path's end; with `branch`,
    /// each variation met on the way is left to walk next.
    async fn follow(
        &self,
        script: Vec<Move>,
        lang: Option<&str>,
        fill: Option<String>,
        branch: bool,
        walk: &mut Walk,
    ) {
        let Some((mut visitor, mut pages)) = self.replay(&script, lang).await else {
            return;
        };
        let mut script = script;
        let last = self.last_page();
        let end = loop {
            let key = match self.place(visitor.page()) {
                Place::Page(key) => key,
                Place::Exit(segment) => break End::Exit(segment),
                Place::Complete => break End::Finished,
                Place::Broken(status, Some(page)) => {
                    pages.push((page.clone(), String::new()));
                    walk.report
                        .problems
                        .push((page.clone(), format!("it does not render ({status})")));
                    break End::Broken { page, status };
                }
                Place::Broken(status, None) => {
                    let page = pages.last().map(|(k, _)| k.clone()).unwrap_or_default();
                    break End::Broken { page, status };
                }
            };
            self.check_page(&key, lang, visitor.page(), walk);
            if !self.finish && key == last {
                pages.push((key, String::new()));
                break End::Stopped;
            }
            let way = Way {
                lang,
                fill: fill.as_deref(),
                branch,
            };
            let chosen = self
                .answer(&key, &way, &mut visitor, &script, &pages, walk)
                .await;
            let Some(answered) = chosen else {
                let errors = visitor.page().errors();
                pages.push((key.clone(), String::new()));
                break End::Stuck { page: key, errors };
            };
            pages.push((key, answered.label.clone()));
            script.push(answered);
        };
        walk.report.paths.push(Path {
            lang: lang.unwrap_or_default().to_owned(),
            pages,
            end,
        });
    }

    /// The answer of page `key` (sent, the visitor on the next page), or
    /// `None` when it refuses every answer; the page's own checks first.
    async fn answer(
        &self,
        key: &str,
        way: &Way<'_>,
        visitor: &mut Visitor<'a, W>,
        script: &[Move],
        pages: &[(String, String)],
        walk: &mut Walk,
    ) -> Option<Move> {
        let lists_done = self.items_done(pages);
        let branch = way.branch && way.fill.is_none();
        if let Some(bounds) = self.model.page(key).and_then(|page| page.list) {
            let answered = self.list_move(key, bounds, way, script, walk, visitor);
            press(visitor, &answered).await;
            return Some(answered);
        }
        let first = self.first_item(key, &lists_done);
        if first {
            self.check_empty_list(key, script, way.lang, walk).await;
        }
        self.step_move(key, visitor, script, way.lang, branch && first, walk)
            .await
    }

    /// The key of the wizard's last page.
    fn last_page(&self) -> String {
        self.model
            .pages
            .iter()
            .rev()
            .find(|page| !page.key.contains('/'))
            .map(|page| page.key.clone())
            .unwrap_or_default()
    }

    /// Whether `key` is an item step of a list none of whose items is
    /// finished on this path (so its variations are walked).
    fn first_item(&self, key: &str, lists_done: &HashSet<String>) -> bool {
        match key.split_once('/') {
            Some((list, _)) => !lists_done.contains(list),
            None => true,
        }
    }

    /// The lists whose page this path has reached.
    fn items_done(&self, pages: &[(String, String)]) -> HashSet<String> {
        pages
            .iter()
            .filter(|(key, _)| self.model.page(key).is_some_and(|p| p.list.is_some()))
            .map(|(key, _)| key.clone())
            .collect()
    }

    /// A list page's answer: another item while under the minimum (or
    /// while filling it), else on. The first time, the fill to the
    /// maximum is left to walk.
    fn list_move(
        &self,
        key: &str,
        (min, max): (usize, usize),
        way: &Way<'_>,
        script: &[Move],
        walk: &mut Walk,
        visitor: &Visitor<'a, W>,
    ) -> Move {
        let (fill, branch) = (way.fill, way.branch && way.fill.is_none());
        let count = visitor.page().items().len();
        let asks = visitor
            .page()
            .body()
            .contains(&format!("name=\"{ADD_ANOTHER}\""));
        let more = asks && (count < min || (fill == Some(key) && count < max));
        if branch && asks && count < max && walk.filled.insert(key.to_owned()) {
            let mut filling = script.to_vec();
            filling.push(list_answer(true));
            walk.pending.push((filling, Some(key.to_owned())));
        }
        match asks {
            true => list_answer(more),
            false => Move {
                pairs: Vec::new(),
                files: Vec::new(),
                label: "full".to_owned(),
            },
        }
    }

    /// A step's answer: its fields' first answers, the next ones in turn
    /// for each field the page refuses; `None` when it refuses them all.
    /// With `branch`, each variation is left to walk.
    async fn step_move(
        &self,
        key: &str,
        visitor: &mut Visitor<'a, W>,
        script: &[Move],
        lang: Option<&str>,
        branch: bool,
        walk: &mut Walk,
    ) -> Option<Move> {
        let fields = self.model.page(key).map_or(&[][..], |page| page.fields);
        let tries: Vec<Vec<Answer>> = fields
            .iter()
            .map(|spec| answers::valid(spec, self.samples_of(key, spec)))
            .collect();
        let mut at = vec![0; fields.len()];
        if walk
            .checked
            .insert(format!("{}|{key}|refusals", lang.unwrap_or_default()))
        {
            self.check_refusals(key, fields, &tries, visitor, script, lang, walk)
                .await;
        }
        for _ in 0..8 {
            let answered = self.move_of(key, fields, &tries, &at);
            let status = press(visitor, &answered).await.status().as_u16();
            if status != 422 {
                if branch {
                    self.leave_variations(key, fields, &tries, &at, script, walk);
                }
                return Some(answered);
            }
            let refused: Vec<String> = visitor
                .page()
                .errors()
                .into_iter()
                .map(|(f, _)| f)
                .collect();
            let mut next = false;
            for (i, spec) in fields.iter().enumerate() {
                let hit = refused
                    .iter()
                    .any(|f| f == spec.name || f.starts_with(&format!("{}-", spec.name)));
                if hit && at[i] + 1 < tries[i].len() {
                    at[i] += 1;
                    next = true;
                }
            }
            if !next {
                return None;
            }
        }
        None
    }

    fn samples_of(&self, key: &str, spec: &FieldSpec) -> &[String] {
        self.samples
            .get(&(key.to_owned(), spec.name.to_owned()))
            .map_or(&[][..], Vec::as_slice)
    }

    /// The move of answers `at` of each field, labelled with those that
    /// may change the way.
    fn move_of(
        &self,
        key: &str,
        fields: &[FieldSpec],
        tries: &[Vec<Answer>],
        at: &[usize],
    ) -> Move {
        let chosen: Vec<Answer> = tries
            .iter()
            .zip(at)
            .map(|(answers, &i)| answers.get(i).cloned().unwrap_or(Answer::Pairs(Vec::new())))
            .collect();
        let mut answered = Move::of(fields, &chosen);
        let labels: Vec<String> = fields
            .iter()
            .zip(tries)
            .zip(&chosen)
            .filter(|((spec, answers), _)| {
                answers::branches(spec, self.samples_of(key, spec)) && answers.len() > 1
            })
            .map(|((spec, _), answer)| answer.shown(spec.name))
            .collect();
        answered.label = labels.join(", ");
        answered
    }

    /// Each other answer of each field that may change the way, one at a
    /// time, left to walk.
    fn leave_variations(
        &self,
        key: &str,
        fields: &[FieldSpec],
        tries: &[Vec<Answer>],
        at: &[usize],
        script: &[Move],
        walk: &mut Walk,
    ) {
        for (i, spec) in fields.iter().enumerate() {
            if !answers::branches(spec, self.samples_of(key, spec)) {
                continue;
            }
            // With samples, the variations are the samples; a choice's
            // are all its options.
            let samples = self.samples_of(key, spec).len();
            let count = if samples > 0 { samples } else { tries[i].len() };
            for other in (0..count).filter(|j| *j != at[i]) {
                let mut varied = at.to_vec();
                varied[i] = other;
                let mut next = script.to_vec();
                next.push(self.move_of(key, fields, tries, &varied));
                walk.pending.push((next, None));
            }
        }
    }
}

impl Move {
    /// The pairs and files of `chosen`, one answer per field.
    fn of(fields: &[FieldSpec], chosen: &[Answer]) -> Self {
        let mut answered = Move::default();
        for (spec, answer) in fields.iter().zip(chosen) {
            match answer {
                Answer::Pairs(pairs) => answered.pairs.extend(pairs.iter().cloned()),
                Answer::File(name, bytes) => {
                    answered
                        .files
                        .push((spec.name.to_owned(), name.clone(), bytes.clone()));
                }
            }
        }
        answered
    }
}

/// The list question's answer.
fn list_answer(another: bool) -> Move {
    let answer = if another { "yes" } else { "no" };
    Move {
        pairs: vec![(ADD_ANOTHER.to_owned(), answer.to_owned())],
        files: Vec::new(),
        label: format!("add another={answer}"),
    }
}

/// Sends `answered` from the visitor's page with its main button.
async fn press<'v, W: Wizard>(visitor: &'v mut Visitor<'_, W>, answered: &Move) -> &'v Seen {
    let pairs: Vec<(&str, &str)> = answered
        .pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    #[cfg(not(feature = "uploads"))]
    return visitor.submit_pairs(&pairs).await;
    #[cfg(feature = "uploads")]
    if answered.files.is_empty() && !visitor.page().body().contains("multipart/form-data") {
        return visitor.submit_pairs(&pairs).await;
    }
    #[cfg(feature = "uploads")]
    let files: Vec<(&str, &str, &[u8])> = answered
        .files
        .iter()
        .map(|(field, name, bytes)| (field.as_str(), name.as_str(), bytes.as_slice()))
        .collect();
    #[cfg(feature = "uploads")]
    visitor.submit_files(&pairs, &files).await
}
