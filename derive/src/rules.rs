//! Reading a field's `#[validate(...)]`: its rules as the published
//! schema states them, and the messages they declare, by validator's code.

use syn::{Attribute, Expr, Ident, Lit, LitStr, Result};

/// A validator rule as the published schema states it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Rule {
    Required,
    Email,
    Url,
    Length {
        min: Option<i64>,
        max: Option<i64>,
        equal: Option<i64>,
    },
    Range {
        min: Option<i64>,
        max: Option<i64>,
    },
    Ticked,
    /// A rule a schema cannot state, or with bounds that are not integer
    /// literals: its name.
    Other(String),
}

/// validator's rules on a field. Bounds that are not integer literals,
/// and rules a schema cannot state, are `Rule::Other` with the rule's
/// name.
pub(crate) fn validator_rules(attrs: &[Attribute]) -> Result<Vec<Rule>> {
    let mut rules = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("validate")) {
        attr.parse_nested_meta(|meta| {
            let name = meta
                .path
                .get_ident()
                .map(Ident::to_string)
                .unwrap_or_default();
            let rule = match name.as_str() {
                "required" => Rule::Required,
                "email" => Rule::Email,
                "url" => Rule::Url,
                "length" | "range" => return bounded_rule(&meta, &name, &mut rules),
                "custom" => return custom_rule(&meta, &mut rules),
                other => Rule::Other(other.to_owned()),
            };
            rules.push(rule);
            skip_value(&meta)
        })?;
    }
    Ok(rules)
}

/// The `message = "..."` of each `#[validate]` rule, with the code
/// validator reports it under: `code = "..."` when given, else the rule's
/// name. A `custom` rule's code is its function's unless `code` is
/// given, so a message there without a code is not recorded.
pub(crate) fn declared_messages(attrs: &[Attribute]) -> Result<Vec<(String, LitStr)>> {
    let mut messages = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("validate")) {
        attr.parse_nested_meta(|meta| {
            let rule = meta
                .path
                .get_ident()
                .map(Ident::to_string)
                .unwrap_or_default();
            if !meta.input.peek(syn::token::Paren) {
                return skip_value(&meta);
            }
            let (mut code, mut message, mut function) = (None, None, None);
            meta.parse_nested_meta(|inner| {
                let slot = if inner.path.is_ident("message") {
                    &mut message
                } else if inner.path.is_ident("code") {
                    &mut code
                } else if inner.path.is_ident("function") {
                    &mut function
                } else {
                    return skip_value(&inner);
                };
                if let Expr::Lit(syn::ExprLit {
                    lit: Lit::Str(text),
                    ..
                }) = inner.value()?.parse::<Expr>()?
                {
                    *slot = Some(text);
                }
                Ok(())
            })?;
            // The crate's `ticked` reports `required`.
            let ticked = function.is_some_and(|f| {
                let path = f.value();
                path == "actix_wizard::field::ticked" || path == "ticked"
            });
            let code = code.map(|c| c.value()).or_else(|| match rule.as_str() {
                "custom" if ticked => Some("required".to_owned()),
                "custom" => None,
                _ => Some(rule),
            });
            if let (Some(code), Some(message)) = (code, message) {
                messages.push((code, message));
            }
            Ok(())
        })?;
    }
    Ok(messages)
}

/// `length(...)` or `range(...)`, with integer-literal bounds.
fn bounded_rule(
    meta: &syn::meta::ParseNestedMeta<'_>,
    name: &str,
    rules: &mut Vec<Rule>,
) -> Result<()> {
    let mut bounds: [Option<i64>; 3] = [None; 3];
    let mut literal = true;
    if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| {
            let slot = ["min", "max", "equal"]
                .iter()
                .position(|key| inner.path.is_ident(key));
            let Some(slot) = slot else {
                return skip_value(&inner);
            };
            let value: Expr = inner.value()?.parse()?;
            match integer_literal(&value) {
                Some(number) => bounds[slot] = Some(number),
                None => literal = false,
            }
            Ok(())
        })?;
    }
    let [min, max, equal] = bounds;
    rules.push(match (name, literal) {
        (_, false) => Rule::Other(name.to_owned()),
        ("length", true) => Rule::Length { min, max, equal },
        _ => Rule::Range { min, max },
    });
    Ok(())
}

/// `custom(function = "...")`: `Ticked` for the crate's `ticked`.
fn custom_rule(meta: &syn::meta::ParseNestedMeta<'_>, rules: &mut Vec<Rule>) -> Result<()> {
    let mut ticked = false;
    if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| {
            if !inner.path.is_ident("function") {
                return skip_value(&inner);
            }
            let value: Expr = inner.value()?.parse()?;
            let text = match &value {
                Expr::Lit(syn::ExprLit {
                    lit: Lit::Str(path),
                    ..
                }) => path.value(),
                other => quote::quote!(#other).to_string().replace(' ', ""),
            };
            ticked = text == "actix_wizard::field::ticked" || text == "ticked";
            Ok(())
        })?;
    }
    rules.push(if ticked {
        Rule::Ticked
    } else {
        Rule::Other("custom".to_owned())
    });
    Ok(())
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

/// Consumes an attribute argument this derive does not read.
pub(crate) fn skip_value(meta: &syn::meta::ParseNestedMeta<'_>) -> Result<()> {
    if meta.input.peek(syn::Token![=]) {
        let _: Expr = meta.value()?.parse()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| skip_value(&inner))?;
    }
    Ok(())
}
