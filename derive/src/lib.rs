//! The derive macros of `actix-wizard`: `#[derive(Step)]` for a step's
//! struct and `#[derive(Choice)]` for the unit enums its choices are.
//!
//! Use them through `actix_wizard` (`use actix_wizard::{Choice, Step};`):
//! the generated code names that crate's items.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{
    Attribute, Data, DeriveInput, Error, Expr, Fields, Ident, Lit, LitBool, LitInt, LitStr, Path,
    Result, parse_macro_input,
};

mod case;

use case::{RenameRule, words_of_field, words_of_variant};

/// Implements `actix_wizard::Step` from the struct's declaration.
///
/// On the struct: `#[step(name = "...", title = "...")]`, and optionally
/// `check = path` (an `async fn(&Self, &HttpRequest) -> FieldErrors`),
/// `render = path` (a `fn(&Page) -> Result<String, askama::Error>`, for a
/// page of its own), `button = "..."` (the main button's label) and
/// `unchecked_placement` (the page places its fields behind conditions). On each field: `#[field(label = "...", ...)]`; see
/// the crate's README for every attribute.
#[proc_macro_derive(Step, attributes(step, field))]
pub fn derive_step(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand_step(&input)
        .unwrap_or_else(Error::into_compile_error)
        .into()
}

/// Implements `actix_wizard::field::Choices` and `actix_wizard::field::FieldValue` for a
/// unit enum: each variant's form value is its serde name, its label
/// `#[choice(label = "...")]` (or the variant's name in words), with an
/// optional `hint = "..."`.
#[proc_macro_derive(Choice, attributes(choice))]
pub fn derive_choice(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand_choice(&input)
        .unwrap_or_else(Error::into_compile_error)
        .into()
}

// ------------------------------------------------------------------ serde

/// What serde's attributes say about names.
#[derive(Default)]
struct SerdeNames {
    rename: Option<String>,
    rename_all: Option<RenameRule>,
    skip: bool,
}

fn serde_names(attrs: &[Attribute]) -> Result<SerdeNames> {
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

/// Consumes an attribute argument this derive does not read.
fn skip_value(meta: &syn::meta::ParseNestedMeta<'_>) -> Result<()> {
    if meta.input.peek(syn::Token![=]) {
        let _: Expr = meta.value()?.parse()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| skip_value(&inner))?;
    }
    Ok(())
}

/// validator's rules on a field, as `::actix_wizard::field::Rule` values for the
/// published JSON Schema, and whether one is `required`. Bounds that are
/// not integer literals, and rules a schema cannot state, are
/// `Rule::Other` with the rule's name.
fn validator_rules(attrs: &[Attribute]) -> Result<(Vec<Tokens>, bool)> {
    let mut rules = Vec::new();
    let mut required = false;
    for attr in attrs.iter().filter(|a| a.path().is_ident("validate")) {
        attr.parse_nested_meta(|meta| {
            let name = meta
                .path
                .get_ident()
                .map(Ident::to_string)
                .unwrap_or_default();
            match name.as_str() {
                "required" => {
                    required = true;
                    rules.push(quote!(::actix_wizard::field::Rule::Required));
                    skip_value(&meta)
                }
                "email" => {
                    rules.push(quote!(::actix_wizard::field::Rule::Email));
                    skip_value(&meta)
                }
                "url" => {
                    rules.push(quote!(::actix_wizard::field::Rule::Url));
                    skip_value(&meta)
                }
                "length" | "range" => {
                    let mut bounds: [Option<i64>; 3] = [None; 3];
                    let mut literal = true;
                    if meta.input.peek(syn::token::Paren) {
                        meta.parse_nested_meta(|inner| {
                            let slot = ["min", "max", "equal"]
                                .iter()
                                .position(|key| inner.path.is_ident(key));
                            match slot {
                                Some(slot) => {
                                    let value: Expr = inner.value()?.parse()?;
                                    match integer_literal(&value) {
                                        Some(number) => bounds[slot] = Some(number),
                                        None => literal = false,
                                    }
                                    Ok(())
                                }
                                None => skip_value(&inner),
                            }
                        })?;
                    }
                    let option = |bound: Option<i64>| match bound {
                        Some(n) => quote!(::std::option::Option::Some(#n)),
                        None => quote!(::std::option::Option::None),
                    };
                    let [min, max, equal] = bounds.map(option);
                    rules.push(match (name.as_str(), literal) {
                        (_, false) => quote!(::actix_wizard::field::Rule::Other(#name)),
                        ("length", true) => quote!(::actix_wizard::field::Rule::Length {
                            min: #min, max: #max, equal: #equal
                        }),
                        _ => quote!(::actix_wizard::field::Rule::Range { min: #min, max: #max }),
                    });
                    Ok(())
                }
                "custom" => {
                    let mut ticked = false;
                    if meta.input.peek(syn::token::Paren) {
                        meta.parse_nested_meta(|inner| {
                            if inner.path.is_ident("function") {
                                let value: Expr = inner.value()?.parse()?;
                                let text = match &value {
                                    Expr::Lit(syn::ExprLit {
                                        lit: Lit::Str(path),
                                        ..
                                    }) => path.value(),
                                    other => quote!(#other).to_string().replace(' ', ""),
                                };
                                ticked = text == "actix_wizard::field::ticked" || text == "ticked";
                                Ok(())
                            } else {
                                skip_value(&inner)
                            }
                        })?;
                    }
                    rules.push(if ticked {
                        quote!(::actix_wizard::field::Rule::Ticked)
                    } else {
                        quote!(::actix_wizard::field::Rule::Other("custom"))
                    });
                    Ok(())
                }
                other => {
                    rules.push(quote!(::actix_wizard::field::Rule::Other(#other)));
                    skip_value(&meta)
                }
            }
        })?;
    }
    Ok((rules, required))
}

/// An integer literal (`40`, `100_000`, `-5`), if `value` is one.
fn integer_literal(value: &Expr) -> Option<i64> {
    match value {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Int(int), ..
        }) => int.base10_parse().ok(),
        Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            expr,
            ..
        }) => integer_literal(expr).map(|n: i64| -n),
        _ => None,
    }
}

// ------------------------------------------------------------------ Step

struct StepAttrs {
    name: LitStr,
    title: LitStr,
    check: Option<Path>,
    render: Option<Path>,
    button: Option<LitStr>,
    unchecked_placement: bool,
}

fn step_attrs(input: &DeriveInput) -> Result<StepAttrs> {
    let mut name = None;
    let mut title = None;
    let mut check = None;
    let mut render = None;
    let mut button = None;
    let mut unchecked_placement = false;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("step")) {
        attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(Ident::to_string);
            match key.as_deref() {
                Some("name") => {
                    let value: LitStr = meta.value()?.parse()?;
                    if !is_url_segment(&value.value()) {
                        return Err(Error::new(
                            value.span(),
                            "a step's name is its URL segment: lowercase letters, digits, `-` or `_`",
                        ));
                    }
                    name = Some(value);
                }
                Some("title") => title = Some(meta.value()?.parse()?),
                Some("check") => check = Some(meta.value()?.parse()?),
                Some("render") => render = Some(meta.value()?.parse()?),
                Some("button") => button = Some(meta.value()?.parse()?),
                Some("unchecked_placement") => unchecked_placement = true,
                _ => {
                    return Err(meta.error(
                        "unknown step attribute; expected `name`, `title`, `button`, `check`, `render` or `unchecked_placement`",
                    ));
                }
            }
            Ok(())
        })?;
    }
    let missing = |what: &str| {
        Error::new(
            input.ident.span(),
            format!("#[derive(Step)] needs #[step({what} = \"...\")] on the struct"),
        )
    };
    let name = match name {
        Some(name) => name,
        None => default_step_name(&input.ident)?,
    };
    Ok(StepAttrs {
        name,
        title: title.ok_or_else(|| missing("title"))?,
        check,
        render,
        button,
        unchecked_placement,
    })
}

fn is_url_segment(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// A step named after its struct, in snake case: `CompanyDetails` is
/// `company_details`, as serde's `rename_all = "snake_case"` would write it.
fn default_step_name(ident: &Ident) -> Result<LitStr> {
    let rust = ident.to_string();
    let name = RenameRule::Snake.apply(&words_of_variant(rust.strip_prefix("r#").unwrap_or(&rust)));
    if !is_url_segment(&name) {
        return Err(Error::new(
            ident.span(),
            format!(
                "`{name}` cannot be this step's URL segment: give one with #[step(name = \"...\")] (lowercase letters, digits, `-` or `_`)"
            ),
        ));
    }
    Ok(LitStr::new(&name, ident.span()))
}

const KINDS: &[(&str, &str)] = &[
    ("text", "Text"),
    ("email", "Email"),
    ("tel", "Telephone"),
    ("password", "Password"),
    ("number", "Number"),
    ("textarea", "Textarea"),
    ("radios", "Radios"),
    ("checkboxes", "Checkboxes"),
    ("checkbox", "Checkbox"),
    ("select", "Select"),
    ("date", "Date"),
];

/// The step's own constants: a field named like one gets `_FIELD` added.
const RESERVED_CONSTANTS: &[&str] = &["NAME", "TITLE", "FIELDS", "CHECK_PLACEMENT", "BUTTON"];

const WIDTHS: &[u8] = &[2, 3, 4, 5, 10, 20, 30];

/// One field's `#[field(...)]`, as builder calls on its `FieldSpec`.
#[derive(Default)]
struct FieldAttrs {
    label: Option<LitStr>,
    kind: Option<Ident>,
    optional: Option<LitBool>,
    calls: Vec<Tokens>,
}

fn field_attrs(attrs: &[Attribute]) -> Result<FieldAttrs> {
    let mut out = FieldAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("field")) {
        attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(Ident::to_string)
                .unwrap_or_default();
            let text_call = |out: &mut FieldAttrs, method: &str| -> Result<()> {
                let value: LitStr = meta.value()?.parse()?;
                let method = format_ident!("{method}");
                out.calls.push(quote!(.#method(#value)));
                Ok(())
            };
            match key.as_str() {
                "label" => out.label = Some(meta.value()?.parse()?),
                "hint" | "checkbox" | "autocomplete" | "inputmode" | "prefix" | "suffix"
                | "type_error" => text_call(&mut out, &key)?,
                "kind" => {
                    let value: LitStr = meta.value()?.parse()?;
                    let Some((_, variant)) = KINDS.iter().find(|(k, _)| *k == value.value())
                    else {
                        let known: Vec<&str> = KINDS.iter().map(|(k, _)| *k).collect();
                        return Err(Error::new(
                            value.span(),
                            format!(
                                "unknown kind `{}`; expected one of {}",
                                value.value(),
                                known.join(", ")
                            ),
                        ));
                    };
                    out.kind = Some(Ident::new(variant, value.span()));
                }
                "optional" => out.optional = Some(meta.value()?.parse()?),
                "spellcheck" => {
                    let value: LitBool = meta.value()?.parse()?;
                    out.calls.push(quote!(.spellcheck(#value)));
                }
                "width" => {
                    let value: LitInt = meta.value()?.parse()?;
                    let chars: u8 = value.base10_parse()?;
                    if !WIDTHS.contains(&chars) {
                        return Err(Error::new(
                            value.span(),
                            "a width is 2, 3, 4, 5, 10, 20 or 30 characters",
                        ));
                    }
                    out.calls.push(quote!(.width(#value)));
                }
                "rows" => {
                    let value: LitInt = meta.value()?.parse()?;
                    let _: u8 = value.base10_parse()?;
                    out.calls.push(quote!(.rows(#value)));
                }
                "max_chars" => {
                    let value: LitInt = meta.value()?.parse()?;
                    let _: usize = value.base10_parse()?;
                    out.calls.push(quote!(.max_chars(#value)));
                }
                "uppercase" => out
                    .calls
                    .push(quote!(.normalise(::actix_wizard::field::Normalise::Uppercase))),
                "lowercase" => out
                    .calls
                    .push(quote!(.normalise(::actix_wizard::field::Normalise::Lowercase))),
                _ => {
                    return Err(meta.error(
                        "unknown field attribute; expected label, hint, kind, optional, checkbox, autocomplete, inputmode, spellcheck, width, prefix, suffix, rows, max_chars, uppercase, lowercase or type_error",
                    ));
                }
            }
            Ok(())
        })?;
    }
    Ok(out)
}

fn expand_step(input: &DeriveInput) -> Result<Tokens> {
    let ident = &input.ident;
    if !input.generics.params.is_empty() {
        return Err(Error::new(
            input.generics.span(),
            "#[derive(Step)] takes a struct without generic parameters",
        ));
    }
    let Data::Struct(data) = &input.data else {
        return Err(Error::new(
            ident.span(),
            "#[derive(Step)] takes a struct with named fields",
        ));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(Error::new(
            ident.span(),
            "#[derive(Step)] takes a struct with named fields",
        ));
    };
    let attrs = step_attrs(input)?;
    let rename_all = serde_names(&input.attrs)?.rename_all;

    let mut specs = Vec::new();
    let mut rows = Vec::new();
    let mut names = Vec::new();
    for field in &fields.named {
        let Some(rust) = &field.ident else { continue };
        let serde = serde_names(&field.attrs)?;
        let declared = field_attrs(&field.attrs)?;
        if serde.skip {
            if let Some(label) = &declared.label {
                return Err(Error::new(
                    label.span(),
                    "this field is skipped by serde, so it is not on the form",
                ));
            }
            continue;
        }
        let rust_name = rust.to_string();
        let rust_name = rust_name
            .strip_prefix("r#")
            .unwrap_or(&rust_name)
            .to_owned();
        let form_name = serde.rename.clone().unwrap_or_else(|| match rename_all {
            Some(rule) => rule.apply(&words_of_field(&rust_name)),
            None => rust_name.clone(),
        });
        let label = declared
            .label
            .clone()
            .unwrap_or_else(|| LitStr::new(&humanize(&form_name), rust.span()));
        let ty = &field.ty;
        let value_of = quote_spanned!(ty.span()=> <#ty as ::actix_wizard::field::FieldValue>);
        let kind = match &declared.kind {
            Some(variant) => quote!(::actix_wizard::field::Kind::#variant),
            None => quote!(#value_of::KIND),
        };
        let (rules, required) = validator_rules(&field.attrs)?;
        let optional = match &declared.optional {
            Some(flag) => quote!(#flag),
            None if required => quote!(false),
            None => quote!(#value_of::OPTIONAL),
        };
        let calls = &declared.calls;
        specs.push(quote! {
            ::actix_wizard::field::FieldSpec::new(#form_name, #label, #kind)
                .rust_name(#rust_name)
                .optional(#optional)
                .options(#value_of::OPTIONS)
                .rules(&[#(#rules),*])
                #(#calls)*
        });
        rows.push(quote! {
            if let ::std::option::Option::Some(value) =
                ::actix_wizard::field::FieldValue::display(&self.#rust, texts)
            {
                rows.push(::actix_wizard::page::Answer::new(#form_name, #label, value));
            }
        });
        let mut constant_name = rust_name.to_uppercase();
        if RESERVED_CONSTANTS.contains(&constant_name.as_str()) {
            constant_name.push_str("_FIELD");
        }
        let constant = format_ident!("{constant_name}", span = rust.span());
        let doc = format!("The `{form_name}` field, by name.");
        names.push(quote! {
            #[doc = #doc]
            pub const #constant: ::actix_wizard::field::FieldName<Self> =
                ::actix_wizard::field::FieldName::new(#form_name);
        });
    }

    let StepAttrs {
        name,
        title,
        check,
        render,
        button,
        unchecked_placement,
    } = attrs;
    let button = button.map(|label| {
        quote!(
            const BUTTON: ::std::option::Option<&'static str> = ::std::option::Option::Some(#label);
        )
    });
    let render = render.map(|path| {
        quote! {
            fn render(page: &::actix_wizard::page::Page<'_>) -> ::std::result::Result<::std::string::String, ::askama::Error> {
                #path(page)
            }
        }
    });
    let check = check.map(|path| {
        quote! {
            fn check(&self, request: &::actix_web::HttpRequest)
                -> impl ::std::future::Future<Output = ::actix_wizard::FieldErrors> {
                #path(self, request)
            }
        }
    });
    let placement = unchecked_placement.then(|| {
        quote!(
            const CHECK_PLACEMENT: bool = false;
        )
    });
    Ok(quote! {
        impl ::actix_wizard::Step for #ident {
            const NAME: &'static str = #name;
            const TITLE: &'static str = #title;
            const FIELDS: &'static [::actix_wizard::field::FieldSpec] = &[#(#specs),*];
            #placement
            #button
            #render
            #check
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
    })
}

/// "display_name" → "Display name".
fn humanize(name: &str) -> String {
    let spaced = name.replace(['_', '-'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

// ------------------------------------------------------------------ Choice

fn expand_choice(input: &DeriveInput) -> Result<Tokens> {
    let ident = &input.ident;
    let Data::Enum(data) = &input.data else {
        return Err(Error::new(
            ident.span(),
            "#[derive(Choice)] takes an enum of unit variants",
        ));
    };
    if !input.generics.params.is_empty() {
        return Err(Error::new(
            input.generics.span(),
            "#[derive(Choice)] takes an enum without generic parameters",
        ));
    }
    let rename_all = serde_names(&input.attrs)?.rename_all;
    let mut choices = Vec::new();
    let mut arms = Vec::new();
    for variant in &data.variants {
        if !matches!(variant.fields, Fields::Unit) {
            return Err(Error::new(
                variant.span(),
                "a choice is a unit variant: it carries no data",
            ));
        }
        let serde = serde_names(&variant.attrs)?;
        if serde.skip {
            continue;
        }
        let name = variant.ident.to_string();
        let value = serde.rename.unwrap_or_else(|| match rename_all {
            Some(rule) => rule.apply(&words_of_variant(&name)),
            None => name.clone(),
        });
        let mut label = None;
        let mut hint = None;
        for attr in variant.attrs.iter().filter(|a| a.path().is_ident("choice")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("label") {
                    label = Some(meta.value()?.parse::<LitStr>()?);
                } else if meta.path.is_ident("hint") {
                    hint = Some(meta.value()?.parse::<LitStr>()?);
                } else {
                    return Err(meta.error("unknown choice attribute; expected `label` or `hint`"));
                }
                Ok(())
            })?;
        }
        let label = label.unwrap_or_else(|| {
            let words = words_of_variant(&name).join(" ");
            LitStr::new(&humanize(&words.to_lowercase()), variant.ident.span())
        });
        let hint = hint.map(|h| quote!(.with_hint(#h)));
        choices.push(quote!(::actix_wizard::field::Choice::new(#value, #label)#hint));
        let variant_ident = &variant.ident;
        let position = choices.len() - 1;
        arms.push(
            quote!(Self::#variant_ident => &<Self as ::actix_wizard::field::Choices>::CHOICES[#position]),
        );
    }
    if choices.is_empty() {
        return Err(Error::new(
            ident.span(),
            "a choice needs at least one variant",
        ));
    }
    let unreachable = (arms.len() < data.variants.len()).then(|| {
        quote!(
            #[allow(unreachable_patterns)]
            _ => &<Self as ::actix_wizard::field::Choices>::CHOICES[0]
        )
    });
    Ok(quote! {
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
    })
}
