//! What the explorer checks on every page it visits: that it rendered,
//! that no two elements share an id, that every control has a label, and
//! that each link of the error summary lands on an element of the page.

use std::collections::HashSet;

use scraper::{ElementRef, Html, Selector};

use super::answers::{self, Answer};
use super::{Explorer, Move, Walk};
use crate::field::FieldSpec;
use crate::repeat::ADD_ANOTHER;
use crate::testing::{Seen, Visitor};
use crate::wizard::Wizard;

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e}"))
}

/// The problems of the page `body`, each said in a sentence.
pub(crate) fn page_problems(body: &str) -> Vec<String> {
    let html = Html::parse_document(body);
    let mut problems = Vec::new();
    let mut ids = HashSet::new();
    for element in html.select(&selector("[id]")) {
        if let Some(id) = element.value().attr("id")
            && !ids.insert(id.to_owned())
        {
            problems.push(format!("two elements have the id `{id}`"));
        }
    }
    let labelled: HashSet<&str> = html
        .select(&selector("label[for]"))
        .filter_map(|label| label.value().attr("for"))
        .collect();
    for control in html.select(&selector("input, select, textarea")) {
        if !needs_label(control) {
            continue;
        }
        let id = control.value().attr("id").unwrap_or_default();
        let named = ["aria-label", "aria-labelledby"]
            .iter()
            .any(|attribute| control.value().attr(attribute).is_some());
        if !named && (id.is_empty() || !labelled.contains(id)) {
            let name = control.value().attr("name").unwrap_or("(no name)");
            problems.push(format!("the control `{name}` has no label"));
        }
    }
    for link in html.select(&selector(".error-summary a[href^='#']")) {
        let target = link
            .value()
            .attr("href")
            .unwrap_or_default()
            .trim_start_matches('#');
        if !ids.contains(target) {
            problems.push(format!(
                "the error summary links to `#{target}`, which the page does not have"
            ));
        }
    }
    problems
}

/// Whether a control is one a visitor sees and answers.
fn needs_label(control: ElementRef<'_>) -> bool {
    let kind = control.value().attr("type").unwrap_or("text");
    !matches!(kind, "hidden" | "submit" | "button" | "reset" | "image")
}

/// The wizard's own checks of a page, run by the walk.
impl<'a, W: Wizard> Explorer<'a, W> {
    /// The page's markup, once per language: rendered, ids, labels, the
    /// summary's links, and its `lang`.
    pub(super) fn check_page(&self, key: &str, lang: Option<&str>, seen: &Seen, walk: &mut Walk) {
        if !walk
            .checked
            .insert(format!("{}|{key}", lang.unwrap_or_default()))
        {
            return;
        }
        let mut problems = page_problems(seen.body());
        if let Some(lang) = lang
            && !seen.body().contains(&format!("<html lang=\"{lang}\""))
        {
            problems.push(format!("the page is not marked as `{lang}`"));
        }
        for problem in problems {
            walk.report.problems.push((key.to_owned(), problem));
        }
    }

    /// The page sent empty (its error summary's links must land), then,
    /// for each field that declares what it refuses, such an answer with
    /// the others' first answers: an error beside that field, or a
    /// problem. On the visitor's page, which it leaves where it was.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn check_refusals(
        &self,
        key: &str,
        fields: &[FieldSpec],
        tries: &[Vec<Answer>],
        visitor: &mut Visitor<'a, W>,
        script: &[Move],
        lang: Option<&str>,
        walk: &mut Walk,
    ) {
        let empty = Move::default();
        let mut sent = vec![empty];
        let mut wrong_fields = vec![None];
        for (i, spec) in fields.iter().enumerate() {
            let Some(bad) = answers::wrong(spec) else {
                continue;
            };
            let mut chosen: Vec<Answer> = tries
                .iter()
                .map(|t| t.first().cloned().unwrap_or(Answer::Pairs(Vec::new())))
                .collect();
            chosen[i] = bad;
            if let Some((field, value)) = spec.revealed_by.and_then(|r| r.split_once('=')) {
                if let Some(at) = fields.iter().position(|f| f.name == field) {
                    chosen[at] = Answer::one(field, value);
                }
            }
            sent.push(Move::of(fields, &chosen));
            wrong_fields.push(Some((spec.name, chosen[i].shown(spec.name))));
        }
        for (answered, wrong) in sent.iter().zip(wrong_fields) {
            let seen = super::press(visitor, answered).await;
            let refused = seen.status().as_u16() == 422;
            let problem = match &wrong {
                None if refused => page_problems(seen.body())
                    .into_iter()
                    .find(|p| p.starts_with("the error summary")),
                None => None,
                Some((field, shown)) if !refused => Some(format!(
                    "`{field}` took an answer it should refuse ({shown})"
                )),
                Some((field, shown)) => seen
                    .error(*field)
                    .is_none()
                    .then(|| format!("`{field}` refused {shown} without an error beside it")),
            };
            if let Some(problem) = problem {
                walk.report.problems.push((key.to_owned(), problem));
            }
            if !refused {
                // It went on: back to the page, by the same answers.
                match self.replay(script, lang).await {
                    Some((again, _)) => *visitor = again,
                    None => return,
                }
            }
        }
    }

    /// A list's page with no item, sent on: its minimum must refuse it
    /// (with an error), and a list with none must not. Once per list.
    pub(super) async fn check_empty_list(
        &self,
        key: &str,
        script: &[Move],
        lang: Option<&str>,
        walk: &mut Walk,
    ) {
        let Some((list, _)) = key.split_once('/') else {
            return;
        };
        if !walk
            .emptied
            .insert(format!("{}|{list}", lang.unwrap_or_default()))
        {
            return;
        }
        let Some((min, _)) = self.model.page(list).and_then(|page| page.list) else {
            return;
        };
        let Some((mut visitor, _)) = self.replay(script, lang).await else {
            return;
        };
        visitor.open(&format!("{}/{list}", self.base)).await;
        let seen = visitor.submit_pairs(&[(ADD_ANOTHER, "no")]).await;
        let refused = seen.status().as_u16() == 422;
        let problem = match (min > 0, refused) {
            (true, false) => Some(format!(
                "with no item it went on, below its minimum of {min}"
            )),
            (true, true) if seen.errors().is_empty() => {
                Some("with no item it refused to go on without an error".to_owned())
            }
            (false, true) => {
                Some("with no item it refused to go on, though it has no minimum".to_owned())
            }
            _ => None,
        };
        if let Some(problem) = problem {
            walk.report.problems.push((list.to_owned(), problem));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_problem_is_found_and_a_sound_page_has_none() {
        let sound = r##"<div class="error-summary"><a href="#name">Enter a name</a></div>
            <label for="name">Name</label><input id="name" name="name">
            <input type="hidden" name="csrf_token" value="x">"##;
        assert!(
            page_problems(sound).is_empty(),
            "{:?}",
            page_problems(sound)
        );
        let broken = r##"<div class="error-summary"><a href="#gone">Enter it</a></div>
            <p id="name">a</p><input id="name" name="name"><textarea name="notes"></textarea>"##;
        let problems = page_problems(broken);
        assert!(
            problems.contains(&"two elements have the id `name`".to_owned()),
            "{problems:?}"
        );
        assert!(
            problems.contains(&"the control `notes` has no label".to_owned()),
            "{problems:?}"
        );
        assert!(
            problems.contains(&"the control `name` has no label".to_owned()),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("`#gone`")),
            "{problems:?}"
        );
    }
}
