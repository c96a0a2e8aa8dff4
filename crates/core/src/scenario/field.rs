//! API-server style field errors (`k8s.io/apimachinery/pkg/util/validation/field`).

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldErrorType {
    Required,
    Invalid,
    NotSupported,
    Forbidden,
    Duplicate,
    NotFound,
    TooLong,
}

impl FieldErrorType {
    fn as_str(self) -> &'static str {
        match self {
            FieldErrorType::Required => "Required value",
            FieldErrorType::Invalid => "Invalid value",
            FieldErrorType::NotSupported => "Unsupported value",
            FieldErrorType::Forbidden => "Forbidden",
            FieldErrorType::Duplicate => "Duplicate value",
            FieldErrorType::NotFound => "Not found",
            FieldErrorType::TooLong => "Too long",
        }
    }
}

/// `field.Error`: rendered exactly as `field.Error.Error()` does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub path: String,
    pub type_: FieldErrorType,
    /// The offending value, already rendered (`"Foo"` with quotes for strings).
    pub value: Option<String>,
    pub detail: String,
}

impl FieldError {
    pub fn required(path: impl Into<String>, detail: impl Into<String>) -> FieldError {
        FieldError {
            path: path.into(),
            type_: FieldErrorType::Required,
            value: None,
            detail: detail.into(),
        }
    }

    pub fn forbidden(path: impl Into<String>, detail: impl Into<String>) -> FieldError {
        FieldError {
            path: path.into(),
            type_: FieldErrorType::Forbidden,
            value: None,
            detail: detail.into(),
        }
    }

    pub fn invalid(path: impl Into<String>, value: &str, detail: impl Into<String>) -> FieldError {
        FieldError {
            path: path.into(),
            type_: FieldErrorType::Invalid,
            value: Some(format!("{value:?}")),
            detail: detail.into(),
        }
    }

    pub fn invalid_number(path: impl Into<String>, value: i64, detail: &str) -> FieldError {
        FieldError {
            path: path.into(),
            type_: FieldErrorType::Invalid,
            value: Some(value.to_string()),
            detail: detail.to_string(),
        }
    }

    /// `field.NotSupported`: lists the supported values, quoted and comma-separated.
    pub fn not_supported(path: impl Into<String>, value: &str, supported: &[&str]) -> FieldError {
        let list = supported
            .iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        FieldError {
            path: path.into(),
            type_: FieldErrorType::NotSupported,
            value: Some(format!("{value:?}")),
            detail: format!("supported values: {list}"),
        }
    }

    pub fn duplicate(
        path: impl Into<String>,
        value: &str,
        detail: impl Into<String>,
    ) -> FieldError {
        FieldError {
            path: path.into(),
            type_: FieldErrorType::Duplicate,
            value: Some(format!("{value:?}")),
            detail: detail.into(),
        }
    }

    pub fn not_found(
        path: impl Into<String>,
        value: &str,
        detail: impl Into<String>,
    ) -> FieldError {
        FieldError {
            path: path.into(),
            type_: FieldErrorType::NotFound,
            value: Some(format!("{value:?}")),
            detail: detail.into(),
        }
    }

    /// The part after the field path: `Forbidden: may not use …`.
    pub fn body(&self) -> String {
        let mut s = self.type_.as_str().to_string();
        if let Some(v) = &self.value {
            s.push_str(": ");
            s.push_str(v);
        }
        if !self.detail.is_empty() {
            s.push_str(": ");
            s.push_str(&self.detail);
        }
        s
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.body())
    }
}

/// Joins a parent path and a child field the way `field.Path` renders (`spec.volumes[0]`).
pub fn child(parent: &str, field: &str) -> String {
    if parent.is_empty() {
        field.to_string()
    } else {
        format!("{parent}.{field}")
    }
}

pub fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

pub fn key(parent: &str, k: &str) -> String {
    format!("{parent}[{k}]")
}

/// The RFC 1123 subdomain rule object names follow (`IsDNS1123Subdomain`).
pub fn validate_dns1123_subdomain(path: &str, value: &str) -> Option<FieldError> {
    const MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    if value.len() > 253 {
        return Some(FieldError::invalid(
            path,
            value,
            "must be no more than 253 characters",
        ));
    }
    let ok = !value.is_empty()
        && value.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    (!ok).then(|| FieldError::invalid(path, value, MSG))
}

/// `field.Invalid` with a value already rendered as Go's `%#v` / `%v` would print it
/// (a struct, a number): printed as given, without quotes.
pub fn invalid_rendered(path: impl Into<String>, rendered: String, detail: &str) -> FieldError {
    FieldError {
        path: path.into(),
        type_: FieldErrorType::Invalid,
        value: Some(rendered),
        detail: detail.to_string(),
    }
}

/// `IsDNS1123Label` (namespaces, volume names): at most 63 characters; a valid subdomain
/// with dots "must not contain dots"; anything else gets the label regex message.
pub fn validate_dns1123_label(path: &str, value: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push(FieldError::invalid(
            path,
            value,
            "must be no more than 63 characters",
        ));
    }
    let label_ok = !value.is_empty()
        && !value.contains('.')
        && validate_dns1123_subdomain("", value).is_none();
    if !label_ok {
        if value.contains('.') && validate_dns1123_subdomain("", value).is_none() {
            errs.push(FieldError::invalid(path, value, "must not contain dots"));
        } else {
            errs.push(FieldError::invalid(
                path,
                value,
                regex_error(
                    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
                    "[a-z0-9]([-a-z0-9]*[a-z0-9])?",
                    &["my-name", "123-abc"],
                ),
            ));
        }
    }
    errs
}

/// `validation.RegexError`: the message, the examples and the regex.
fn regex_error(msg: &str, fmt: &str, examples: &[&str]) -> String {
    let mut s = format!("{msg} (e.g. ");
    for (i, e) in examples.iter().enumerate() {
        if i > 0 {
            s.push_str(" or ");
        }
        s.push_str(&format!("'{e}', "));
    }
    s.push_str(&format!("regex used for validation is '{fmt}')"));
    s
}

const QUALIFIED_NAME_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`, anchored.
fn matches_qualified_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// `validation.IsQualifiedName`: the messages for a label key, a provisioner name, …
pub fn qualified_name_errors(value: &str) -> Vec<String> {
    const MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    let mut errs = Vec::new();
    let parts: Vec<&str> = value.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_string());
            } else if let Some(e) = validate_dns1123_subdomain("", prefix) {
                errs.push(format!("prefix part {}", e.detail));
            }
            *name
        }
        _ => {
            return vec![format!(
                "a qualified name {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(MSG, QUALIFIED_NAME_FMT, &["MyName", "my.name", "123-abc"])
            )]
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
    } else if name.len() > 63 {
        errs.push("name part must be no more than 63 characters".to_string());
    }
    if !matches_qualified_name_part(name) {
        errs.push(format!(
            "name part {}",
            regex_error(MSG, QUALIFIED_NAME_FMT, &["MyName", "my.name", "123-abc"])
        ));
    }
    errs
}

/// `validation.IsValidLabelValue`.
pub fn label_value_errors(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    if !value.is_empty() && !matches_qualified_name_part(value) {
        errs.push(regex_error(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
            "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?",
            &["MyValue", "my_value", "12345"],
        ));
    }
    errs
}

/// `ValidateLabelName`: one `Invalid` per message of `IsQualifiedName`.
pub fn validate_label_name(path: &str, key: &str) -> Vec<FieldError> {
    qualified_name_errors(key)
        .into_iter()
        .map(|m| FieldError::invalid(path, key, m))
        .collect()
}

/// `ValidateLabels` (`metav1validation`): keys are qualified names, values label values;
/// in key order (Go walks the map in random order).
pub fn validate_labels<'a>(
    path: &str,
    labels: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (k, v) in labels {
        errs.extend(validate_label_name(path, k));
        for m in label_value_errors(v) {
            errs.push(FieldError::invalid(path, v, m));
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_field_error() {
        assert_eq!(
            FieldError::forbidden(
                "spec.accessModes",
                "may not use ReadWriteOncePod with other access modes"
            )
            .to_string(),
            "spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes"
        );
        assert_eq!(
            FieldError::not_supported("spec.accessModes", "Foo", &["ReadOnlyMany", "ReadWriteMany"]).to_string(),
            "spec.accessModes: Unsupported value: \"Foo\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\""
        );
        assert_eq!(
            FieldError::required("spec.resources[storage]", "").to_string(),
            "spec.resources[storage]: Required value"
        );
        assert!(validate_dns1123_subdomain("metadata.name", "Foo_bar").is_some());
        assert!(validate_dns1123_subdomain("metadata.name", "pvc-a.b").is_none());
    }
}
