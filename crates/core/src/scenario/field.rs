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
