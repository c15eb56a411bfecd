//! [`ResourceKey`]: the resource a request is on, in its one written form.

use actix_web::HttpRequest;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The resource a request is on, for a wizard mounted on a path with
/// parameters (`/bookings/{booking}/change`): each parameter's value in
/// its one written form. A wizard's runs are keyed by it, so that
/// `/bookings/007/change` and `/bookings/+7/change` are booking 7's one
/// run: a `GET` on another spelling is sent (308) to the canonical URL,
/// anything else there is 404.
///
/// [`crate::Wizard::resource_key`] makes it; by default every parameter
/// is taken as written. A wizard names its resource's type with
/// [`ResourceKey::of`]:
///
/// ```
/// # use actix_wizard::ResourceKey;
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct BookingPath {
///     booking: u32,
/// }
/// let request = actix_web::test::TestRequest::default()
///     .param("booking", "007")
///     .to_http_request();
/// let key = ResourceKey::of::<BookingPath>(&request);
/// assert_eq!(key.as_ref().and_then(|key| key.get("booking")), Some("7"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceKey(Vec<(String, String)>);

impl ResourceKey {
    /// Every path parameter of `request` as written; `None` when there is
    /// none (a wizard at a fixed path).
    pub fn as_written(request: &HttpRequest) -> Option<Self> {
        let params: Vec<(String, String)> = request
            .match_info()
            .iter()
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect();
        (!params.is_empty()).then_some(Self(params))
    }

    /// The path parameters read as `T` and written back as `T` writes
    /// them (a number without leading zeros or sign, say); parameters `T`
    /// does not name stay as written. `None` when they do not read as `T`
    /// (the page is then 404).
    pub fn of<T: Serialize + DeserializeOwned>(request: &HttpRequest) -> Option<Self> {
        let typed: T = request.match_info().load().ok()?;
        let serde_json::Value::Object(fields) = serde_json::to_value(&typed).ok()? else {
            return None;
        };
        let params = request
            .match_info()
            .iter()
            .map(|(name, written)| {
                let value = match fields.get(name) {
                    Some(serde_json::Value::String(text)) => text.clone(),
                    Some(serde_json::Value::Null) | None => written.to_owned(),
                    Some(other) => other.to_string(),
                };
                (name.to_owned(), value)
            })
            .collect();
        Some(Self(params))
    }

    /// The value of parameter `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(param, _)| param == name)
            .map(|(_, value)| value.as_str())
    }

    /// Whether `request`'s path writes every parameter as this key does.
    pub(crate) fn is_written_in(&self, request: &HttpRequest) -> bool {
        self.0
            .iter()
            .all(|(name, value)| request.match_info().get(name) == Some(value.as_str()))
    }

    /// The key as one string (`:name=value` per parameter), which the
    /// session's entries are named by.
    pub(crate) fn joined(&self) -> String {
        let mut joined = String::new();
        for (name, value) in &self.0 {
            joined.push(':');
            joined.push_str(name);
            joined.push('=');
            joined.push_str(value);
        }
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize)]
    struct BookingPath {
        booking: u32,
    }

    fn request(booking: &str) -> HttpRequest {
        actix_web::test::TestRequest::default()
            .param("booking", booking.to_owned())
            .param("wizard_run", "AbCdEfGhIjKl")
            .to_http_request()
    }

    #[test]
    fn every_spelling_of_a_booking_has_one_key() {
        let keys: Vec<_> = ["7", "007", "+7"]
            .iter()
            .map(|written| ResourceKey::of::<BookingPath>(&request(written)).map(|k| k.joined()))
            .collect();
        assert_eq!(
            keys,
            vec![Some(":booking=7:wizard_run=AbCdEfGhIjKl".to_owned()); 3]
        );
        assert!(ResourceKey::of::<BookingPath>(&request("seven")).is_none());
    }

    #[test]
    fn only_the_canonical_spelling_is_written_as_the_key() {
        let canonical = request("7");
        let key = ResourceKey::of::<BookingPath>(&canonical);
        assert!(
            key.as_ref()
                .is_some_and(|key| key.is_written_in(&canonical))
        );
        let other = request("007");
        let key = ResourceKey::of::<BookingPath>(&other);
        assert!(key.is_some_and(|key| !key.is_written_in(&other)));
        assert_eq!(
            ResourceKey::as_written(&other).map(|key| key.joined()),
            Some(":booking=007:wizard_run=AbCdEfGhIjKl".to_owned())
        );
    }
}
