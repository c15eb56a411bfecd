//! Reading: a derive's input into a model of what its attributes say.
//!
//! Errors here are about reading only: an attribute this derive does not
//! know, one given twice, or one whose value is not of its type, each
//! pointing at the attribute that is wrong. Whether what was read makes
//! sense together is [`crate::check`]'s job.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Attribute, Data, DeriveInput, Error, Expr, Fields, Ident, Lit, LitStr, Path, Result};

use crate::case::{RenameRule, words_of_field, words_of_variant};
pub(crate) use crate::rules::{Rule, declared_messages, skip_value, validator_rules};

/// The value an attribute takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Expect {
    /// `key = "text"`.
    Str,
    /// `key = true`.
    Bool,
    /// `key = 10`.
    Int,
    /// `key = path::to::function`.
    Path,
    /// `key` alone.
    Flag,
}

/// One attribute as written: its key, where it is, and its value.
#[derive(Clone)]
pub(crate) struct Setting {
    pub key: String,
    pub span: Span,
    pub value: Value,
}

/// An attribute's value, of the type its key takes.
#[derive(Clone)]
pub(crate) enum Value {
    Str(LitStr),
    Bool(syn::LitBool),
    Int(syn::LitInt),
    Path(Path),
    Flag,
}

/// The settings of one kind of attribute (`#[step(...)]` on a struct,
/// `#[field(...)]` on a field, `#[choice(...)]` on a variant), by key.
#[derive(Clone, Default)]
pub(crate) struct Settings(pub Vec<Setting>);

impl Settings {
    pub fn get(&self, key: &str) -> Option<&Setting> {
        self.0.iter().find(|setting| setting.key == key)
    }

    pub fn text(&self, key: &str) -> Option<&LitStr> {
        match self.get(key).map(|setting| &setting.value) {
            Some(Value::Str(text)) => Some(text),
            _ => None,
        }
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

/// What the attributes named `attribute` of one item say, read against
/// the keys it takes (`keys`, each with its value's type).
pub(crate) fn read_settings(
    attrs: &[Attribute],
    attribute: &str,
    keys: &[(&str, Expect)],
) -> Result<Settings> {
    let mut settings = Settings::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident(attribute)) {
        attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(Ident::to_string);
            let Some((key, expect)) = key.and_then(|key| {
                keys.iter()
                    .find(|(known, _)| *known == key)
                    .map(|(known, expect)| ((*known).to_owned(), *expect))
            }) else {
                let known: Vec<&str> = keys.iter().map(|(key, _)| *key).collect();
                return Err(meta.error(format!(
                    "unknown {attribute} attribute; expected {}",
                    one_of(&known)
                )));
            };
            if settings.has(&key) {
                return Err(meta.error(format!("`{key}` is given twice")));
            }
            let span = meta.path.span();
            let value = read_value(&meta, &key, expect)?;
            settings.0.push(Setting { key, span, value });
            Ok(())
        })?;
    }
    Ok(settings)
}

/// "a, b or c".
fn one_of(words: &[&str]) -> String {
    match words.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The value of `key`, which must be of type `expect`.
fn read_value(meta: &syn::meta::ParseNestedMeta<'_>, key: &str, expect: Expect) -> Result<Value> {
    if expect == Expect::Flag {
        if meta.input.peek(syn::Token![=]) || meta.input.peek(syn::token::Paren) {
            return Err(meta.error(format!("`{key}` takes no value: write `{key}` alone")));
        }
        return Ok(Value::Flag);
    }
    let wrong = |span: Span| {
        let example = match expect {
            Expect::Str => format!("a string: {key} = \"...\""),
            Expect::Bool => format!("true or false: {key} = true"),
            Expect::Int => format!("a whole number: {key} = 10"),
            Expect::Path => format!("a function's path: {key} = path::to::function"),
            Expect::Flag => unreachable!("handled above"),
        };
        Error::new(span, format!("`{key}` takes {example}"))
    };
    let expr: Expr = meta
        .value()
        .map_err(|_| meta.error(format!("`{key}` needs a value")))?
        .parse()?;
    match (expect, &expr) {
        (Expect::Path, Expr::Path(path)) => Ok(Value::Path(path.path.clone())),
        (Expect::Path, _) => Err(wrong(expr.span())),
        (_, Expr::Lit(lit)) => match (&lit.lit, expect) {
            (Lit::Str(text), Expect::Str) => Ok(Value::Str(text.clone())),
            (Lit::Bool(flag), Expect::Bool) => Ok(Value::Bool(flag.clone())),
            (Lit::Int(number), Expect::Int) => Ok(Value::Int(number.clone())),
            _ => Err(wrong(expr.span())),
        },
        _ => Err(wrong(expr.span())),
    }
}

// ------------------------------------------------------------------ serde

/// What serde's attributes say about names.
#[derive(Default)]
pub(crate) struct SerdeNames {
    pub rename: Option<String>,
    pub rename_all: Option<RenameRule>,
    pub skip: bool,
}

pub(crate) fn serde_names(attrs: &[Attribute]) -> Result<SerdeNames> {
    let mut names = SerdeNames::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(Ident::to_string);
            match key.as_deref() {
                Some("rename") => names.rename = Some(deserialize_name(&meta)?),
                Some("rename_all") => {
                    let text = deserialize_name(&meta)?;
                    let rule = RenameRule::parse(&text).ok_or_else(|| {
                        meta.error(format!("unknown serde rename_all rule `{text}`"))
                    })?;
                    names.rename_all = Some(rule);
                }
                Some("skip" | "skip_deserializing") => names.skip = true,
                _ => skip_value(&meta)?,
            }
            Ok(())
        })?;
    }
    Ok(names)
}

/// `rename = "x"` or `rename(deserialize = "x")`: the name forms use.
fn deserialize_name(meta: &syn::meta::ParseNestedMeta<'_>) -> Result<String> {
    if meta.input.peek(syn::Token![=]) {
        let value: LitStr = meta.value()?.parse()?;
        return Ok(value.value());
    }
    let mut found = None;
    meta.parse_nested_meta(|inner| {
        let value: LitStr = inner.value()?.parse()?;
        if inner.path.is_ident("deserialize") {
            found = Some(value.value());
        }
        Ok(())
    })?;
    found.ok_or_else(|| meta.error("expected a name to deserialize from"))
}

// ------------------------------------------------------------------ Step

/// The keys of `#[step(...)]`.
pub(crate) const STEP_KEYS: &[(&str, Expect)] = &[
    ("name", Expect::Str),
    ("title", Expect::Str),
    ("button", Expect::Str),
    ("check", Expect::Path),
    ("render", Expect::Path),
    ("unchecked_placement", Expect::Flag),
    ("check_once", Expect::Flag),
];

/// The keys of `#[field(...)]`.
pub(crate) const FIELD_KEYS: &[(&str, Expect)] = &[
    ("label", Expect::Str),
    ("hint", Expect::Str),
    ("kind", Expect::Str),
    ("optional", Expect::Bool),
    ("checkbox", Expect::Str),
    ("autocomplete", Expect::Str),
    ("inputmode", Expect::Str),
    ("spellcheck", Expect::Bool),
    ("width", Expect::Int),
    ("prefix", Expect::Str),
    ("suffix", Expect::Str),
    ("rows", Expect::Int),
    ("max_chars", Expect::Int),
    ("uppercase", Expect::Flag),
    ("lowercase", Expect::Flag),
    ("type_error", Expect::Str),
    ("revealed_by", Expect::Str),
    ("subject", Expect::Str),
    ("options", Expect::Str),
    ("accept", Expect::Str),
    ("max_size", Expect::Int),
];

/// A `#[derive(Step)]` as read.
pub(crate) struct StepModel {
    pub ident: Ident,
    /// Where its generic parameters are, if it has any.
    pub generics: Option<Span>,
    /// Whether it is a struct with named fields.
    pub named: bool,
    pub settings: Settings,
    /// Its fields on the form, serde's skipped ones included (marked).
    pub fields: Vec<FieldModel>,
}

/// One field of a step as read.
pub(crate) struct FieldModel {
    /// The field's Rust name, as written (`r#type`).
    pub rust: Ident,
    /// The field's Rust name without `r#`.
    pub rust_name: String,
    /// The name the form carries it under (serde's).
    pub form_name: String,
    pub ty: syn::Type,
    /// Whether serde skips it (it is then not on the form).
    pub skipped: bool,
    pub settings: Settings,
    /// validator's rules on it.
    pub rules: Vec<Rule>,
    /// The messages its `#[validate]` rules declare, by validator's code
    /// (`code = "..."`, else the rule's name), in order: what a
    /// translation of the step must give.
    pub messages: Vec<(String, LitStr)>,
}

pub(crate) fn read_step(input: &DeriveInput) -> Result<StepModel> {
    let generics = (!input.generics.params.is_empty()).then(|| input.generics.span());
    let settings = read_settings(&input.attrs, "step", STEP_KEYS)?;
    let rename_all = serde_names(&input.attrs)?.rename_all;
    let named = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(fields) => Some(fields),
            _ => None,
        },
        _ => None,
    };
    let mut fields = Vec::new();
    for field in named.iter().flat_map(|fields| &fields.named) {
        let Some(rust) = field.ident.clone() else {
            continue;
        };
        let serde = serde_names(&field.attrs)?;
        let rust_name = rust.to_string();
        let rust_name = rust_name
            .strip_prefix("r#")
            .unwrap_or(&rust_name)
            .to_owned();
        let form_name = serde.rename.unwrap_or_else(|| match rename_all {
            Some(rule) => rule.apply(&words_of_field(&rust_name)),
            None => rust_name.clone(),
        });
        fields.push(FieldModel {
            rust,
            rust_name,
            form_name,
            ty: field.ty.clone(),
            skipped: serde.skip,
            settings: read_settings(&field.attrs, "field", FIELD_KEYS)?,
            rules: validator_rules(&field.attrs)?,
            messages: declared_messages(&field.attrs)?,
        });
    }
    Ok(StepModel {
        ident: input.ident.clone(),
        generics,
        named: named.is_some(),
        settings,
        fields,
    })
}

// ------------------------------------------------------------------ Choice

/// The keys of `#[choice(...)]`.
pub(crate) const CHOICE_KEYS: &[(&str, Expect)] = &[("label", Expect::Str), ("hint", Expect::Str)];

/// A `#[derive(Choice)]` as read.
pub(crate) struct ChoiceModel {
    pub ident: Ident,
    pub generics: Option<Span>,
    /// Whether it is an enum.
    pub is_enum: bool,
    pub variants: Vec<VariantModel>,
}

/// One variant of a choice as read.
pub(crate) struct VariantModel {
    pub ident: Ident,
    /// Where it is, if it carries data (a choice may not).
    pub data: Option<Span>,
    pub skipped: bool,
    /// Its form value (serde's name).
    pub value: String,
    pub settings: Settings,
}

pub(crate) fn read_choice(input: &DeriveInput) -> Result<ChoiceModel> {
    let generics = (!input.generics.params.is_empty()).then(|| input.generics.span());
    let rename_all = serde_names(&input.attrs)?.rename_all;
    let mut variants = Vec::new();
    if let Data::Enum(data) = &input.data {
        for variant in &data.variants {
            let serde = serde_names(&variant.attrs)?;
            let name = variant.ident.to_string();
            variants.push(VariantModel {
                ident: variant.ident.clone(),
                data: (!matches!(variant.fields, Fields::Unit)).then(|| variant.span()),
                skipped: serde.skip,
                value: serde.rename.unwrap_or_else(|| match rename_all {
                    Some(rule) => rule.apply(&words_of_variant(&name)),
                    None => name.clone(),
                }),
                settings: read_settings(&variant.attrs, "choice", CHOICE_KEYS)?,
            });
        }
    }
    Ok(ChoiceModel {
        ident: input.ident.clone(),
        generics,
        is_enum: matches!(input.data, Data::Enum(_)),
        variants,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn step(input: DeriveInput) -> Result<StepModel> {
        read_step(&input)
    }

    #[test]
    fn a_step_is_read_with_its_fields_names_and_rules() {
        let model = step(parse_quote! {
            #[serde(rename_all = "camelCase")]
            #[step(title = "About you", unchecked_placement)]
            struct AboutYou {
                #[field(label = "Your name", width = 20)]
                #[validate(length(min = 1, max = 40), email)]
                display_name: String,
                #[serde(skip)]
                note: String,
                #[validate(range(min = LOW), custom(function = "actix_wizard::field::ticked"))]
                r#type: bool,
            }
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(model.ident, "AboutYou");
        assert!(model.named && model.generics.is_none());
        assert_eq!(
            model.settings.text("title").map(LitStr::value).as_deref(),
            Some("About you")
        );
        assert!(model.settings.has("unchecked_placement"));
        let names: Vec<_> = model
            .fields
            .iter()
            .map(|f| (f.form_name.as_str(), f.skipped))
            .collect();
        assert_eq!(
            names,
            [("displayName", false), ("note", true), ("type", false)]
        );
        assert_eq!(
            model.fields[0].rules,
            [
                Rule::Length {
                    min: Some(1),
                    max: Some(40),
                    equal: None
                },
                Rule::Email
            ]
        );
        assert_eq!(
            model.fields[2].rules,
            [Rule::Other("range".into()), Rule::Ticked]
        );
        assert_eq!(model.fields[2].rust_name, "type");
    }

    #[test]
    fn each_rules_message_is_read_with_its_code() {
        let model = step(parse_quote! {
            struct Contact {
                #[validate(
                    required(message = "Enter a name"),
                    length(max = 40, message = "Keep it short"),
                    custom(function = "plain"),
                    custom(function = "coded", code = "taken", message = "That name is taken"),
                    custom(function = "uncoded", message = "Not recorded"),
                    custom(function = "actix_wizard::field::ticked", message = "Tick it")
                )]
                name: Option<String>,
            }
        })
        .unwrap_or_else(|e| panic!("{e}"));
        let read: Vec<_> = model.fields[0]
            .messages
            .iter()
            .map(|(code, text)| (code.as_str(), text.value()))
            .collect();
        assert_eq!(
            read,
            [
                ("required", "Enter a name".to_owned()),
                ("length", "Keep it short".to_owned()),
                ("taken", "That name is taken".to_owned()),
                ("required", "Tick it".to_owned()),
            ]
        );
    }

    fn message(result: Result<StepModel>) -> String {
        match result {
            Ok(_) => panic!("read without an error"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn an_unknown_a_repeated_and_a_wrongly_typed_attribute_are_refused() {
        let unknown = message(step(parse_quote! {
            #[step(title = "T", colour = "red")]
            struct S { a: String }
        }));
        assert!(
            unknown.starts_with("unknown step attribute; expected name, title"),
            "{unknown}"
        );
        let twice = message(step(parse_quote! {
            #[step(title = "T")]
            #[step(title = "U")]
            struct S { a: String }
        }));
        assert_eq!(twice, "`title` is given twice");
        let wrong = message(step(parse_quote! {
            #[step(title = "T")]
            struct S { #[field(width = "10")] a: String }
        }));
        assert_eq!(wrong, "`width` takes a whole number: width = 10");
        let flag = message(step(parse_quote! {
            #[step(title = "T", unchecked_placement = true)]
            struct S { a: String }
        }));
        assert_eq!(
            flag,
            "`unchecked_placement` takes no value: write `unchecked_placement` alone"
        );
    }

    #[test]
    fn a_choice_is_read_with_its_values() {
        let model = read_choice(&parse_quote! {
            #[serde(rename_all = "snake_case")]
            enum Plan {
                #[choice(label = "Free plan")]
                FreeTier,
                #[serde(rename = "pro")]
                Professional,
                Custom(u8),
            }
        })
        .unwrap_or_else(|e| panic!("{e}"));
        let values: Vec<_> = model.variants.iter().map(|v| v.value.as_str()).collect();
        assert_eq!(values, ["free_tier", "pro", "custom"]);
        assert!(model.variants[2].data.is_some());
        assert_eq!(
            model.variants[0]
                .settings
                .text("label")
                .map(LitStr::value)
                .as_deref(),
            Some("Free plan")
        );
    }
}
