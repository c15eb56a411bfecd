//! serde's `rename_all` rules, applied the way serde applies them, so that
//! a form's names and a choice's values are the ones serde reads.

/// One of serde's `rename_all` rules.
#[derive(Clone, Copy)]
pub enum RenameRule {
    Lower,
    Upper,
    Pascal,
    Camel,
    Snake,
    ScreamingSnake,
    Kebab,
    ScreamingKebab,
}

impl RenameRule {
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "lowercase" => Self::Lower,
            "UPPERCASE" => Self::Upper,
            "PascalCase" => Self::Pascal,
            "camelCase" => Self::Camel,
            "snake_case" => Self::Snake,
            "SCREAMING_SNAKE_CASE" => Self::ScreamingSnake,
            "kebab-case" => Self::Kebab,
            "SCREAMING-KEBAB-CASE" => Self::ScreamingKebab,
            _ => return None,
        })
    }

    /// Joins a name's words (as written in Rust) under the rule.
    pub fn apply(self, words: &[String]) -> String {
        let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
        let capitalised = || -> Vec<String> {
            lower
                .iter()
                .map(|w| {
                    let mut chars = w.chars();
                    chars
                        .next()
                        .map(|c| c.to_uppercase().chain(chars).collect())
                        .unwrap_or_default()
                })
                .collect()
        };
        match self {
            Self::Lower => lower.concat(),
            Self::Upper => lower.concat().to_uppercase(),
            Self::Pascal => capitalised().concat(),
            Self::Camel => {
                let mut parts = capitalised();
                if let (Some(first), Some(word)) = (parts.first_mut(), lower.first()) {
                    first.clone_from(word);
                }
                parts.concat()
            }
            Self::Snake => lower.join("_"),
            Self::ScreamingSnake => lower.join("_").to_uppercase(),
            Self::Kebab => lower.join("-"),
            Self::ScreamingKebab => lower.join("-").to_uppercase(),
        }
    }
}

/// A field's words: `display_name` → `display`, `name`.
pub fn words_of_field(name: &str) -> Vec<String> {
    name.split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A variant's words: `SoleTrader` → `Sole`, `Trader`.
pub fn words_of_variant(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for c in name.chars() {
        match words.last_mut() {
            Some(word) if !c.is_uppercase() => word.push(c),
            _ => words.push(c.to_string()),
        }
    }
    words
}
