//! Expanding: a checked model into the code it stands for. Nothing here
//! fails; what could be wrong was refused by [`crate::check`].

use proc_macro2::TokenStream as Tokens;
use quote::{format_ident, quote, quote_spanned};
use syn::LitStr;
use syn::spanned::Spanned;

use crate::case::words_of_variant;
use crate::check::CheckedStep;
use crate::model::{ChoiceModel, FieldModel, Rule, Value};

/// The step's own constants: a field named like one gets `_FIELD` added.
const RESERVED_CONSTANTS: &[&str] = &[
    "NAME",
    "TITLE",
    "FIELDS",
    "CHECK_PLACEMENT",
    "CHECK_AT_FINISH",
    "BUTTON",
];

/// `impl Step` and the field-name constants of a checked step.
pub(crate) fn step(checked: &CheckedStep<'_>) -> Tokens {
    let ident = &checked.model.ident;
    let (name, title) = (&checked.name, &checked.title);
    let specs = checked
        .fields
        .iter()
        .map(|(field, kind)| field_spec(field, kind.as_ref()));
    let rows = checked.fields.iter().map(|(field, _)| answer_row(field));
    let names = checked.fields.iter().map(|(field, _)| name_constant(field));
    let extras = step_extras(checked);
    quote! {
        impl ::actix_wizard::Step for #ident {
            const NAME: &'static str = #name;
            const TITLE: &'static str = #title;
            const FIELDS: &'static [::actix_wizard::field::FieldSpec] = &[#(#specs),*];
            #extras
            fn answers(&self, texts: &::actix_wizard::page::Texts) -> ::std::vec::Vec<::actix_wizard::page::Answer> {
                let mut rows = ::std::vec::Vec::new();
                #(#rows)*
                rows
            }
        }

        #[allow(dead_code)]
        impl #ident {
            #(#names)*
        }
    }
}

/// What a step declares beside its fields: its placement check, button,
/// page and check of its own.
fn step_extras(checked: &CheckedStep<'_>) -> Tokens {
    let settings = &checked.model.settings;
    let path = |key: &str| match settings.get(key).map(|s| &s.value) {
        Some(Value::Path(path)) => Some(path.clone()),
        _ => None,
    };
    let placement = settings.has("unchecked_placement").then(|| {
        quote!(
            const CHECK_PLACEMENT: bool = false;
        )
    });
    let once = settings.has("check_once").then(|| {
        quote!(
            const CHECK_AT_FINISH: bool = false;
        )
    });
    let button = settings.text("button").map(|label| {
        quote!(
            const BUTTON: ::std::option::Option<&'static str> = ::std::option::Option::Some(#label);
        )
    });
    let render = path("render").map(|path| {
        quote! {
            fn render(page: &::actix_wizard::page::Page<'_>) -> ::std::result::Result<::std::string::String, ::askama::Error> {
                #path(page)
            }
        }
    });
    let check = path("check").map(|path| {
        quote! {
            fn check(&self, request: &::actix_web::HttpRequest)
                -> impl ::std::future::Future<Output = ::actix_wizard::FieldErrors> {
                #path(self, request)
            }
        }
    });
    quote!(#placement #once #button #render #check)
}

/// A field's label: declared, else its form name in words.
fn label_of(field: &FieldModel) -> LitStr {
    field
        .settings
        .text("label")
        .cloned()
        .unwrap_or_else(|| LitStr::new(&humanize(&field.form_name), field.rust.span()))
}

/// A field's `FieldSpec`, its declared settings as builder calls.
fn field_spec(field: &FieldModel, kind: Option<&syn::Ident>) -> Tokens {
    let ty = &field.ty;
    let value_of = quote_spanned!(ty.span()=> <#ty as ::actix_wizard::field::FieldValue>);
    let kind = match kind {
        Some(variant) => quote!(::actix_wizard::field::Kind::#variant),
        None => quote!(#value_of::KIND),
    };
    let required = field.rules.contains(&Rule::Required);
    // A revealed field is asked for once its option is chosen.
    let revealed = field.settings.get("revealed_by").is_some();
    let optional = match field.settings.get("optional").map(|s| &s.value) {
        Some(Value::Bool(flag)) => quote!(#flag),
        _ if required || revealed => quote!(false),
        _ => quote!(#value_of::OPTIONAL),
    };
    let (form_name, rust_name, label) = (&field.form_name, &field.rust_name, label_of(field));
    let rules = field.rules.iter().map(rule_tokens);
    let messages = field
        .messages
        .iter()
        .map(|(code, text)| quote!((#code, #text)));
    let calls = field.settings.0.iter().filter_map(|setting| {
        let method = format_ident!("{}", setting.key);
        match (setting.key.as_str(), &setting.value) {
            ("label" | "kind" | "optional", _) => None,
            ("options", Value::Str(text)) => {
                let options = crate::check::parse_options(text).unwrap_or_default();
                let choices = options.iter().map(
                    |(value, label)| quote!(::actix_wizard::field::Choice::new(#value, #label)),
                );
                Some(quote!(.options(&[#(#choices),*])))
            }
            ("uppercase", _) => {
                Some(quote!(.normalise(::actix_wizard::field::Normalise::Uppercase)))
            }
            ("lowercase", _) => {
                Some(quote!(.normalise(::actix_wizard::field::Normalise::Lowercase)))
            }
            (_, Value::Str(text)) => Some(quote!(.#method(#text))),
            (_, Value::Bool(flag)) => Some(quote!(.#method(#flag))),
            (_, Value::Int(number)) => Some(quote!(.#method(#number))),
            _ => None,
        }
    });
    quote! {
        ::actix_wizard::field::FieldSpec::new(#form_name, #label, #kind)
            .rust_name(#rust_name)
            .optional(#optional)
            .options(#value_of::OPTIONS)
            .rules(&[#(#rules),*])
            .messages(&[#(#messages),*])
            #(#calls)*
    }
}

/// A validator rule as a `::actix_wizard::field::Rule`.
fn rule_tokens(rule: &Rule) -> Tokens {
    let option = |bound: &Option<i64>| match bound {
        Some(n) => quote!(::std::option::Option::Some(#n)),
        None => quote!(::std::option::Option::None),
    };
    match rule {
        Rule::Required => quote!(::actix_wizard::field::Rule::Required),
        Rule::Email => quote!(::actix_wizard::field::Rule::Email),
        Rule::Url => quote!(::actix_wizard::field::Rule::Url),
        Rule::Ticked => quote!(::actix_wizard::field::Rule::Ticked),
        Rule::Length { min, max, equal } => {
            let (min, max, equal) = (option(min), option(max), option(equal));
            quote!(::actix_wizard::field::Rule::Length { min: #min, max: #max, equal: #equal })
        }
        Rule::Range { min, max } => {
            let (min, max) = (option(min), option(max));
            quote!(::actix_wizard::field::Rule::Range { min: #min, max: #max })
        }
        Rule::Other(name) => quote!(::actix_wizard::field::Rule::Other(#name)),
    }
}

/// The check-answers row of a field, when it has an answer to show.
fn answer_row(field: &FieldModel) -> Tokens {
    let (rust, form_name, label) = (&field.rust, &field.form_name, label_of(field));
    quote! {
        if let ::std::option::Option::Some(value) =
            ::actix_wizard::field::FieldValue::display(&self.#rust, texts)
        {
            rows.push(::actix_wizard::page::Answer::new(#form_name, #label, value));
        }
    }
}

/// The field's name as a typed constant (`Account::EMAIL`).
fn name_constant(field: &FieldModel) -> Tokens {
    let mut constant_name = field.rust_name.to_uppercase();
    if RESERVED_CONSTANTS.contains(&constant_name.as_str()) {
        constant_name.push_str("_FIELD");
    }
    let constant = format_ident!("{constant_name}", span = field.rust.span());
    let form_name = &field.form_name;
    let doc = format!("The `{form_name}` field, by name.");
    quote! {
        #[doc = #doc]
        pub const #constant: ::actix_wizard::field::FieldName<Self> =
            ::actix_wizard::field::FieldName::new(#form_name);
    }
}

/// "display_name" → "Display name".
pub(crate) fn humanize(name: &str) -> String {
    let spaced = name.replace(['_', '-'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `Choices` and `FieldValue` for a checked choice.
pub(crate) fn choice(model: &ChoiceModel) -> Tokens {
    let ident = &model.ident;
    let on_form: Vec<_> = model.variants.iter().filter(|v| !v.skipped).collect();
    let choices = on_form.iter().map(|variant| {
        let value = &variant.value;
        let label = variant.settings.text("label").cloned().unwrap_or_else(|| {
            let words = words_of_variant(&variant.ident.to_string()).join(" ");
            LitStr::new(&humanize(&words.to_lowercase()), variant.ident.span())
        });
        let hint = variant
            .settings
            .text("hint")
            .map(|h| quote!(.with_hint(#h)));
        quote!(::actix_wizard::field::Choice::new(#value, #label)#hint)
    });
    let arms = on_form.iter().enumerate().map(|(position, variant)| {
        let variant = &variant.ident;
        quote!(Self::#variant => &<Self as ::actix_wizard::field::Choices>::CHOICES[#position])
    });
    let unreachable = (on_form.len() < model.variants.len()).then(|| {
        quote!(
            #[allow(unreachable_patterns)]
            _ => &<Self as ::actix_wizard::field::Choices>::CHOICES[0]
        )
    });
    quote! {
        impl ::actix_wizard::field::Choices for #ident {
            const CHOICES: &'static [::actix_wizard::field::Choice] = &[#(#choices),*];
            fn choice(&self) -> &'static ::actix_wizard::field::Choice {
                match self {
                    #(#arms,)*
                    #unreachable
                }
            }
        }

        impl ::actix_wizard::field::FieldValue for #ident {
            const KIND: ::actix_wizard::field::Kind = ::actix_wizard::field::Kind::Radios;
            const OPTIONS: &'static [::actix_wizard::field::Choice] =
                <Self as ::actix_wizard::field::Choices>::CHOICES;
            fn display(&self, _texts: &::actix_wizard::page::Texts) -> ::std::option::Option<::std::string::String> {
                ::std::option::Option::Some(
                    ::std::string::ToString::to_string(
                        <Self as ::actix_wizard::field::Choices>::choice(self).label,
                    ),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_name_reads_as_words() {
        assert_eq!(humanize("display_name"), "Display name");
        assert_eq!(humanize("post-code"), "Post code");
        assert_eq!(humanize(""), "");
    }
}
